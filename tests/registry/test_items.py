"""Chapter 1 items: blanks ([60]), 本籍 なし/不明 ([120]), the 法第30条の45 区分 and its items ([20]),
フリガナ確認 ([180]), 郵便番号 ([170]), on every write path (typed request, bulk loader, 職権修正)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai import importer
from jichitai.registry import events, items
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import Person
from jichitai.tenancy.context import activate

from .conftest import D, apply, people, person_spec

pytestmark = pytest.mark.django_db


def _move_in(office: Any, *specs: dict[str, Any]) -> Any:
    return apply(office, "move_in", {
        "household": {"new": {"address_id": office.address.pk, "banchi": "1番地"}},
        "persons": list(specs), "previous_address": "東京都千代田区千代田1番1号",
    }, D(2024, 4, 1))


def _refused(office: Any, spec: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(RegistryError) as exc:
        _move_in(office, spec)
    return [(v.field, v.message) for v in exc.value.violations]


@pytest.mark.std("60#1")
@pytest.mark.parametrize(("item", "field", "words"), [
    ("resident_code", "resident_code", "住民票コード"),
    ("honseki", "honseki", "本籍"),
    ("hittousha", "hittousha", "筆頭者"),
    ("birth_date", "birth_date", "生年月日"),
])
def test_a_blank_required_item_is_refused_naming_it(office: Any, item: str, field: str, words: str) -> None:
    with activate(office.ctx()):
        spec = person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主")
        spec.pop(item)
        found = _refused(office, spec)
        assert any(f == field and words in m for f, m in found), found
        assert not people()


@pytest.mark.std("60#1", "20#1")
@pytest.mark.parametrize(("category", "missing", "words"), [
    ("", "foreign_category", "法第30条の45の区分"),
    ("mid_long", "residence_card_no", "在留カードの番号"),
    ("special_permanent", "special_permanent_cert_no", "特別永住者証明書の番号"),
    ("temporary_refuge", "landing_period", "上陸期間"),
    ("provisional_stay", "provisional_stay_period", "仮滞在期間"),
    ("transit_birth", "became_foreign_resident_on", "外国人住民となった年月日"),
])
def test_a_foreign_residents_category_items_may_not_be_blank(office: Any, category: str, missing: str,
                                                             words: str) -> None:
    with activate(office.ctx()):
        spec = person_spec("p1", "スミス", "ジョン", "1985-01-01", "世帯主", resident_type="foreign",
                           nationality="英国", honseki="", hittousha="", foreign_category=category)
        spec.pop(missing, None)
        if missing == "residence_card_no":
            spec["residence_card_no"] = ""
        found = _refused(office, spec)
        assert any(f == missing and words in m for f, m in found), found


@pytest.mark.std("20#1", "20#2", "190#1")
@pytest.mark.parametrize(("category", "extra"), [
    ("mid_long", {}),
    ("special_permanent", {"residence_status": "", "residence_card_no": "", "special_permanent_cert_no": "XY12345678ZW"}),
    ("temporary_refuge", {"residence_status": "", "residence_card_no": "", "landing_period": "6月"}),
    ("provisional_stay", {"residence_status": "", "residence_card_no": "", "provisional_stay_period": "令和6年4月1日から令和6年10月1日まで"}),
    ("transit_birth", {"residence_status": "", "residence_card_no": ""}),
    ("transit_loss", {"residence_status": "", "residence_card_no": ""}),
])
def test_each_category_is_kept_with_its_items(office: Any, office_b: Any, category: str, extra: dict[str, Any]) -> None:
    with activate(office.ctx()):
        spec = person_spec(
            "p1", "李", "明", "1990-02-03", "世帯主", resident_type="foreign", nationality="中国", honseki="",
            hittousha="", foreign_category=category, alphabet_name="LI MING", alias="木村　明", alias_kana="キムラ　アキラ",
            alias_kana_confirmed=True, alias_recorded_on="2016-05-01", alias_recorded_municipality="テスト県甲村",
            alias_recorded_municipality_code="999016", name_priority="alias", alien_registration_on="平成2年頃",
            previous_address_postal_code="100-0001", name_kana_confirmed=True, mail_name_code="alias", **extra)
        _move_in(office, spec)
        (p,) = people()
        assert p.foreign_category == category and p.became_foreign_resident_on == D(2015, 4, 1)
        assert p.alphabet_name == "LI MING" and p.alias_kana == "キムラ　アキラ" and p.alias_kana_confirmed
        assert p.alias_recorded_municipality_code == "999016" and p.name_priority == "alias"
        assert p.alien_registration_on == D(1990, 1, 1) and p.alien_registration_on_text == "平成2年頃"
        assert p.previous_address_postal_code == "100-0001" and p.name_kana_confirmed
        assert p.mail_name_code == "alias"
        for field, value in extra.items():
            assert getattr(p, field) == value
    with activate(office_b.ctx()):
        assert not Person.objects.without_read_log("test").exists()


@pytest.mark.std("120#1", "60#1")
@pytest.mark.parametrize("choice", ["なし", "不明"])
def test_honseki_may_be_none_or_unknown_and_then_has_no_hittousha(office: Any, choice: str) -> None:
    with activate(office.ctx()):
        found = _refused(office, person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主", honseki=choice))
        assert found == [("hittousha", f"本籍が「{choice}」のときは筆頭者を空欄にしてください。")]
        _move_in(office, person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主", honseki=choice, hittousha=""))
        assert [(p.honseki, p.hittousha) for p in people()] == [(choice, "")]


@pytest.mark.std("60#1")
def test_a_correction_may_not_blank_a_required_item_but_a_removed_record_keeps_no_code(office: Any) -> None:
    with activate(office.ctx()):
        _move_in(office, person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主"))
        (p,) = people()
        for field in ("resident_code", "honseki"):
            with pytest.raises(RegistryError) as exc:
                apply(office, "ex_officio_correction", {"person_id": p.pk, "changes": {field: ""}}, D(2024, 5, 1))
            assert exc.value.violations[0].field == field
        row = {"status": "moved_out", "resident_code": "", "resident_type": "japanese"}
        items.check_blanks(row)  # a 除票 may lack its 住民票コード ([60]: 除票の場合を除く)


@pytest.mark.std("170#1", "180#1", "20#1")
def test_bad_codes_and_item_shapes_are_refused_with_their_rule(office: Any) -> None:
    with activate(office.ctx()):
        base = person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主")
        assert _refused(office, {**base, "previous_address_postal_code": "1000"})[0][0] == "previous_address_postal_code"
        assert _refused(office, {**base, "foreign_category": "mid_long"})[0] == (
            "foreign_category", "日本人住民に法第30条の45の区分は記載できません。")
        foreign = person_spec("p1", "スミス", "ジョン", "1985-01-01", "世帯主", resident_type="foreign",
                              nationality="英国", honseki="", hittousha="")
        assert _refused(office, {**foreign, "alias_recorded_municipality_code": "999017"})[0][0] == \
            "alias_recorded_municipality_code"
        assert _refused(office, {**foreign, "name_priority": "alias"})[0][0] == "name_priority"
        assert _refused(office, {**foreign, "foreign_category": "tourist"})[0][0] == "foreign_category"


@pytest.mark.std("60#1", "20#1")
def test_the_synthetic_register_obeys_the_blank_rules(office: Any) -> None:
    """Both loaders (the bulk one and the event path, which share the requests) keep every rule."""
    importer.load_bulk(office.municipality, 200, 11, clerk=office.clerk, approver=office.approver,
                       effective_date=dt.date(2024, 4, 1))
    with activate(office.ctx()):
        rows = list(Person.objects.without_read_log("test").values())
        assert any(r["resident_type"] == "foreign" for r in rows) or len(rows) < 150
        for r in rows:
            for check in items.CHECKS:
                check(r)
            assert r["resident_code"] and r["atena_no"] and r["became_resident_on"]


@pytest.mark.std("10#1", "180#1")
def test_the_bulk_loader_refuses_what_the_event_path_refuses(office: Any) -> None:
    from jichitai.importer import bulk

    with pytest.raises(RegistryError):
        bulk._validate({**person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主"), "resident_code": ""})
    with activate(office.ctx()):
        sub = events.submit_event("move_in", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "1番地"}},
            "persons": [person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主", name_kana_confirmed=True,
                                    former_surname="佐藤", former_surname_kana="サトウ",
                                    former_surname_kana_confirmed=True)],
            "previous_address": "東京都千代田区千代田1番1号",
        }, effective_date=D(2024, 4, 1), reported_date=D(2024, 4, 1), entered_by=office.clerk)
        events.approve_event(sub.event.pk, approver=office.approver)
        (p,) = people()
        assert p.name_kana_confirmed and p.former_surname_kana == "サトウ" and p.former_surname_kana_confirmed


@pytest.mark.std("70#1", "180#1")
def test_former_surname_is_recorded_changed_and_deleted_with_its_kana(office: Any, office_b: Any) -> None:
    with activate(office.ctx()):
        _move_in(office, person_spec("p1", "青木", "花子", "1980-05-01", "世帯主"))
        (p,) = people()
        apply(office, "name_change", {"person_id": p.pk, "former_surname": "佐藤", "former_surname_kana": "サトウ",
                                      "former_surname_kana_confirmed": True}, D(2024, 5, 1))
        assert (people()[0].former_surname, people()[0].former_surname_kana) == ("佐藤", "サトウ")
        apply(office, "name_change", {"person_id": p.pk, "former_surname": "齋藤", "former_surname_kana": "サイトウ"},
              D(2024, 5, 2))
        assert people()[0].former_surname == "齋藤" and people()[0].former_surname_kana_confirmed
        apply(office, "name_change", {"person_id": p.pk, "former_surname": "", "former_surname_kana": "",
                                      "former_surname_kana_confirmed": False}, D(2024, 5, 3))
        q = people()[0]
        assert (q.former_surname, q.former_surname_kana, q.former_surname_kana_confirmed) == ("", "", False)
    with activate(office_b.ctx()), pytest.raises(RegistryError):
        apply(office_b, "name_change", {"person_id": p.pk, "former_surname": "佐藤"}, D(2024, 5, 4))


@pytest.mark.std("170#1", "10#1")
def test_move_out_keeps_the_planned_and_the_confirmed_destination_with_postal_codes(office: Any) -> None:
    with activate(office.ctx()):
        _move_in(office, person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主"))
        (p,) = people()
        apply(office, "move_out_planned", {"person_ids": [p.pk], "destination": "大阪府大阪市北区1番",
                                           "destination_postal_code": "530-0001"}, D(2024, 5, 1))
        apply(office, "move_out_confirmed", {"person_ids": [p.pk], "destination": "大阪府大阪市北区2番",
                                             "destination_postal_code": "5300002"}, D(2024, 5, 10))
        q = people()[0]
        assert (q.move_out_destination_postal_code, q.move_out_confirmed_destination,
                q.move_out_confirmed_postal_code) == ("530-0001", "大阪府大阪市北区2番", "5300002")
        assert q.status == "moved_out"  # a 除票: its 住民票コード could now be blank ([60])


@pytest.mark.std("80#1")
def test_a_correction_of_a_date_as_written_is_read_or_refused(office: Any) -> None:
    with activate(office.ctx()):
        _move_in(office, person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主"))
        (p,) = people()
        apply(office, "ex_officio_correction", {"person_id": p.pk, "changes": {
            "became_resident_on_text": "平成2年頃", "became_resident_on": "1990-01-01"}}, D(2024, 5, 1))
        assert people()[0].became_resident_on_text == "平成2年頃"
        with pytest.raises(RegistryError) as exc:
            apply(office, "ex_officio_correction", {"person_id": p.pk, "changes": {
                "address_set_on_text": "平成31年5月1日"}}, D(2024, 5, 2))
        assert "令和元年5月1日" in exc.value.violations[0].message


@pytest.mark.std("70#2", "20#1")
def test_an_alias_is_recorded_and_deleted_on_request_with_date_and_municipality(office: Any, office_b: Any) -> None:
    with activate(office.ctx()):
        _move_in(office, person_spec("p1", "李", "明", "1990-02-03", "世帯主", resident_type="foreign",
                                     nationality="中国", honseki="", hittousha=""),
                 person_spec("p2", "青木", "一郎", "1980-05-01", "夫"))
        li, aoki = people()
        apply(office, "alias_change", {"person_id": li.pk, "action": "record", "alias": "木村　明",
                                       "alias_kana": "キムラ　アキラ", "alias_kana_confirmed": True}, D(2024, 5, 1))
        p = people(pk=li.pk)[0]
        assert (p.alias, p.alias_kana, p.alias_recorded_on) == ("木村　明", "キムラ　アキラ", D(2024, 5, 1))
        assert (p.alias_recorded_municipality, p.alias_recorded_municipality_code) == ("テスト県甲村", "999016")
        apply(office, "alias_change", {"person_id": li.pk, "action": "delete"}, D(2024, 6, 1))
        p = people(pk=li.pk)[0]
        assert p.alias == "" and p.alias_deleted_on == D(2024, 6, 1) and p.alias_deleted_municipality_code == "999016"
        assert p.alias_recorded_on == D(2024, 5, 1)  # when it was recorded stays with the record
        for req, rule in (({"person_id": li.pk, "action": "delete"}, "no_alias"),
                          ({"person_id": aoki.pk, "action": "record", "alias": "青"}, "japanese_only"),
                          ({"person_id": li.pk, "action": "record"}, "required")):
            with pytest.raises(RegistryError) as exc:
                apply(office, "alias_change", req, D(2024, 7, 1))
            assert exc.value.violations[0].rule == rule
    with activate(office_b.ctx()), pytest.raises(RegistryError):
        apply(office_b, "alias_change", {"person_id": li.pk, "action": "record", "alias": "X"}, D(2024, 7, 1))


@pytest.mark.std("80#1")
def test_the_export_carries_an_unknown_birth_date_as_written(office: Any) -> None:
    from jichitai.registry import export

    with activate(office.ctx()):
        _move_in(office, person_spec("p1", "青木", "一郎", "昭和55年5月 日不詳", "世帯主"))
        (row,) = [r for r in export.export_residents() if r.get("given_name") == "一郎"]
        assert row["birth_date_text"] == "昭和55年5月 日不詳" and row["birth_date"] == "1980-05-01"


@pytest.mark.std("10#1", "20#1", "180#1")
def test_the_items_are_correctable_by_ex_officio_correction(office: Any) -> None:
    from jichitai.registry.labels import CORRECTABLE

    assert {"foreign_category", "alias_deleted_on", "name_kana_confirmed"} <= {f for f, _ in CORRECTABLE}
    with activate(office.ctx()):
        _move_in(office, person_spec("p1", "李", "明", "1990-02-03", "世帯主", resident_type="foreign",
                                     nationality="中国", honseki="", hittousha=""))
        (p,) = people()
        apply(office, "ex_officio_correction", {"person_id": p.pk, "changes": {
            "foreign_category": "special_permanent", "special_permanent_cert_no": "XY12345678ZW",
            "name_kana_confirmed": "true", "alphabet_name": "LI MING"}}, D(2024, 5, 1))
        q = people()[0]
        assert (q.foreign_category, q.name_kana_confirmed, q.alphabet_name) == ("special_permanent", True, "LI MING")
        with pytest.raises(RegistryError) as exc:
            apply(office, "ex_officio_correction", {"person_id": p.pk, "changes": {
                "special_permanent_cert_no": ""}}, D(2024, 5, 2))
        assert exc.value.violations[0].field == "special_permanent_cert_no"
