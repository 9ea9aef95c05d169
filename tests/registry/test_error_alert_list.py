"""[1440]#1/#2: the register's エラー・アラート項目一覧 (registry.inputs.catalogue) — the input checks
and the errors and alerts a 異動 raises against the register's state — is the list docs/registry.md
prints, and each process entry is raised by the real 異動 path at its level: an error refuses
仮登録 whatever is confirmed; an alert refuses until confirmed, then the event keeps what was
confirmed for the approver. Tried from another municipality: its register's state raises nothing
for ours."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from jichitai.registry import events, holds, resident_codes
from jichitai.registry.errors import AlertsRaised, RegistryError
from jichitai.registry.inputs.catalogue import ALERT, ALL_ENTRIES, BY_RULE, ERROR, PROCESS_ENTRIES
from jichitai.tenancy.context import activate
from jichitai.tenancy.models import MunicipalSetting

from .conftest import move_in_family, people, person_spec
from .test_identity import MY_NUMBER, _arrive, _back, _leave
from .test_resident_codes import codes

D = dt.date
ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _submit(office: Any, kind: str, req: dict[str, Any], **kw: Any) -> Any:
    return events.submit_event(
        kind,
        req,
        effective_date=D(2024, 6, 1),
        reported_date=D(2024, 6, 1),
        entered_by=office.clerk,
        **kw,
    )


def _raised(call: Any) -> tuple[str, set[str]]:
    """(level, rules) of what ``call`` raised: an alert (AlertsRaised) or an error."""
    with pytest.raises(RegistryError) as exc:
        call()
    level = ALERT if isinstance(exc.value, AlertsRaised) else ERROR
    return level, {v.rule for v in exc.value.violations}


@pytest.mark.std("1440#1", "1440#2")
def test_the_docs_list_every_entry_once_with_its_level_and_what_to_do() -> None:
    text = (ROOT / "docs" / "registry.md").read_text(encoding="utf-8")
    section = text[text.index("## エラーとアラート") :]
    section = section[: section.find("\n## ", 1) if "\n## " in section[1:] else None]
    assert len(BY_RULE) == len(ALL_ENTRIES)  # one entry per rule
    for e in ALL_ENTRIES:
        rows = [line for line in section.splitlines() if line.startswith(f"| `{e.rule}` |")]
        assert len(rows) == 1, e.rule
        assert f"| {e.level} |" in rows[0] and e.action in rows[0]


@pytest.mark.std("1440#1")
def test_process_errors_refuse_even_when_every_alert_is_confirmed(office, office_b) -> None:
    with activate(office.ctx()):
        _arrive(office, my_number=MY_NUMBER)
        (aoki,) = people()
        _leave(office, aoki.pk)
        level, rules = _raised(
            lambda: _back(office, my_number=MY_NUMBER, resident_code="19999999990", confirm=True)
        )
        assert (level, rules) == (BY_RULE["returning_resident"].level, {"returning_resident"})
        move_in_family(office)
        head = people(family_name="髙橋")[0]
        holds.set_hold(
            process="entry",
            level="error",
            start=D(2024, 1, 1),
            reason="調査中",
            staff=office.approver,
            household_id=head.household_id,
        )
        name_change = {"person_id": head.pk, "family_name": "高橋"}
        level, rules = _raised(
            lambda: _submit(office, "name_change", name_change, confirm_alerts=True)
        )
        assert (level, rules) == (BY_RULE["hold_entry"].level, {"hold_entry"})
    with activate(office_b.ctx()):  # B's register holds neither the 除票 nor the hold
        assert _back(office_b, my_number=MY_NUMBER, resident_code="19999999990").event.pk


@pytest.mark.std("1440#2")
def test_process_alerts_wait_for_confirmation_and_the_event_keeps_them(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = people()
        hold = holds.set_hold(
            process="entry",
            level="alert",
            start=D(2024, 1, 1),
            reason="確認中",
            staff=office.approver,
            person_id=son.pk,
        )
        req = {"person_id": son.pk, "family_name": "高橋"}
        assert _raised(lambda: _submit(office, "name_change", req)) == (ALERT, {"hold_alert"})
        done = _submit(office, "name_change", req, confirm_alerts=True)
        assert done.event.touches["alerts_confirmed"] == ["hold_alert"]
        events.reject_event(done.event.pk, approver=office.approver, reason="確認のため")
        holds.release_hold(hold.pk, staff=office.approver, reason="確認済み")
        # [490]#2: the head dies and two remain
        death = {"person_id": head.pk}
        assert _raised(lambda: _submit(office, "death", death)) == (
            BY_RULE["headless"].level,
            {"headless"},
        )
        assert _submit(office, "death", death, confirm_alerts=True).event.touches[
            "alerts_confirmed"
        ] == ["headless"]


@pytest.mark.std("1440#2")
def test_low_resident_code_stock_is_an_alert(office) -> None:
    with activate(office.ctx()):
        MunicipalSetting.objects.create(key=resident_codes.ALERT_SETTING, value=5)
        resident_codes.stock(codes(5))
        move_in_family(office)
        head = people()[0]
        spec = person_spec(
            "c1", "髙橋", "次郎", "2024-05-01", "子", given_kana="ジロウ", resident_code=""
        )
        birth = {"household_id": head.household_id, "person": spec}
        level, rules = _raised(lambda: _submit(office, "birth", birth))
        assert (level, rules) == (
            BY_RULE["resident_code_stock_low"].level,
            {"resident_code_stock_low"},
        )
        assert _submit(office, "birth", birth, confirm_alerts=True).event.pk


def test_every_process_entry_is_tried_above() -> None:
    tried = {
        "returning_resident",
        "hold_entry",
        "hold_alert",
        "headless",
        "resident_code_stock_low",
    }
    assert {e.rule for e in PROCESS_ENTRIES} == tried
