"""帰化・国籍取得・国籍喪失 ([930]–[950]): the old 住民票 消除, a new one of the other 住民種別 written in
the same household with the 宛名番号, 住民票コード and 個人番号 carried; each through 仮登録→決裁, in
history and as_of. Another municipality cannot reach the person; a protected person's change is
entered only by support staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry import events
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import Person, RegistryEvent
from jichitai.registry.reasons import classify
from jichitai.registry.selectors.history import as_of
from jichitai.tenancy.context import activate

from .conftest import apply, people, person_spec
from .test_snapshots import _protect

D = dt.date
pytestmark = pytest.mark.django_db
MY_NUMBER = "123456789018"


def _family(office: Any, head_type: str = "foreign") -> tuple[Any, Any]:
    foreign = {"resident_type": "foreign", "nationality": "ベトナム", "honseki": "", "hittousha": "",
               "my_number": MY_NUMBER, "became_foreign_resident_on": "2015-04-01"}
    head = person_spec("p1", "グエン", "ヴァン", "1980-02-02", "世帯主", **(foreign if head_type == "foreign" else {}))
    wife = person_spec("p2", "山本", "花子", "1982-03-03", "妻", sex="2", given_kana="ハナコ")
    apply(office, "move_in", {"household": {"new": {"address_id": office.address.pk, "banchi": "7番地", "katagaki": "A棟"}},
                              "persons": [head, wife], "previous_address": "大阪府堺市1番"}, D(2018, 4, 1))
    a, b = people()
    return a, b


def _all(**f: Any) -> list[Any]:
    return list(Person.objects.without_read_log("テスト").filter(**f).order_by("pk"))


@pytest.mark.std("930#1", "930#2", "930#3")
def test_naturalization_removes_the_foreign_record_and_writes_a_japanese_one(office, office_b) -> None:
    with activate(office.ctx()):
        head, wife = _family(office)
        sub = events.submit_event("naturalization", {
            "person_id": head.pk, "family_name": "中村", "given_name": "文", "family_name_kana": "ナカムラ",
            "given_name_kana": "ブン", "honseki": "大阪府堺市堺区1番地", "hittousha": "中村文"},
            effective_date=D(2024, 7, 1), reported_date=D(2024, 7, 3), entered_by=office.clerk)
        assert RegistryEvent.objects.get(pk=sub.event.pk).status == "provisional"
        assert _all(pk=head.pk)[0].status == "resident"  # nothing written before 決裁
        events.approve_event(sub.event.pk, approver=office.approver)
        old, new = _all(atena_no=head.atena_no)
        assert (old.pk, old.status, old.removed_on, old.resident_type) == (head.pk, "deleted", D(2024, 7, 1), "foreign")
        assert (new.resident_type, new.status, new.family_name, new.honseki) == ("japanese", "resident", "中村",
                                                                                 "大阪府堺市堺区1番地")
        assert (new.my_number, new.resident_code, new.household_id, new.relationship) == (
            MY_NUMBER, head.resident_code, head.household_id, "世帯主")
        assert (new.birth_date, new.sex, new.previous_address, new.address_set_on) == (
            head.birth_date, head.sex, "大阪府堺市1番", head.address_set_on)
        assert new.became_resident_on == D(2015, 4, 1)  # 外国人住民となった年月日 as 住民となった日
        assert new.nationality == "" and new.alias == ""
        assert new.household.head_id == new.pk and new.household.katagaki == "A棟"
        assert classify("naturalization", resident_type="foreign").label == "職権消除（帰化等）"
        assert classify("naturalization", resident_type="japanese").label == "職権記載（帰化等）"
        assert as_of(head.pk, D(2024, 6, 30))["status"] == "resident"
        assert as_of(head.pk, D(2024, 7, 1))["status"] == "deleted"
        assert as_of(new.pk, D(2024, 6, 30)) is None and as_of(new.pk, D(2024, 7, 1))["atena_no"] == head.atena_no
        # in history: the old 住民票 ends with its 消除, the new one starts with its 記載 (one 宛名番号)
        from jichitai.registry.selectors.snapshots import build

        last_old, first_new = build(head.pk)[-1], build(new.pk)[0]
        assert (last_old.reason, last_old.division, last_old.atena_no) == ("職権消除（帰化等）", "消除", head.atena_no)
        assert (first_new.reason, first_new.division, first_new.atena_no) == ("職権記載（帰化等）", "記載", head.atena_no)
        assert first_new.event_id == last_old.event_id == sub.event.pk
        # the old record is no longer a resident: the change cannot be entered twice
        with pytest.raises(RegistryError) as twice:
            apply(office, "naturalization", {"person_id": head.pk, "honseki": "東京都港区芝1番地", "hittousha": "中村文"},
                  D(2024, 8, 1))
        assert twice.value.violations[0].field == "person_id", twice.value.violations
    with activate(office_b.ctx()):
        with pytest.raises(RegistryError) as exc:
            apply(office_b, "naturalization", {"person_id": wife.pk, "honseki": "東京都港区芝1番地", "hittousha": "山本花子"},
                  D(2024, 8, 1))
        assert exc.value.violations[0].rule == "not_found"


@pytest.mark.std("940#1", "940#2", "940#3")
def test_acquisition_of_nationality_carries_the_numbers(office) -> None:
    with activate(office.ctx()):
        head, _ = _family(office)
        apply(office, "nationality_acquisition", {"person_id": head.pk, "honseki": "東京都港区芝1番地",
                                                  "hittousha": "グエン　ヴァン"}, D(2024, 2, 1))
        old, new = _all(atena_no=head.atena_no)
        assert (old.status, new.resident_type, new.family_name, new.my_number) == ("deleted", "japanese", "グエン",
                                                                                   MY_NUMBER)
        assert new.became_resident_on == D(2015, 4, 1)
        # a foreign item on a Japanese record is refused, naming it
        with pytest.raises(RegistryError) as exc:
            apply(office, "nationality_acquisition", {"person_id": people()[1].pk, "nationality": "米国"}, D(2024, 3, 1))
        assert exc.value.violations[0].rule == "resident_type"


@pytest.mark.std("950#1", "950#2", "950#3")
def test_loss_of_nationality_writes_a_foreign_record(office) -> None:
    with activate(office.ctx()):
        head, wife = _family(office, head_type="japanese")
        apply(office, "nationality_loss", {
            "person_id": wife.pk, "nationality": "アメリカ合衆国", "foreign_category": "mid_long",
            "residence_status": "日本人の配偶者等", "residence_card_no": "AB12345678CD", "lost_on": "2024-05-20"},
            D(2024, 6, 1))
        old, new = _all(atena_no=wife.atena_no)
        assert (old.status, old.resident_type, new.resident_type) == ("deleted", "japanese", "foreign")
        assert (new.honseki, new.hittousha, new.nationality) == ("", "", "アメリカ合衆国")
        assert new.became_resident_on == wife.became_resident_on  # 住民となった年月日 kept
        assert new.became_foreign_resident_on == D(2024, 5, 20)  # the later of 喪失日 and 住民となった日
        assert (new.resident_code, new.relationship) == (wife.resident_code, "妻")
        assert classify("nationality_loss", resident_type="japanese").label == "職権消除（国籍喪失）"
        # a Japanese-only item on the foreign record is refused
        with pytest.raises(RegistryError) as exc:
            apply(office, "nationality_loss", {"person_id": head.pk, "honseki": "東京都港区芝1番地"}, D(2024, 7, 1))
        assert exc.value.violations[0].rule == "resident_type"


@pytest.mark.std("950#4")
def test_the_japanese_resident_date_is_never_the_alien_registration_date(office) -> None:
    """[950]#4 (must not): the 国籍喪失 never writes 旧外登法による登録年月日, and its request refuses one."""
    with activate(office.ctx()):
        _, wife = _family(office, head_type="japanese")
        with pytest.raises(RegistryError) as exc:
            apply(office, "nationality_loss", {"person_id": wife.pk, "nationality": "米国",
                                               "alien_registration_on": "2018-04-01"}, D(2024, 6, 1))
        assert exc.value.violations[0].field == "alien_registration_on"
        apply(office, "nationality_loss", {"person_id": wife.pk, "nationality": "米国", "foreign_category": "mid_long",
                                           "residence_status": "永住者", "residence_card_no": "AB12345678CD"},
              D(2024, 6, 1))
        new = _all(atena_no=wife.atena_no)[-1]
        assert new.alien_registration_on is None and new.alien_registration_on_text == ""


