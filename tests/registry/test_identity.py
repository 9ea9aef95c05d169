"""Identity across time (issue 11 part 3): 再転入 against the 除票 ([600]), the 旧氏・通称 of a 国外転出
carried over on return ([70]#3). Another municipality's 除票 never matches; a protected person's
除票 is matched without a message that names her."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry import events
from jichitai.registry.errors import DuplicateSuspected, RegistryError
from jichitai.registry.selectors.history import as_of
from jichitai.tenancy.context import activate

from .conftest import apply, people, person_spec
from .test_snapshots import _protect

D = dt.date
pytestmark = pytest.mark.django_db
MY_NUMBER = "123456789018"


def _arrive(office: Any, kind: str = "move_in", **person: Any) -> Any:
    spec = person_spec("p1", "青木", "誠", "1985-06-01", "世帯主", **person)
    return apply(office, kind, {"household": {"new": {"address_id": office.address.pk, "banchi": "3番地"}},
                                "persons": [spec], "previous_address": "東京都港区芝1番"}, D(2020, 4, 1))


def _leave(office: Any, pid: int, kind: str = "move_out_abroad") -> None:
    apply(office, kind, {"person_ids": [pid], "destination": "アメリカ合衆国"}, D(2022, 4, 1))


def _back(office: Any, *, kind: str = "move_in_abroad", confirm: bool = False, **person: Any) -> Any:
    spec = person_spec("p1", "青木", "誠", "1985-06-01", "世帯主", **person)
    req = {"household": {"new": {"address_id": office.address2.pk, "banchi": "9番地"}},
           "persons": [spec], "previous_address": "アメリカ合衆国"}
    return events.submit_event(kind, req, effective_date=D(2024, 5, 1), reported_date=D(2024, 5, 1),
                               entered_by=office.clerk, confirm_duplicates=confirm)


@pytest.mark.std("600#1")
def test_a_new_record_matching_a_removed_record_by_number_is_refused(office, office_b) -> None:
    with activate(office.ctx()):
        _arrive(office, my_number=MY_NUMBER)
        (aoki,) = people()
        _leave(office, aoki.pk)
        for key, value in (("my_number", MY_NUMBER), ("resident_code", aoki.resident_code)):
            with pytest.raises(RegistryError) as exc:
                _back(office, **{key: value}, **({} if key == "resident_code" else {"resident_code": "19999999990"}))
            assert exc.value.violations[0].rule == "returning_resident"
            assert exc.value.violations[0].field == key
        assert len(people()) == 1  # no second record
    with activate(office_b.ctx()):  # B has no 除票 of him: a new record there is fine
        out = _back(office_b, my_number=MY_NUMBER, resident_code=aoki.resident_code)
        assert out.warnings == []


@pytest.mark.std("600#1")
def test_a_foreign_resident_is_matched_on_the_residence_card_number(office) -> None:
    with activate(office.ctx()):
        _arrive(office, resident_type="foreign", nationality="ブラジル", honseki="", hittousha="")
        (person,) = people()
        _leave(office, person.pk)
        with pytest.raises(RegistryError) as exc:
            _back(office, resident_type="foreign", nationality="ブラジル", honseki="", hittousha="")
        assert exc.value.violations[0].field == "residence_card_no"
        # chosen as 再転入者 without a 住民種別 stated: he stays foreign, the 除票's items taken in
        spec = {"ref": "p1", "family_name": "青木", "relationship": "世帯主", "returning_person_id": person.pk}
        apply(office, "move_in_abroad", {"household": {"new": {"address_id": office.address.pk, "banchi": "3番地"}},
                                         "persons": [spec], "previous_address": "ブラジル"}, D(2024, 5, 1))
        (back,) = people()
        assert (back.resident_type, back.nationality, back.residence_card_no, back.atena_no) == (
            "foreign", "ブラジル", person.residence_card_no, person.atena_no)


@pytest.mark.std("600#1")
def test_three_matching_items_alert_and_the_clerk_may_go_on(office, office_b) -> None:
    with activate(office_b.ctx()):  # B's 除票 of the same 3情報 is not counted in A
        _arrive(office_b)
        _leave(office_b, people()[0].pk)
    with activate(office.ctx()):
        _arrive(office)
        (aoki,) = people()
        _leave(office, aoki.pk)
        with pytest.raises(DuplicateSuspected) as exc:
            _back(office)  # other numbers: only the 3情報 match
        assert "一致する除票が 1 件あります" in exc.value.messages[0]
        assert aoki.atena_no not in exc.value.messages[0] and "東京都港区" not in exc.value.messages[0]
        out = _back(office, confirm=True)  # a different person after all: confirmed, a new record
        events.approve_event(out.event.pk, approver=office.approver)
        assert len(people()) == 2


@pytest.mark.std("600#1", "600#2", "70#3")
def test_the_returning_person_keeps_his_atena_no_and_his_items(office, office_b) -> None:
    with activate(office.ctx()):
        _arrive(office, my_number=MY_NUMBER, alias="アオキ通称", former_surname="旧田",
                resident_type="japanese")
        (aoki,) = people()
        _leave(office, aoki.pk)
        # [70]#3: the first 国外転入 back to this municipality: blank 旧氏・通称 take the 除票's
        out = _back(office, returning_person_id=aoki.pk, my_number="", resident_code="", honseki="",
                    hittousha="", given_name_kana="")
        events.approve_event(out.event.pk, approver=office.approver)
        (back,) = people()
        assert back.pk == aoki.pk and back.atena_no == aoki.atena_no
        assert (back.status, back.my_number, back.resident_code) == ("resident", MY_NUMBER, aoki.resident_code)
        assert (back.alias, back.former_surname, back.honseki) == ("アオキ通称", "旧田", aoki.honseki)
        assert back.household.address_id == office.address2.pk and back.previous_address == "アメリカ合衆国"
        assert back.became_resident_on == D(2024, 5, 1) and back.removed_on is None
        assert back.move_out_destination == ""  # the 除票's own items stay in its history only
        # the 除票 is the state before the 異動日
        assert as_of(aoki.pk, D(2023, 1, 1))["status"] == "moved_out"
        assert as_of(aoki.pk, D(2024, 5, 1))["status"] == "resident"
        # a current resident cannot be chosen again
        with pytest.raises(RegistryError) as exc:
            _back(office, returning_person_id=aoki.pk)
        assert exc.value.violations[0].rule == "not_removed"
    with activate(office_b.ctx()):  # A's 除票 cannot be chosen in B
        with pytest.raises(RegistryError) as exc:
            _back(office_b, returning_person_id=aoki.pk)
        assert exc.value.violations[0].rule == "not_found"


@pytest.mark.std("600#2")
def test_the_returning_person_corrects_what_changed(office) -> None:
    with activate(office.ctx()):
        _arrive(office, my_number=MY_NUMBER)
        (aoki,) = people()
        _leave(office, aoki.pk, kind="move_out_abroad")
        out = _back(office, kind="move_in", returning_person_id=aoki.pk, family_name="青山",
                    hittousha="青山誠", my_number="", resident_code="")
        events.approve_event(out.event.pk, approver=office.approver)
        (back,) = people()
        assert (back.family_name, back.hittousha, back.atena_no) == ("青山", "青山誠", aoki.atena_no)


@pytest.mark.std("600#1")
def test_a_protected_person_returning_is_matched_without_naming_her(office) -> None:
    with activate(office.ctx()):
        _arrive(office, my_number=MY_NUMBER)
        (aoki,) = people()
        _leave(office, aoki.pk)
        _protect(office, aoki.pk)
        with pytest.raises(RegistryError) as exc:
            _back(office, my_number=MY_NUMBER, resident_code="19999999990")
        text = repr(exc.value.violations)
        assert exc.value.violations[0].rule == "returning_resident"
        for secret in (f"ID {aoki.pk}", aoki.atena_no, "本町", "3番地", "アメリカ"):
            assert secret not in text
        with pytest.raises(DuplicateSuspected) as alert:
            _back(office, resident_code="19999999990")
        assert aoki.atena_no not in repr(alert.value.violations) and "3番地" not in repr(alert.value.violations)
        # selecting her 除票 is an event about a protected person: only support staff enter it
        with pytest.raises(RegistryError) as chosen:
            _back(office, returning_person_id=aoki.pk)
        assert chosen.value.violations[0].rule == "support_measure_entry"


def _all_routes() -> list[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    out: list[str] = []

    def walk(patterns: Any, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                out.append(f"{prefix}{p.pattern} {p.name or ''}")

    walk(get_resolver().url_patterns, "")
    return out


@pytest.mark.std("600#3")
def test_no_list_of_returning_persons_can_be_made(office) -> None:
    """[600]#3 (must not): no 再転入者の一覧表. No screen, API or report route offers one, and a
    再転入 leaves no mark to list by: its 異動事由 is the 転入's own (国内転入・国外転入等)."""
    from jichitai.registry.models import RegistryEvent
    from jichitai.registry.reasons import all_labels, classify

    routes = _all_routes()
    assert routes  # the walk found the project's routes
    for word in ("returning", "return", "再転入", "saitennyu", "re_entry", "reentry"):
        assert not [r for r in routes if word in r.lower()], word
    assert not [label for label in all_labels() if "再転入" in label]
    with activate(office.ctx()):
        _arrive(office, my_number=MY_NUMBER)
        (aoki,) = people()
        _leave(office, aoki.pk)
        out = _back(office, returning_person_id=aoki.pk)
        events.approve_event(out.event.pk, approver=office.approver)
        back = RegistryEvent.objects.get(pk=out.event.pk)
        assert back.kind == "move_in_abroad" and classify(back.kind).label == "国外転入等"


@pytest.mark.std("600#2")
def test_a_domestic_returner_leaves_the_removal_items_on_the_removed_record(office) -> None:
    with activate(office.ctx()):
        _arrive(office)
        (aoki,) = people()
        apply(office, "move_out_planned", {"person_ids": [aoki.pk], "destination": "大阪府大阪市北区梅田1丁目",
                                           "planned_date": "2022-04-01"}, D(2022, 3, 20))
        apply(office, "move_out_confirmed", {"person_ids": [aoki.pk], "destination": "大阪府大阪市北区梅田1丁目1番1号"},
              D(2022, 4, 1))
        out = _back(office, kind="move_in", returning_person_id=aoki.pk)
        events.approve_event(out.event.pk, approver=office.approver)
        (back,) = people()
        assert (back.status, back.move_out_confirmed_destination, back.move_out_planned_on) == ("resident", "", None)
        assert as_of(aoki.pk, D(2023, 1, 1))["move_out_confirmed_destination"] == "大阪府大阪市北区梅田1丁目1番1号"
