"""[1440]: the list of errors and alerts (registry.inputs.catalogue) is the one docs/registry.md
prints, every rule the input checks raise is in it, and each entry's example is reported by the
batch check with file, line, item and level (``jichitai registry check``). No register data is
read here: the batch check works on a file alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jichitai.cli.registry import main
from jichitai.registry.inputs import batch
from jichitai.registry.inputs.catalogue import ALERT, BY_RULE, ENTRIES, ERROR

ROOT = Path(__file__).resolve().parents[2]
HEAD = {"household": "h1", "effective_date": "2024-04-01", "reported_date": "2024-04-02", "family_name": "森",
        "given_name": "一郎", "family_name_kana": "モリ", "given_name_kana": "イチロウ", "birth_date": "1980-01-01",
        "sex": "1", "relationship": "世帯主", "banchi": "3番地", "honseki": "甲県乙村1番地", "hittousha": "森一郎",
        "resident_code": "10000000001"}
CHILD = HEAD | {"given_name": "太郎", "given_name_kana": "タロウ", "birth_date": "2010-01-01", "relationship": "子",
                "resident_code": "10000000002"}


def _section() -> str:
    text = (ROOT / "docs" / "registry.md").read_text(encoding="utf-8")
    start = text.index("## エラーとアラート")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


@pytest.mark.std("1440#1", "1440#2")
def test_the_docs_list_every_error_and_alert_with_its_level() -> None:
    section = _section()
    for e in ENTRIES:
        row = next((line for line in section.splitlines() if f"`{e.rule}`" in line), None)
        assert row is not None, f"{e.rule} is not in docs/registry.md エラーとアラート"
        assert e.level in row


def test_every_rule_the_input_checks_raise_is_in_the_list() -> None:
    raised: set[str] = set()
    for path in (ROOT / "src/jichitai/registry/inputs").glob("*.py"):
        raised |= set(re.findall(r'(?:InputProblem|RuleViolation)\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert raised and raised <= set(BY_RULE), sorted(raised - set(BY_RULE))


def test_a_plain_household_has_no_finding() -> None:
    assert batch.check_rows([(2, HEAD), (3, CHILD)], "ok.csv") == []


@pytest.mark.std("1440#1", "1440#2", "1440#3")
@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.example], ids=lambda e: e.rule)
def test_each_entry_is_reported_with_file_line_item_and_level(entry) -> None:
    findings = batch.check_rows([(2, HEAD), (3, CHILD | entry.example)], "entries.csv")
    mine = [f for f in findings if f.rule == entry.rule]
    assert mine, findings
    f = mine[0]
    assert (f.file, f.line, f.level) == ("entries.csv", 3, entry.level)
    assert f.field in set(entry.example) | {"birth_date", "family_name", "given_name"}
    assert str(f).startswith(f"entries.csv:3: {f.field}: {entry.level} [{entry.rule}] ")
    if entry.level == ERROR:  # an error says what to do ([1440]#3): every message ends in advice
        assert re.search(r"(ください|確かめ|入力し直|使えません|入力できません)", f.message), f.message


def test_the_command_prints_findings_and_fails_only_on_errors(tmp_path: Path, capsys) -> None:
    import csv

    def write(name: str, rows: list[dict[str, str]]) -> Path:
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(HEAD))
            w.writeheader()
            w.writerows(rows)
        return path

    alerts_only = write("alerts.csv", [HEAD, CHILD | {"birth_date": "1990-01-01"}])
    assert main(["check", str(alerts_only)]) == 0
    out = capsys.readouterr().out
    assert f"{alerts_only}:3: birth_date: {ALERT} [parent_age_gap]" in out
    errors = write("errors.csv", [HEAD | {"given_name_kana": "ｲﾁﾛｳ"}, CHILD | {"given_name_kana": "太郎"}])
    assert main(["check", str(errors)]) == 1
    out = capsys.readouterr().out
    assert f"{errors}:3: given_name_kana: {ERROR} [kana_only]" in out and ":2:" not in out  # ｲﾁﾛｳ is converted
    assert main(["check", str(tmp_path / "missing.csv")]) == 2
