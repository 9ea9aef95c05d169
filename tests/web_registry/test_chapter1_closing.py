"""Issue 10, chapter 1 (closing items) on the register's write paths: the 特別な事由 of an 異動 and a
特別養子縁組's 転出 without 転出先 ([40]#4, [50]#2), a 失踪 with a 不詳 異動日 ([80]#1), and every フリガナ
in katakana ([180]#2); the protected side and another municipality on each new path."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.registry import support
from jichitai.registry.errors import RegistryError
from jichitai.registry.events.requests import AliasChange, NameChange
from jichitai.registry.inputs import kana
from jichitai.registry.models import Person, RegistryEvent
from jichitai.tenancy.context import activate
from tests.certificates.conftest import officer
from tests.registry.conftest import apply, move_in_family, people, person_spec
from tests.web_registry.conftest import login

D = dt.date


def _get(pk: int) -> Person:
    return Person.objects.for_read(screen="テスト").get(pk=pk)


@pytest.mark.django_db
@pytest.mark.std("50#2", "40#4")
def test_the_move_out_form_takes_a_special_adoption_without_destination(
    office: Any, office_b: Any, staff_client: Any
) -> None:
    with activate(office.ctx()):
        head = move_in_family(office).household_id
        son = people()[2]
    clerk = staff_client("clerk")
    page = clerk.get(f"/registry/events/new/move_out_planned/?household={head}").content.decode()
    assert 'name="special_cause"' in page and "特別養子縁組" in page
    data = {
        "household": str(head),
        "effective_date": "2024-03-01",
        "person_ids": [str(son.pk)],
        "destination": "",
        "planned_date": "2024-03-20",
        "idempotency_key": "k-ch1-1",
    }
    plain = clerk.post("/registry/events/new/move_out_planned/", data)
    assert plain.status_code == 400 and "転出先を入力してください。" in plain.content.decode()
    resp = clerk.post(
        "/registry/events/new/move_out_planned/",
        {**data, "special_cause": "special_adoption", "idempotency_key": "k-ch1-2"},
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    with activate(office.ctx()):
        event = RegistryEvent.objects.get(kind="move_out_planned")
        assert event.request["special_cause"] == "special_adoption"
        assert "destination" not in event.request or event.request["destination"] == ""
    # another municipality's clerk cannot reach A's person through the same form
    b = login(Client(), office_b.clerk, office_b.municipality)
    other = b.post(
        "/registry/events/new/move_out_planned/",
        {**data, "special_cause": "special_adoption", "idempotency_key": "k-ch1-3"},
    )
    assert other.status_code == 404  # A's household is not found in B
    with activate(office.ctx()):
        assert RegistryEvent.objects.filter(kind="move_out_planned").count() == 1


@pytest.mark.django_db
@pytest.mark.std("50#2")
def test_a_protected_childs_special_adoption_move_out_needs_need_to_know(office: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, _, son = people()
        staff = officer(office)
        support.start_measure(
            son.pk, start=D(2024, 1, 1), reason="DV", against=[{"person_id": head.pk}], staff=staff
        )
        req = {"person_ids": [son.pk], "special_cause": "special_adoption"}
        with pytest.raises(RegistryError) as exc:
            apply(office, "move_out_planned", req, D(2024, 3, 1))
        assert "支援措置担当" in str(exc.value)
        assert _get(son.pk).move_out_planned_on is None


@pytest.mark.django_db
@pytest.mark.std("80#1")
def test_a_disappearance_keeps_its_unknown_date_as_written(office: Any, staff_client: Any) -> None:
    with activate(office.ctx()):
        head = move_in_family(office).household_id
        son = people()[2]
    resp = staff_client("clerk").post(
        "/registry/events/new/disappearance/",
        {
            "household": str(head),
            "effective_date": "令和5年頃",
            "person_id": str(son.pk),
            "basis": "koseki_notice",
            "notified_on": "令和6年1月9日",
            "matter": "失踪宣告の通知",
            "idempotency_key": "k-ch1-d",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    with activate(office.ctx()):
        event = RegistryEvent.objects.get(kind="disappearance")
        assert (event.effective_date, event.effective_date_text) == (D(2023, 1, 1), "令和5年頃")
        from jichitai.registry import events

        events.approve_event(event.pk, approver=office.approver)
        gone = _get(son.pk)
        # old behaviour: 失踪 had no written 異動日 (「令和5年頃」 was a format error)
        assert (gone.status, gone.removed_on, gone.removed_on_text) == (
            "deleted",
            D(2023, 1, 1),
            "令和5年頃",
        )
        with pytest.raises(RegistryError) as exc:  # a text whose internal date is another day
            apply(
                office,
                "disappearance",
                {"person_id": people()[1].pk, "effective_date_text": "令和5年頃"},
                D(2023, 2, 1),
            )
        assert "2023-01-01" in str(exc.value.violations[0].message)


@pytest.mark.django_db
@pytest.mark.std("180#2")
def test_former_surname_and_alias_kana_are_stored_in_katakana(office: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        apply(
            office,
            "name_change",
            {"person_id": wife.pk, "former_surname": "佐藤", "former_surname_kana": "さとう"},
            D(2024, 5, 1),
        )
        assert _get(wife.pk).former_surname_kana == "サトウ"  # old behaviour: 「さとう」 stored
        with pytest.raises(RegistryError) as exc:
            apply(
                office,
                "ex_officio_correction",
                {"person_id": wife.pk, "changes": {"former_surname_kana": "佐藤"}},
                D(2024, 5, 2),
            )
        assert "旧氏" in str(exc.value.violations[0].message)
        apply(
            office,
            "move_in",
            {
                "household": {"new": {"address_id": office.address.pk, "banchi": "8番地"}},
                "persons": [
                    person_spec(
                        "k",
                        "金",
                        "英子",
                        "1980-02-02",
                        "世帯主",
                        sex="2",
                        resident_type="foreign",
                        alphabet_name="KIM YOUNGJA",
                        nationality="韓国",
                        honseki="",
                        hittousha="",
                    )
                ],
                "previous_address": "韓国",
            },
            D(2024, 5, 1),
        )
        (kim,) = people(family_name="金")
        apply(
            office,
            "alias_change",
            {
                "person_id": kim.pk,
                "action": "record",
                "alias": "青木　英子",
                "alias_kana": "ｱｵｷ ｴｲｺ",
            },
            D(2024, 6, 1),
        )
        assert _get(kim.pk).alias_kana == "アオキ　エイコ"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x3093), max_size=20))
@pytest.mark.std("180#2")
def test_property_every_kana_item_of_a_request_is_katakana(typed: str) -> None:
    expected = kana.normalize(typed)
    name = NameChange(person_id=1, former_surname_kana=typed)
    alias = AliasChange(person_id=1, action="record", alias="青木", alias_kana=typed or "ア")
    assert name.former_surname_kana == expected
    assert alias.alias_kana == (expected or "ア")
    assert all(kana.is_stored_kana(c) for c in expected)


@pytest.mark.std("180#2")
def test_kana_items_refuse_kanji_in_a_request() -> None:
    for build in (
        lambda: NameChange(person_id=1, former_surname_kana="佐藤"),
        lambda: AliasChange(person_id=1, action="record", alias="青木", alias_kana="青木"),
    ):
        with pytest.raises(ValueError):
            build()


@pytest.mark.django_db
@pytest.mark.std("80#1")
def test_a_disappearance_as_written_reaches_no_protected_person_nor_another_municipality(
    office: Any, office_b: Any
) -> None:
    with activate(office.ctx()):
        head = move_in_family(office).household_id
        father, _, son = people()
        support.start_measure(
            son.pk,
            start=D(2024, 1, 1),
            reason="DV",
            against=[{"person_id": father.pk}],
            staff=officer(office),
        )
    data = {
        "household": str(head),
        "effective_date": "令和5年頃",
        "person_id": str(son.pk),
        "basis": "koseki_notice",
        "notified_on": "令和6年1月9日",
        "idempotency_key": "k-ch1-p",
    }
    # the clerk without need-to-know: refused, nothing entered
    a = login(Client(), office.clerk, office.municipality)
    refused = a.post("/registry/events/new/disappearance/", {**data, "matter": "失踪宣告の通知"})
    assert refused.status_code == 400 and "支援措置担当" in refused.content.decode()
    # B's clerk: A's household and person do not exist for B
    b = login(Client(), office_b.clerk, office_b.municipality)
    other = b.post("/registry/events/new/disappearance/", {**data, "idempotency_key": "k-ch1-q"})
    assert other.status_code == 404
    with activate(office.ctx()):
        assert not RegistryEvent.objects.filter(kind="disappearance").exists()
        assert _get(son.pk).removed_on_text == ""


def _certificate(client: Client, person_id: int, key: str) -> Any:
    body = {
        "kind": "juminhyo",
        "subject_ids": [person_id],
        "requester": {"kind": "self", "person_id": person_id},
        "options": {"special_history": True, "history": True},
        "station": {"terminal": "API1", "printer": "P1"},
    }
    return client.post(
        "/api/v1/certificates",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


@pytest.mark.django_db
@pytest.mark.std("40#4")
def test_the_counter_and_the_api_offer_the_special_history_and_protect_as_before(
    office: Any, office_b: Any, staff_client: Any
) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        father, mother, son = people()
    clerk = staff_client("clerk")
    page = clerk.get("/certificates/").content.decode()
    assert 'name="special_history"' in page and "特別な事由" in page
    assert _certificate(clerk, son.pk, "ch1-1").status_code == 200
    with activate(office.ctx()):
        support.start_measure(
            mother.pk,
            start=D(2024, 1, 1),
            reason="DV",
            against=[{"person_id": father.pk}],
            staff=officer(office),
        )
    # the protected person: not found for the clerk, whatever the option
    assert _certificate(clerk, mother.pk, "ch1-2").status_code == 404
    # another municipality: A's person does not exist for B
    b = login(Client(), office_b.clerk, office_b.municipality)
    assert _certificate(b, son.pk, "ch1-3").status_code == 404
