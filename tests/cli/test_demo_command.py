"""`jichitai demo`: every step counted in plain lines when stdout is not a terminal, and the
printed logins list every demo account with its roles in every municipality it works for."""

from __future__ import annotations

import io
import re

from jichitai import demo
from jichitai.accounts.models import Role
from jichitai.cli.progress import Steps

from .conftest import BuiltDemo

# the row format the browser tests read (tests/browser/demo_server.py)
LOGIN_ROW = re.compile(r"^\s+(\S+)\s+(\S+)\s+([A-Z2-7]{32})\s+(.+)$")
NAMES = {m.key: m.name for m in demo.MUNICIPALITIES}


def test_demo_build_reports_each_long_step_with_counts(built_demo: BuiltDemo) -> None:
    lines = built_demo.printed.splitlines()
    assert any(re.match(r"✓ データベースの移行 / migrating the database: (\d+)/\1 件", x) for x in lines)
    staff = len(demo.STAFF)
    assert f"✓ 協議会・団体・職員アカウント / consortium and staff: {staff}/{staff} 人" in built_demo.printed
    for m in demo.MUNICIPALITIES:
        assert any(x.startswith(f"▸ 住民データ {m.name}") and x.endswith(": 0/5 人") for x in lines)
        assert any(x.startswith(f"✓ 住民データ {m.name}") and ": 5/5 人" in x for x in lines)
    assert "\r" not in built_demo.printed and "\x1b[" not in built_demo.printed  # no live bar


def test_printed_logins_list_every_account_with_its_roles(built_demo: BuiltDemo) -> None:
    rows = {m.group(1): m for line in built_demo.printed.splitlines() if (m := LOGIN_ROW.match(line))}
    assert set(rows) == {s.username for s in demo.STAFF}
    for person in demo.STAFF:
        row = rows[person.username]
        assert row.group(2) == demo.DEMO_PASSWORD
        assert row.group(3) == demo.totp_secret_base32(person.username)
        per_muni = dict(part.split(":", 1) for part in row.group(4).split("、"))
        expected: dict[str, set[str]] = {}
        for key, role in person.roles:
            expected.setdefault(NAMES[key], set()).add(Role(role).label)
        assert {k: set(v.split("・")) for k, v in per_muni.items()} == expected, person.username
        assert f"    {person.username:<18}otpauth://totp/" in built_demo.printed


def test_plain_steps_print_start_tenths_and_end_with_counts(monkeypatch) -> None:
    from jichitai.cli import progress

    monkeypatch.setattr(progress, "PLAIN_INTERVAL_S", 0.0)
    out = io.StringIO()
    with Steps(out) as steps:
        with steps.step("住民データ 中央市", 1_000, " 人") as advance:
            for done in range(100, 1_001, 100):
                advance(done, 1_000)
        steps.note("省略 / skipped")
    lines = out.getvalue().splitlines()
    assert lines[0] == "▸ 住民データ 中央市: 0/1,000 人"
    assert lines[1:10] == [f"    {n:,}/1,000 人（{n // 10}%）" for n in range(100, 1_000, 100)]
    assert lines[10].startswith("✓ 住民データ 中央市: 1,000/1,000 人（") and lines[11] == "省略 / skipped"


def test_quick_plain_steps_stay_two_lines() -> None:
    out = io.StringIO()
    with Steps(out) as steps, steps.step("協議会・団体・職員アカウント", 18, " 人") as advance:
        for done in range(1, 19):
            advance(done, 18)
    assert len(out.getvalue().splitlines()) == 2


def test_live_steps_end_with_the_final_count() -> None:
    out = io.StringIO()
    with Steps(out, live=True) as steps, steps.step("住民データ 港町", 600, " 人") as advance:
        advance(300, 600)
        advance(600, 600)
    assert "住民データ 港町" in out.getvalue() and "600/600 人" in out.getvalue()
