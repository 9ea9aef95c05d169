"""照合表 of a migration (importer/reconcile.py): counted from the register of the active
municipality only, every mismatch with the source's own counts listed, and printable."""

from __future__ import annotations

from typing import Any

from jichitai.importer.reconcile import reconciliation, report_pdf
from jichitai.tenancy.context import activate

from ..certificates.glyphs import pdf_text
from .conftest import move_in_family


def test_the_report_counts_this_municipality_and_lists_every_difference(
    office: Any, office_b: Any
) -> None:
    with activate(office_b.ctx()):
        move_in_family(office_b, family="佐藤")
        move_in_family(office_b, family="鈴木")
    with activate(office.ctx()):
        move_in_family(office)
        report = reconciliation(
            expected={"persons_by_status": {"住民": 4}, "households": {"active": 1}}
        )
    assert report["municipality"]["code"] == office.municipality.code
    assert report["persons_by_status"] == {"住民": 3}  # B's six residents are not A's
    assert report["residents_by_type"] == {"日本人": 3}
    assert report["households"] == {"active": 1, "all": 1}
    assert report["foreign_residents_by_category"] == {}
    assert report["differences"] == [{"item": "persons_by_status.住民", "source": 4, "register": 3}]
    with activate(office_b.ctx()):
        assert reconciliation()["persons_by_status"] == {"住民": 6}


def test_the_report_prints_with_its_differences(office: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        report = reconciliation(expected={"persons_by_status": {"転出者": 2}}, gaiji_mapped=5)
    text = pdf_text(report_pdf(report))
    assert "データ移行 照合表" in text and office.municipality.name in text
    assert "住民（状態別）" in text and "転出者" in text
    assert "外字対応表で置き換えた文字" in text and "5" in text
    assert "差異はありません" not in text


def test_the_source_counts_of_a_file_and_a_state_it_never_named() -> None:
    """expected_from_records counts what a file says as the register is counted; a 状態 the
    register holds but the source never named is a difference too."""
    import datetime as dt

    from jichitai.importer.reconcile import _differences, expected_from_records
    from jichitai.importer.records import HistoryEntry, PersonRecord

    def person(
        atena: str, status: str, household: str, kind: str = "japanese", cat: str = ""
    ) -> PersonRecord:
        entry = HistoryEntry(
            1,
            "move_in",
            dt.date(2020, 1, 1),
            dt.date(2020, 1, 1),
            {"status": status, "resident_type": kind, "foreign_category": cat},
            {"household_no": household},
        )
        return PersonRecord(atena, (entry,))

    said = expected_from_records(
        [
            person("1", "resident", "h1"),
            person("2", "resident", "h1", "foreign", "special_permanent"),
            person("3", "dead", "h2"),
        ]
    )
    assert said == {
        "persons_by_status": {"住民": 2, "死亡者": 1},
        "residents_by_type": {"日本人": 1, "外国人": 1},
        "foreign_residents_by_category": {"特別永住者": 1},
        "households": {"active": 1},
    }
    held = {
        **said,
        "persons_by_status": {"住民": 2, "死亡者": 1, "転出者": 1},
        "households": {"active": 1, "all": 2},
    }
    assert _differences(said, held) == [
        {"item": "persons_by_status.転出者", "source": 0, "register": 1}
    ]
