"""印鑑登録の処理 through the register's read layer: eligibility, card numbers, 亡失・再交付, 廃止,
登録事項の変更, 職権抹消, the certificates' entry point, 支援措置 and another municipality."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from jichitai.audit.models import AuditEntry
from jichitai.registry.models import Person, SupportMeasure
from jichitai.seals import cards, eligibility
from jichitai.seals.errors import SealError
from jichitai.seals.lookup import expunge_departed, inquire, seal_for_certificate
from jichitai.seals.models import AppendOnly, SealCard, SealEvent, SealRegistration
from jichitai.seals.service import abolish, change_name, register, reissue, report_lost
from jichitai.tenancy.context import activate
from tests.registry.conftest import Office, move_in_family, people
from tests.seals.conftest import image_bytes

MM = Decimal("15.0")


@pytest.fixture
def family(office: Office) -> list[Any]:
    with activate(office.ctx()):
        move_in_family(office)
        return people()


def _register(office: Office, person: Any, staff: Any = None) -> SealCard:
    return register(person.pk, image_bytes(), MM, MM, staff=staff or office.clerk, reason="申請")


def _set(person: Any, **values: Any) -> None:
    Person.objects.filter(pk=person.pk).update(**values)


@pytest.mark.django_db
def test_register_issues_a_valid_number_logs_and_certifies(
    office: Office, family: list[Any]
) -> None:
    head = family[0]
    with activate(office.ctx()):
        card = _register(office, head)
        assert cards.parse_card_number(card.number) == card.number
        reg = SealRegistration.objects.get()
        assert reg.registered_name == "髙橋\u3000一郎" and bytes(reg.image) == image_bytes()
        event = SealEvent.objects.get()
        assert (event.kind, event.staff_id, event.card_number, event.reason) == (
            "register",
            office.clerk.pk,
            card.number,
            "申請",
        )
        assert AuditEntry.objects.filter(action="seals.register", subject_id=str(head.pk)).exists()
        pid, image, name = seal_for_certificate(card.number, staff=office.clerk)
        assert (pid, image, name) == (head.pk, image_bytes(), "髙橋\u3000一郎")
        with pytest.raises(SealError, match="既に印鑑登録があります"):
            _register(office, head)


@pytest.mark.django_db
def test_numbers_are_distinct_per_municipality(office: Office, family: list[Any]) -> None:
    with activate(office.ctx()):
        numbers = [_register(office, p).number for p in family[:2]]
        numbers.append(
            report_lost(numbers[0], staff=office.clerk, reason="紛失", reissue=True).number
        )
        assert len(set(numbers)) == 3


def test_fifteen_from_the_day_before_the_birthday() -> None:
    assert eligibility.eligible_from(dt.date(2010, 1, 15)) == dt.date(2025, 1, 14)
    assert eligibility.eligible_from(dt.date(2008, 2, 29)) == dt.date(2023, 2, 28)


@pytest.mark.django_db
def test_under_fifteen_adult_ward_and_departed_are_refused(
    office: Office, family: list[Any]
) -> None:
    head, wife, child = family
    with activate(office.ctx()):
        _set(child, birth_date=dt.date.today() - dt.timedelta(days=365 * 14))
        with pytest.raises(SealError, match="15歳未満"):
            _register(office, child)
        _set(wife, adult_ward="yes")
        with pytest.raises(SealError, match="成年被後見人"):
            _register(office, wife)
        _set(head, status="moved_out")
        with pytest.raises(SealError, match="住民ではない"):
            _register(office, head)
        assert not SealRegistration.objects.exists()


@pytest.mark.django_db
def test_lost_card_is_dead_and_the_reissued_one_works(office: Office, family: list[Any]) -> None:
    with activate(office.ctx()):
        old = _register(office, family[0]).number
        assert report_lost(old, staff=office.clerk, reason="紛失", reissue=False) is None
        with pytest.raises(SealError, match="亡失により使えません"):
            seal_for_certificate(old, staff=office.clerk)
        reg = SealRegistration.objects.get()
        new = reissue(reg.pk, staff=office.clerk, reason="再交付申請").number
        assert new != old and seal_for_certificate(new, staff=office.clerk)[0] == family[0].pk
        with pytest.raises(SealError, match="亡失により使えません"):
            inquire(old, staff=office.clerk)
        assert [e.kind for e in SealEvent.objects.all()] == ["register", "lost", "reissue"]


@pytest.mark.django_db
def test_abolished_card_is_refused_and_reason_required(office: Office, family: list[Any]) -> None:
    with activate(office.ctx()):
        number = _register(office, family[0]).number
        with pytest.raises(SealError, match="廃止の理由"):
            abolish(number, staff=office.clerk, reason=" ")
        abolish(number, staff=office.clerk, reason="本人の申請")
        with pytest.raises(SealError, match="廃止により使えません"):
            seal_for_certificate(number, staff=office.clerk)
        _register(office, family[0])  # a new registration after 廃止


@pytest.mark.django_db
def test_name_change_must_be_registered_before_a_certificate(
    office: Office, family: list[Any]
) -> None:
    with activate(office.ctx()):
        number = _register(office, family[0]).number
        _set(family[0], family_name="佐藤")
        with pytest.raises(SealError, match="登録事項の変更"):
            seal_for_certificate(number, staff=office.clerk)
        change_name(number, staff=office.clerk)
        assert seal_for_certificate(number, staff=office.clerk)[2] == "佐藤\u3000一郎"
        change = SealEvent.objects.get(kind="change")
        assert change.detail["before"]["name"] == "髙橋\u3000一郎"


@pytest.mark.django_db
def test_departed_person_is_expunged(office: Office, family: list[Any]) -> None:
    with activate(office.ctx()):
        number = _register(office, family[0]).number
        kept = _register(office, family[1]).number
        _set(family[0], status="dead")
        with pytest.raises(SealError, match="職権抹消の対象"):
            seal_for_certificate(number, staff=office.clerk)
        assert expunge_departed(staff=office.clerk) == 1
        assert SealRegistration.objects.get(person_id=family[0].pk).state == "expunged"
        with pytest.raises(SealError, match="職権抹消により使えません"):
            seal_for_certificate(number, staff=office.clerk)
        seal_for_certificate(kept, staff=office.clerk)
        assert expunge_departed(staff=office.clerk) == 0


@pytest.mark.django_db
def test_certificate_needs_the_card_number(office: Office) -> None:
    with activate(office.ctx()), pytest.raises(SealError, match="印鑑登録証の番号が必要です"):
        seal_for_certificate("", staff=office.clerk)


@pytest.mark.django_db
def test_events_are_append_only(office: Office, family: list[Any]) -> None:
    with activate(office.ctx()):
        _register(office, family[0])
        event = SealEvent.objects.get()
        event.reason = "書き換え"
        with pytest.raises(AppendOnly):
            event.save()
        with pytest.raises(AppendOnly):
            event.delete()


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_the_database_refuses_to_change_the_log(office: Office, family: list[Any]) -> None:
    with activate(office.ctx()):
        _register(office, family[0])
        for attempt in (
            lambda: SealEvent.objects.update(reason="書き換え"),
            lambda: SealEvent.objects.all()._raw_delete(connection.alias),
        ):
            with pytest.raises(DatabaseError, match="追記のみ"), transaction.atomic():
                attempt()
        assert SealEvent.objects.get().reason == "申請"


def _protect(office: Office, person: Any) -> None:
    SupportMeasure.objects.create(
        person_id=person.pk,
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2099, 1, 1),
        against=[{"name": "加害者"}],
        reason="DV",
        created_by=office.approver,
    )


@pytest.mark.django_db
def test_protected_person_only_with_need_to_know(office: Office, family: list[Any]) -> None:
    from jichitai.accounts.models import RoleGrant, Staff

    officer = Staff.objects.create(username="seal-support", display_name="支援 担当")
    for role in ("clerk", "support_measure"):
        RoleGrant.objects.create(staff=officer, municipality=office.municipality, role=role)
    with activate(office.ctx()):
        number = _register(office, family[0]).number
        _protect(office, family[0])
        alerts = AuditEntry.objects.filter(
            action="support_measure.access", subject_id=str(family[0].pk)
        )
        for attempt in (
            lambda: _register(office, family[0]),
            lambda: seal_for_certificate(number, staff=office.clerk),
            lambda: inquire(number, staff=office.clerk),
            lambda: abolish(number, staff=office.clerk, reason="申請"),
            lambda: report_lost(number, staff=office.clerk, reason="紛失", reissue=True),
            lambda: change_name(number, staff=office.clerk),
        ):
            before = alerts.count()
            with pytest.raises(SealError, match="支援措置の対象") as exc:
                attempt()
            assert "髙橋" not in exc.value.message and "本町" not in exc.value.message
            assert alerts.count() == before + 1  # the refusal's alert is kept (not rolled back)
        assert SealCard.objects.get(number=number).state == "active"
        assert [e.kind for e in SealEvent.objects.all()] == ["register"]
    with activate(office.ctx(officer)):
        assert inquire(number, staff=officer).person.name == "髙橋\u3000一郎"
        assert seal_for_certificate(number, staff=officer)[0] == family[0].pk


@pytest.mark.django_db
def test_other_municipality_cannot_reach_residents_or_cards(
    office: Office, office_b: Office, family: list[Any]
) -> None:
    with activate(office.ctx()):
        number = _register(office, family[0]).number
    with activate(office_b.ctx()):
        with pytest.raises(SealError, match="住民が見つかりません"):
            _register(office_b, family[1], staff=office_b.clerk)
        with pytest.raises(SealError, match="この番号の印鑑登録証はありません"):
            seal_for_certificate(number, staff=office_b.clerk)
        assert not SealRegistration.objects.exists() and not SealCard.objects.exists()


@pytest.mark.django_db
def test_death_entered_in_the_register_ends_the_registration(
    office: Office, family: list[Any]
) -> None:
    from tests.registry.conftest import apply

    with activate(office.ctx()):
        number = _register(office, family[1]).number
        apply(office, "death", {"person_id": family[1].pk}, dt.date(2024, 6, 1))
        with pytest.raises(SealError, match="職権抹消の対象です（死亡）"):
            seal_for_certificate(number, staff=office.clerk)
        assert inquire(number, staff=office.clerk).departed
        assert expunge_departed(staff=None) == 1
        event = SealEvent.objects.get(kind="expunge")
        assert event.staff_id is None and "死亡" in event.reason
