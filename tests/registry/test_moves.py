"""Chapter 4 moves: [620] 未届転入, [630] 同一住所への転居, [640] 届出日以降の異動, [650] 転出先入力.

Each must item is done and shown; each must-not is tried and fails. Another municipality's rows
stay out of reach, and a protected person's 留意事項 does not reach staff without need-to-know.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry import events, notes
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import Person, RegistryEvent
from jichitai.registry.records_models import EventRemark, PersonNote
from jichitai.registry.selectors.snapshots import snapshots
from jichitai.tenancy.context import activate

from .conftest import apply, move_in_family, person_spec
from .test_snapshots import _protect

pytestmark = pytest.mark.django_db
D = dt.date
LAST_UNREPORTED = "東京都新宿区西新宿一丁目1番"
REMARK = f"未届転入　転入前住所（未届）：{LAST_UNREPORTED}（未届）"


def _arrive(office: Any, kind: str = "move_in", **extra: Any) -> Any:
    person = person_spec("p1", "未届", "一郎", "1980-01-01", "世帯主", given_kana="イチロウ",
                         **extra.pop("person", {}))
    req = {"household": {"new": {"address_id": office.address.pk, "banchi": "3番地"}}, "persons": [person],
           "previous_address": extra.pop("previous_address", LAST_UNREPORTED), **extra}
    apply(office, kind, req, D(2024, 4, 1))
    return Person.objects.without_read_log("test").get(family_name="未届")


def _refused(office: Any, kind: str, req: dict[str, Any], effective: dt.date, **kw: Any) -> list[Any]:
    with pytest.raises(RegistryError) as exc:
        events.submit_event(kind, req, effective_date=effective, reported_date=kw.pop("reported", effective),
                            entered_by=office.clerk, **kw)
    return exc.value.violations


# --- [620] 未届転入 ---------------------------------------------------------------------------------

@pytest.mark.std("620#1")
def test_an_unreported_move_in_marks_the_address_and_states_it_in_the_remark(office) -> None:
    with activate(office.ctx()):
        p = _arrive(office, unreported=True)
        assert p.previous_address == f"{LAST_UNREPORTED}（未届）"
        rows = snapshots(p.pk, staff=office.clerk).rows
        assert rows[-1].remarks == (REMARK,) and rows[-1].reason == "国内転入"
        assert notes.certificate_column(p.pk)["remarks"] == [REMARK]


@pytest.mark.std("620#1")
def test_a_reported_move_in_has_no_unreported_mark_nor_remark(office) -> None:
    with activate(office.ctx()):
        p = _arrive(office)
        assert p.previous_address == LAST_UNREPORTED
        assert notes.certificate_column(p.pk)["remarks"] == []


@pytest.mark.std("620#1")
def test_the_mark_is_written_once_and_an_unreported_move_in_needs_its_address(office) -> None:
    with activate(office.ctx()):
        p = _arrive(office, unreported=True, previous_address=f"{LAST_UNREPORTED}（未届）")
        assert p.previous_address == f"{LAST_UNREPORTED}（未届）"
        req = {"household": {"new": {"address_id": office.address.pk, "banchi": "3番地"}}, "unreported": True,
               "persons": [person_spec("p1", "国外", "次郎", "1980-01-01", "世帯主")], "previous_address": "カナダ"}
        (v,) = _refused(office, "move_in_abroad", req, D(2024, 4, 1))
        assert v.rule == "unreported_kind"
        (v,) = _refused(office, "ex_officio_entry", {**req, "previous_address": ""}, D(2024, 4, 1))
        assert v.field == "previous_address" and "直近" in v.message


@pytest.mark.std("620#1")
def test_a_cancelled_unreported_move_in_is_read_nowhere(office) -> None:
    with activate(office.ctx()):
        p = _arrive(office, unreported=True)
        event = RegistryEvent.objects.get(kind="move_in", status="approved")
        apply(office, "cancellation", {"target_event_id": event.pk}, D(2024, 4, 1))
        assert Person.objects.without_read_log("test").get(pk=p.pk).status == "void"
        with pytest.raises(RegistryError):  # the voided record, its 留意事項 with it, is no one's to read
            snapshots(p.pk, staff=office.clerk)


@pytest.mark.std("620#2")
def test_the_last_registered_address_is_entered_as_a_data_item_not_printed(office) -> None:
    with activate(office.ctx()):
        p = _arrive(office, unreported=True, person={"last_registered_address": "北海道札幌市中央区北一条西二丁目"})
        assert p.last_registered_address == "北海道札幌市中央区北一条西二丁目"
        column = notes.certificate_column(p.pk)
        assert "札幌" not in repr(column)  # not a 住民票記載事項: the 統合記載欄 does not print it


def test_the_unreported_remark_of_a_protected_person_stays_with_need_to_know_staff(office) -> None:
    with activate(office.ctx()):
        p = _arrive(office, unreported=True)
        officer = _protect(office, p.pk)
        masked = snapshots(p.pk, staff=office.clerk)
        assert masked.masked and not masked.rows and LAST_UNREPORTED not in repr(masked)
        assert snapshots(p.pk, staff=officer).rows[-1].remarks == (REMARK,)


def test_another_municipalitys_unreported_move_in_is_out_of_reach(office, office_b) -> None:
    with activate(office_b.ctx()):
        other = _arrive(office_b, unreported=True)
    with activate(office.ctx()):
        with pytest.raises(RegistryError):
            snapshots(other.pk, staff=office.clerk)
        assert notes.certificate_column(other.pk)["remarks"] == []


# --- [630] 同一住所への転居 -------------------------------------------------------------------------

def _move_to_other_building(office: Any) -> Any:
    move_in_family(office, D(2020, 4, 1))
    head = Person.objects.without_read_log("test").get(given_name="一郎")
    members = list(Person.objects.without_read_log("test").values_list("pk", flat=True))
    apply(office, "move_within", {"person_ids": members, "address": {
        "address_id": office.address.pk, "banchi": "1番地2", "katagaki": "別棟"}}, D(2024, 5, 1))
    return Person.objects.without_read_log("test").get(pk=head.pk)


@pytest.mark.std("630#1")
def test_a_move_to_another_building_on_the_same_lot_is_a_move_within(office) -> None:
    with activate(office.ctx()):
        head = _move_to_other_building(office)
        hh = head.household
        assert (hh.address_id, hh.banchi, hh.katagaki) == (office.address.pk, "1番地2", "別棟")
        assert head.address_set_on == D(2024, 5, 1)
        assert snapshots(head.pk, staff=office.clerk).rows[-1].reason == "転居"


@pytest.mark.std("630#2")
def test_no_remark_same_address_move_is_written_on_its_own(office) -> None:
    with activate(office.ctx()):
        head = _move_to_other_building(office)
        column = notes.certificate_column(head.pk)
        assert "同一住所" not in repr(column) and column["notes"] == [] and column["remarks"] == []
        assert not PersonNote.objects.exists() and not EventRemark.objects.exists()
        assert all("同一住所" not in " ".join(s.remarks) for s in snapshots(head.pk, staff=office.clerk).rows)


# --- [640] 届出日以降の異動 -------------------------------------------------------------------------

def _family(office: Any) -> tuple[Any, Any]:
    move_in_family(office, D(2020, 4, 1))
    rows = Person.objects.without_read_log("test").order_by("pk")
    return rows[0], rows[2]


def _plan_out(office: Any, who: Any, *, planned: str, on: dt.date) -> Any:
    """A 転出予定 reported on ``on`` (the 届出日); the 転出予定日 it records."""
    apply(office, "move_out_planned", {"person_ids": [who.pk], "destination": "大阪府大阪市北区",
                                       "planned_date": planned}, on, reported=on)
    return Person.objects.without_read_log("t").get(pk=who.pk).move_out_planned_on


@pytest.mark.std("640#1")
def test_a_move_out_may_be_dated_after_its_report(office) -> None:
    with activate(office.ctx()):
        head, son = _family(office)
        assert _plan_out(office, son, planned="2024-03-20", on=D(2024, 3, 1)) == D(2024, 3, 20)
        wife = Person.objects.without_read_log("t").get(given_name="花子")
        apply(office, "move_out_abroad", {"person_ids": [wife.pk], "destination": "カナダ"}, D(2024, 3, 10),
              reported=D(2024, 3, 1))
        wife = Person.objects.without_read_log("t").get(pk=wife.pk)
        assert (wife.status, wife.removed_on) == ("moved_out", D(2024, 3, 10))


@pytest.mark.std("640#2")
def test_a_move_out_reported_after_fourteen_days_is_written_ex_officio(office) -> None:
    with activate(office.ctx()):
        head, son = _family(office)
        late = {"person_ids": [son.pk], "destination": "大阪府大阪市北区", "planned_date": "2024-03-01"}
        (v,) = _refused(office, "move_out_planned", late, D(2024, 3, 16), reported=D(2024, 3, 16))
        assert v.rule == "late_move_out_report" and "職権消除" in v.message
        (v,) = _refused(office, "move_out_abroad", {"person_ids": [son.pk], "destination": "カナダ"},
                        D(2024, 3, 1), reported=D(2024, 3, 16))
        assert v.rule == "late_move_out_report"
        assert not RegistryEvent.objects.filter(kind__in=["move_out_planned", "move_out_abroad"]).exists()
        # the 職権 way: removed with the 転出先, its 事由 職権消除 and no 届出日
        apply(office, "ex_officio_deletion", {"person_ids": [son.pk], "destination": "大阪府大阪市北区"},
              D(2024, 3, 1), reported=None)
        son = Person.objects.without_read_log("t").get(pk=son.pk)
        assert (son.status, son.move_out_destination, son.removed_on) == ("deleted", "大阪府大阪市北区", D(2024, 3, 1))
        last = snapshots(son.pk, staff=office.clerk).rows[-1]
        assert (last.reason, last.reported_date) == ("職権消除", None)


@pytest.mark.std("640#2")
def test_a_move_out_reported_within_fourteen_days_is_a_report(office) -> None:
    with activate(office.ctx()):
        head, son = _family(office)
        assert _plan_out(office, son, planned="2024-03-01", on=D(2024, 3, 15)) == D(2024, 3, 1)


# --- [650] 転出先入力 -------------------------------------------------------------------------------

def _dictionary() -> Any:
    from jichitai.registry.address_models import AddressDictionary

    return AddressDictionary.objects.create(code="13212001001", postal_code="1910016", pref_name="東京都",
                                            pref_kana="トウキョウト", city_name="日野市", city_kana="ヒノシ",
                                            oaza_name="神明", oaza_kana="シンメイ")


@pytest.mark.std("650#1")
def test_a_destination_may_be_a_municipality_alone(office) -> None:
    with activate(office.ctx()):
        _, son = _family(office)
        apply(office, "move_out_planned", {"person_ids": [son.pk], "destination": "大阪府大阪市"}, D(2024, 3, 1))
        assert Person.objects.without_read_log("t").get(pk=son.pk).move_out_destination == "大阪府大阪市"


@pytest.mark.std("650#2")
def test_a_destination_from_the_address_dictionary_or_typed_directly(office) -> None:
    with activate(office.ctx()):
        head, son = _family(office)
        _dictionary()
        apply(office, "move_out_planned", {"person_ids": [son.pk], "destination": "東京都日野市神明一丁目1番",
                                           "destination_code": "13212001001"}, D(2024, 3, 1))
        son = Person.objects.without_read_log("t").get(pk=son.pk)
        assert (son.move_out_destination, son.move_out_destination_code,
                son.move_out_destination_postal_code) == ("東京都日野市神明一丁目1番", "13212001001", "191-0016")
        wife = Person.objects.without_read_log("t").get(given_name="花子")
        for bad, field in (({"destination_code": "13212999999"}, "destination_code"),
                           ({"destination_code": "13212001001", "destination": "大阪府大阪市"}, "destination")):
            req = {"person_ids": [wife.pk], "destination": "東京都日野市神明1番", **bad}
            (v,) = _refused(office, "move_out_planned", req, D(2024, 3, 1))
            assert v.field == field
        apply(office, "move_out_planned", {"person_ids": [wife.pk], "destination": "東京都日野市神明1番"},
              D(2024, 3, 1))  # typed directly: no code
        wife = Person.objects.without_read_log("t").get(pk=wife.pk)
        assert (wife.move_out_destination, wife.move_out_destination_code) == ("東京都日野市神明1番", "")


def test_another_municipalitys_dictionary_is_not_ours(office, office_b) -> None:
    with activate(office_b.ctx()):
        _dictionary()
    with activate(office.ctx()):
        _, son = _family(office)
        req = {"person_ids": [son.pk], "destination": "東京都日野市神明1番", "destination_code": "13212001001"}
        (v,) = _refused(office, "move_out_planned", req, D(2024, 3, 1))
        assert v.field == "destination_code"


@pytest.mark.std("650#3")
def test_a_move_abroad_records_a_foreign_destination_as_a_domestic_one(office) -> None:
    with activate(office.ctx()):
        head, son = _family(office)
        abroad = "アメリカ合衆国ニューヨーク州ニューヨーク市マンハッタン区5番街100"
        apply(office, "move_out_planned", {"person_ids": [son.pk], "destination": abroad,
                                           "planned_date": "2024-03-20"}, D(2024, 3, 1))
        son = Person.objects.without_read_log("t").get(pk=son.pk)
        assert (son.move_out_destination, son.move_out_planned_on) == (abroad, D(2024, 3, 20))
        wife = Person.objects.without_read_log("t").get(given_name="花子")
        apply(office, "move_out_abroad", {"person_ids": [wife.pk], "destination": abroad}, D(2024, 3, 10))
        wife = Person.objects.without_read_log("t").get(pk=wife.pk)
        assert (wife.status, wife.move_out_destination) == ("moved_out", abroad)
