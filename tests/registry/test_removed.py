"""除票 ([50]): the removed record's own items from its history, in the 統合記載欄, and the 除票 in
処理年月日順; 支援措置 from the protected side; another municipality's rows."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry import notes
from jichitai.registry.selectors.removed import removal_items, removed_in_processing_order
from jichitai.tenancy.context import activate

from .conftest import apply, move_in_family, people
from .test_snapshots import _protect

D = dt.date
pytestmark = pytest.mark.django_db


def _leave(office) -> tuple[int, int]:
    head, wife, son = people()
    apply(office, "move_out_planned", {"person_ids": [son.pk], "destination": "大阪府大阪市北区梅田1丁目",
                                       "planned_date": "2024-03-20"}, D(2024, 3, 1), reported=D(2024, 3, 1))
    apply(office, "move_out_confirmed", {"person_ids": [son.pk], "destination": "大阪府大阪市北区梅田1丁目1番1号"},
          D(2024, 3, 18), notified_on=D(2024, 3, 25))
    apply(office, "death", {"person_id": wife.pk}, D(2024, 5, 5), reported=D(2024, 5, 7))
    return son.pk, wife.pk


@pytest.mark.std("50#10", "50#9", "140#3")
def test_removal_items_of_a_move_out_and_a_death(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        son, wife = _leave(office)
        out = removal_items(son)
        assert (out.reason, out.planned_destination, out.occurred_on, out.confirmed_destination, out.reported_on,
                out.notified_on, out.moved_out_on) == ("国内転出", "大阪府大阪市北区梅田1丁目", "2024-03-20",
                                                       "大阪府大阪市北区梅田1丁目1番1号", "2024-03-01", "2024-03-25",
                                                       "2024-03-18")
        dead = removal_items(wife)
        assert (dead.reason, dead.occurred_on, dead.reported_on, dead.moved_out_on, dead.planned_destination) == (
            "死亡", "2024-05-05", "2024-05-07", None, "")
        assert removal_items(people()[0].pk) is None  # a current record has none
        col = notes.certificate_column(son)
        assert "消除事由 国内転出" in col["removal"] and "転出先住所（確定） 大阪府大阪市北区梅田1丁目1番1号" in col["removal"]
        assert notes.certificate_column(people()[0].pk)["removal"] == []


@pytest.mark.std("50#8")
def test_removed_records_in_processing_order_and_masked(office, office_b) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        son, wife = _leave(office)
        listed = removed_in_processing_order(staff=office.clerk)
        assert [r["id"] for r in listed] == [wife, son]  # newest processing first
        assert listed[0]["processed_at"] >= listed[1]["processed_at"]
        _protect(office, son)
        listed = removed_in_processing_order(staff=office.clerk)
        assert listed[1]["masked"] and listed[1]["id"] is None and "太郎" not in repr(listed[1])
    with activate(office_b.ctx()):
        assert removed_in_processing_order(staff=office_b.clerk) == []
