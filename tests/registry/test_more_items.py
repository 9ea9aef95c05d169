"""[10]#1, [20]#1: the items other systems, cards and 住基ネット feed (選挙人名簿, 国保・後期・介護・年金,
児童手当, card status, 電子証明書 serials, 成年被後見人, 最終登録住所地, 住所コード, the foreign-only
ones), kept and corrected by staff, their shapes checked on every write path."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.registry import more_items
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import Person
from jichitai.registry.selectors import history as person_history
from jichitai.tenancy.context import activate

from .conftest import D, apply, people, person_spec

pytestmark = pytest.mark.django_db

BENEFITS = {
    "elector_registered": "有", "nhi_insured": "yes", "nhi_acquired_on": "2020-04-01",
    "nhi_lost_on": "2023-03-31", "late_elderly_insured": "no", "care_insured": "yes",
    "care_acquired_on": "2020-05-01", "pension_insured": "yes", "basic_pension_no": "１２３４-５６７８９０",
    "pension_kind": "first", "pension_kind_changed_on": "2021-04-01", "pension_acquired_on": "2000-05-01",
    "child_allowance_start": "令和2年4月", "child_allowance_end": "2024/3",
    "my_number_card_status": "issued", "juki_card_status": "returned", "adult_ward": "no",
    "signing_cert_serial": "0a1b2c3d", "user_cert_serial": "FF01", "last_registered_address": "東京都千代田区千代田1番1号",
    "previous_address_code": "13101001001", "move_in_notice_on": "2024-04-05", "member_order": "２",
}


def _move_in(office: Any, *specs: dict[str, Any]) -> None:
    apply(office, "move_in", {
        "household": {"new": {"address_id": office.address.pk, "banchi": "1番地"}},
        "persons": list(specs), "previous_address": "東京都千代田区千代田1番1号",
    }, D(2024, 4, 1))


def _correct(office: Any, person: Any, changes: dict[str, Any], day: dt.date | None = None) -> None:
    apply(office, "ex_officio_correction", {"person_id": person.pk, "changes": changes}, day or D(2024, 5, 1))


def _refused(office: Any, person: Any, changes: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(RegistryError) as exc:
        _correct(office, person, changes)
    return [(v.field, v.message) for v in exc.value.violations]


@pytest.mark.std("10#1")
def test_the_other_systems_items_are_set_kept_and_corrected(office: Any, office_b: Any) -> None:
    with activate(office.ctx()):
        _move_in(office, person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主"))
        (p,) = people()
        _correct(office, p, BENEFITS)
        q = people()[0]
        assert (q.elector_registered, q.nhi_insured, q.nhi_acquired_on, q.nhi_lost_on) == (
            "yes", "yes", D(2020, 4, 1), D(2023, 3, 31))
        assert q.basic_pension_no == "1234567890" and q.pension_kind == "first"  # typed digits folded
        assert (q.child_allowance_start, q.child_allowance_end) == ("2020-04", "2024-03")
        assert (q.signing_cert_serial, q.user_cert_serial) == ("0A1B2C3D", "FF01")
        assert (q.my_number_card_status, q.juki_card_status, q.adult_ward) == ("issued", "returned", "no")
        assert q.previous_address_code == "13101001001" and q.move_in_notice_on == D(2024, 4, 5)
        assert q.last_registered_address == "東京都千代田区千代田1番1号" and q.member_order == "2"
        # corrected later (訂正 of a wrong value by 職権修正), and the history keeps both
        _correct(office, q, {"pension_insured": "no", "pension_kind": "", "pension_lost_on": "2024-04-30",
                             "nhi_lost_on": None}, D(2024, 6, 1))
        r = people()[0]
        assert (r.pension_insured, r.pension_kind, r.pension_lost_on, r.nhi_lost_on) == (
            "no", "", D(2024, 4, 30), None)
        rows = person_history(r.pk)
        changed = [set(h["changed"]) for h in rows]
        assert any({"basic_pension_no", "child_allowance_start"} <= c for c in changed)
        assert any({"pension_insured", "pension_lost_on"} <= c for c in changed)
    with activate(office_b.ctx()):  # another municipality sees none of it
        assert not Person.objects.without_read_log("test").filter(basic_pension_no="1234567890").exists()


@pytest.mark.std("10#1", "20#1")
@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"basic_pension_no": "123456789"}, "basic_pension_no", "10桁"),
    ({"basic_pension_no": "12345678AB"}, "basic_pension_no", "10桁"),
    ({"previous_address_code": "1310100"}, "previous_address_code", "11桁"),
    ({"move_out_confirmed_code": "1310100100X"}, "move_out_confirmed_code", "11桁"),
    ({"member_order": "0"}, "member_order", "1から999"),
    ({"signing_cert_serial": "XYZ"}, "signing_cert_serial", "英数字"),
    ({"nhi_insured": "可"}, "nhi_insured", "yes（有）"),
    ({"my_number_card_status": "lost"}, "my_number_card_status", "交付済み"),
    ({"pension_kind": "third"}, "pension_kind", "被保険者に該当する"),
    ({"care_acquired_on": "2022-01-01", "care_lost_on": "2021-01-01"}, "care_lost_on", "資格取得年月日より前"),
    ({"child_allowance_start": "2024-04", "child_allowance_end": "2023-04"}, "child_allowance_end", "受給開始年月より前"),
    ({"residence_reported": "yes"}, "residence_reported", "日本人住民に住居地の届出の有無"),
    ({"landing_permit_move_in": "yes"}, "landing_permit_move_in", "日本人住民に上陸許可証による転入の旨"),
])
def test_bad_shapes_are_refused_naming_the_item(office: Any, changes: dict[str, Any], field: str, words: str) -> None:
    with activate(office.ctx()):
        _move_in(office, person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主"))
        (p,) = people()
        found = _refused(office, p, changes)
        assert any(f == field and words in m for f, m in found), found
        assert people()[0].version == p.version  # nothing written


@pytest.mark.std("10#1")
@pytest.mark.parametrize("month", ["2024-13", "令和6年頃", "04-2024", "abc"])
def test_a_month_that_is_not_a_month_is_refused_before_the_rules(office: Any, month: str) -> None:
    with activate(office.ctx()):
        _move_in(office, person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主"))
        (p,) = people()
        with pytest.raises(RegistryError) as exc:
            _correct(office, p, {"child_allowance_start": month})
        assert "児童手当の受給開始年月は年月" in str([v.message for v in exc.value.violations])


@pytest.mark.std("20#1")
def test_a_foreign_resident_keeps_the_residence_report_and_the_landing_permit_move_in(office: Any) -> None:
    with activate(office.ctx()):
        _move_in(office, person_spec("p1", "李", "明", "1990-02-03", "世帯主", resident_type="foreign",
                                     nationality="中国", honseki="", hittousha=""))
        (p,) = people()
        _correct(office, p, {"residence_reported": "yes", "landing_permit_move_in": "yes",
                             "pension_insured": "yes", "basic_pension_no": "9876543210", "pension_kind": "third"})
        q = people()[0]
        assert (q.residence_reported, q.landing_permit_move_in, q.basic_pension_no) == ("yes", "yes", "9876543210")


@pytest.mark.std("10#1")
@given(year=st.integers(1900, 2099), month=st.integers(1, 12), sep=st.sampled_from(["-", "/", ""]))
def test_a_month_is_kept_as_yyyy_mm_however_typed(year: int, month: int, sep: str) -> None:
    kept = f"{year:04d}-{month:02d}"
    typed = f"{year}{sep}{month:02d}" if not sep else f"{year}{sep}{month}"
    assert more_items.month_value("child_allowance_start", typed) == kept
    assert more_items.month_value("child_allowance_start", kept) == kept  # idempotent


@given(st.text(max_size=12))
def test_month_value_reads_or_refuses_never_crashes(text: str) -> None:
    try:
        kept = more_items.month_value("child_allowance_end", text)
    except ValueError as exc:
        assert "児童手当の受給終了年月" in str(exc)
    else:
        assert kept == "" or (len(kept) == 7 and 1 <= int(kept[5:]) <= 12)
