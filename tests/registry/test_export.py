"""住民データ抽出: approved state only, as of a date, logged as one operation, tenant-scoped."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.registry import events
from jichitai.registry.export import export_residents
from jichitai.tenancy.context import activate

from .conftest import apply, move_in_family, people

D = dt.date
pytestmark = pytest.mark.django_db


def test_provisional_event_is_absent_from_the_export(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        events.submit_event("name_change", {"person_id": wife.pk, "family_name": "渡邊"},
                              effective_date=D(2024, 1, 1), reported_date=None, entered_by=office.clerk)
        rows = list(export_residents())
        assert [r["family_name"] for r in rows] == ["髙橋", "髙橋", "髙橋"]
        assert rows[0]["address"] == "本町一丁目1番地2" and rows[0]["household_no"]
        assert "my_number" not in rows[0]
        op = AuditEntry.objects.filter(action="registry.export").get()
        assert '"rows":3' in op.detail_json


def test_export_as_of_a_date_uses_the_log(office) -> None:
    with activate(office.ctx()):
        move_in_family(office, D(2020, 4, 1))
        wife = people()[1]
        apply(office, "name_change", {"person_id": wife.pk, "family_name": "渡邊"}, D(2023, 7, 1))
        assert list(export_residents(as_of=D(2019, 1, 1))) == []
        before = [r["family_name"] for r in export_residents(as_of=D(2023, 6, 30))]
        after = [r["family_name"] for r in export_residents(as_of=D(2023, 7, 1))]
        assert before == ["髙橋"] * 3 and after == ["髙橋", "渡邊", "髙橋"]


def test_export_never_contains_another_municipality(office, office_b) -> None:
    with activate(office_b.ctx()):
        move_in_family(office_b, family="鈴木")
    with activate(office.ctx()):
        assert list(export_residents()) == []
        assert list(export_residents(as_of=D(2030, 1, 1))) == []


def test_cli_export_writes_csv(office, tmp_path, capsys) -> None:
    from jichitai.cli import main

    with activate(office.ctx()):
        move_in_family(office)
    out = tmp_path / "r.csv"
    assert main(["registry", "export", "--municipality", office.municipality.code, "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("宛名番号,世帯番号,氏,名") and len(lines) == 4
    assert main(["registry", "export", "--municipality", "000000"]) == 2
    assert "no municipality" in capsys.readouterr().err
