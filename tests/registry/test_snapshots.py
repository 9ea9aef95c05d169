"""[200] history snapshots in the standard's full-row shape: the 青木 example, the latest row is the
current record, history items, 支援措置 from the protected side, another municipality's rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry import selectors, support
from jichitai.registry.conventions import PERSON_FIELDS, iso
from jichitai.registry.errors import RegistryError
from jichitai.registry.selectors.snapshots import COMMON_FIELDS, snapshots
from jichitai.tenancy.context import activate

from .conftest import apply, people, person_spec

D = dt.date
pytestmark = pytest.mark.django_db


def aoki(office: Any) -> tuple[Any, Any]:
    """青木太郎 moves in to 松町１番地, moves to 松町８番地; 青木花子 moves in to his household."""
    from jichitai.registry.models import AddressEntry

    matsu = AddressEntry.objects.create(town_code="010", name="松町", kana="マツチョウ")
    apply(office, "move_in", {
        "household": {"new": {"address_id": matsu.pk, "banchi": "１番地"}},
        "persons": [person_spec("p1", "青木", "太郎", "2003-01-07", "世帯主", family_kana="アオキ",
                                given_kana="タロウ")],
        "previous_address": "東京都千代田区千代田1番1号"}, D(2024, 4, 1))
    (taro,) = people(family_name="青木")
    apply(office, "move_within", {"person_ids": [taro.pk], "address": {"address_id": matsu.pk, "banchi": "８番地"}},
          D(2024, 5, 1))
    apply(office, "move_in", {
        "household": {"existing_id": taro.household_id},
        "persons": [person_spec("p1", "青木", "花子", "2005-12-30", "妻", sex="2", family_kana="アオキ",
                                given_kana="ハナコ")],
        "previous_address": "東京都千代田区千代田1番1号"}, D(2024, 5, 1))
    taro, hanako = people(family_name="青木")
    return taro, hanako


def table(rows: list[Any]) -> list[tuple[Any, ...]]:
    return [(s.atena_no, s.history_no, s.row["household_no"], s.row["address"],
             f"{s.row['family_name']} {s.row['given_name']}", s.row["birth_date"], s.row["sex"], s.reason)
            for s in rows]


@pytest.mark.std("200#2", "30#1", "30#3")
def test_the_standards_aoki_example(office) -> None:
    with activate(office.ctx()):
        taro, hanako = aoki(office)
        hh = taro.household.household_no
        # 番地 are stored with ASCII digits (registry.inputs); the standard's example writes them full-width
        assert table(snapshots(taro.pk, staff=office.clerk).rows) == [
            (taro.atena_no, 1, hh, "松町1番地", "青木 太郎", "2003-01-07", "1", "国内転入"),
            (taro.atena_no, 2, hh, "松町8番地", "青木 太郎", "2003-01-07", "1", "転居"),
        ]
        assert table(snapshots(hanako.pk, staff=office.clerk).rows) == [
            (hanako.atena_no, 1, hh, "松町8番地", "青木 花子", "2005-12-30", "2", "国内転入"),
        ]


@pytest.mark.std("200#2")
def test_every_row_holds_every_item_and_the_last_is_the_current_record(office) -> None:
    with activate(office.ctx()):
        taro, hanako = aoki(office)
        apply(office, "name_change", {"person_id": taro.pk, "family_name": "赤木"}, D(2024, 6, 1))
        (taro,) = [p for p in people() if p.pk == taro.pk]
        rows = snapshots(taro.pk, staff=office.clerk).rows
        assert [s.history_no for s in rows] == [1, 2, 3]
        for s in rows:  # every item, changed or not ("項目内容の変更有無に係わらず")
            assert set(PERSON_FIELDS) | set(COMMON_FIELDS) <= set(s.row)
        last = rows[-1].row
        assert {f: last[f] for f in PERSON_FIELDS if f != "my_number"} == {
            f: iso(getattr(taro, f)) for f in PERSON_FIELDS if f != "my_number"}
        assert last["household_no"] == taro.household.household_no
        assert last["head_name"] == "赤木\u3000太郎"
        assert rows[1].row["family_name"] == "青木"  # the earlier row keeps its values


@pytest.mark.std("200#1")
def test_history_items_of_each_row(office) -> None:
    from jichitai.registry.models import RegistryEvent
    from jichitai.registry.records_models import EventRemark

    with activate(office.ctx()):
        taro, hanako = aoki(office)
        move = RegistryEvent.objects.get(kind="move_within")
        EventRemark.objects.create(event=move, person=taro, text="住所誤記のため訂正済み", created_by=office.clerk)
        # a 異動 of several persons has one 留意事項 per person: another's is not in 太郎's rows
        EventRemark.objects.create(event=move, person=hanako, text="花子の留意事項", created_by=office.clerk)
        s = snapshots(taro.pk, staff=office.clerk).rows[1]
        assert (s.reason, s.division, s.effective_date, s.reported_date) == ("転居", "修正", "2024-05-01", "2024-05-01")
        assert s.processed_at[:4] == str(dt.date.today().year) and s.processed_at.endswith("+09:00")
        assert s.remarks == ("住所誤記のため訂正済み",)
        assert "花子の留意事項" not in repr(snapshots(taro.pk, staff=office.clerk).rows)
        assert "address_set_on" in s.changed and "banchi" in s.changed


def test_my_number_only_when_asked_by_staff_who_may(office) -> None:
    with activate(office.ctx()):
        taro, _ = aoki(office)
        assert all(s.row["my_number"] is None for s in snapshots(taro.pk, staff=office.clerk).rows)
        with pytest.raises(RegistryError):
            snapshots(taro.pk, staff=office.clerk, show_my_number=True)


def _protect(office: Any, person_id: int) -> Any:
    from jichitai.accounts.models import RoleGrant, Staff

    officer = Staff.objects.create(username=f"support-{person_id}")
    RoleGrant.objects.create(staff=officer, municipality=office.municipality, role="support_measure")
    support.start_measure(person_id, start=dt.date.today() - dt.timedelta(days=3), reason="DV",
                          against=[{"name": "加害 者"}], staff=officer)
    return officer


def test_protected_person_and_household_address_from_the_protected_side(office) -> None:
    from jichitai.audit.models import AuditEntry

    with activate(office.ctx()):
        taro, hanako = aoki(office)
        officer = _protect(office, hanako.pk)
        refused = snapshots(hanako.pk, staff=office.clerk)
        assert refused.masked and refused.rows == [] and "支援措置" in refused.refusal
        rows = snapshots(taro.pk, staff=office.clerk).rows  # her co-resident: the address is hidden
        assert rows and all(s.row["address"] == selectors.HIDDEN and s.row["banchi"] == selectors.HIDDEN
                            for s in rows)
        assert "松町" not in repr(rows)
        assert snapshots(hanako.pk, staff=officer).rows[0].row["address"] == "松町8番地"
        assert AuditEntry.objects.filter(action="support_measure.access", subject_id=str(hanako.pk)).count() >= 3


def test_protected_head_is_masked_in_a_members_rows(office) -> None:
    with activate(office.ctx()):
        taro, hanako = aoki(office)
        _protect(office, taro.pk)
        rows = snapshots(hanako.pk, staff=office.clerk).rows
        assert rows[0].row["head_name"] == "＊＊＊＊（支援措置対象）"
        assert "太郎" not in repr(rows)


def test_another_municipalitys_person_is_not_found(office, office_b) -> None:
    with activate(office.ctx()):
        taro, _ = aoki(office)
    with activate(office_b.ctx()), pytest.raises(RegistryError) as err:
        snapshots(taro.pk, staff=office_b.clerk)
    assert err.value.violations[0].rule == "not_found"


def test_reads_are_logged(office) -> None:
    from jichitai.audit.models import AuditEntry

    with activate(office.ctx()):
        taro, _ = aoki(office)
        snapshots(taro.pk, staff=office.clerk, screen="異動履歴")
        assert AuditEntry.objects.filter(subject_id=str(taro.pk), screen="異動履歴").exists()