def test_a_protected_person_is_changed_only_by_support_staff(office) -> None:
    with activate(office.ctx()):
        head, _ = _family(office)
        _protect(office, head.pk)
        with pytest.raises(RegistryError) as exc:
            events.submit_event("naturalization", {"person_id": head.pk, "honseki": "大阪府堺市1番地", "hittousha": "中村文"},
                                effective_date=D(2024, 7, 1), reported_date=None, entered_by=office.clerk)
        assert exc.value.violations[0].rule == "support_measure_entry"
        assert head.atena_no not in repr(exc.value.violations)


@pytest.mark.std("930#3")
def test_a_naturalization_cancelled_brings_the_foreign_record_back(office) -> None:
    """[980] on the new kind: the new record is voided and the old one is live again, one 宛名番号
    live at every moment (the unique indexes on both databases)."""
    from jichitai.registry.selectors.removed import removal_items

    with activate(office.ctx()):
        head, _ = _family(office)
        done = apply(office, "naturalization", {"person_id": head.pk, "honseki": "大阪府堺市堺区1番地",
                                                "hittousha": "グエン　ヴァン"}, D(2024, 7, 1))
        old, new = _all(atena_no=head.atena_no)
        assert removal_items(old.pk).reason == "職権消除（帰化等）"
        apply(office, "cancellation", {"target_event_id": done.pk}, D(2024, 7, 1))
        old, new = _all(atena_no=head.atena_no)
        assert (old.status, old.resident_type, new.status) == ("resident", "foreign", "void")
        assert old.household.head_id == old.pk
        # entered again after the 取消: a third row, the same 宛名番号
        apply(office, "naturalization", {"person_id": head.pk, "honseki": "大阪府堺市堺区1番地",
                                         "hittousha": "グエン　ヴァン"}, D(2024, 7, 2))
        assert [p.status for p in _all(atena_no=head.atena_no)] == ["deleted", "void", "resident"]
