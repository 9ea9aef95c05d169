"""排他制御 ([1380]#8): another staff member's 仮登録 locks a person for entry, not for viewing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jichitai.registry import events
from jichitai.registry.errors import RegistryError
from jichitai.registry.events import locks
from jichitai.registry.models import RegistryEvent
from jichitai.tenancy.context import activate
from tests.protection_world import build
from tests.registry.conftest import move_in_family, people

pytestmark = pytest.mark.django_db
DAY = dt.date(2024, 5, 1)


def _rename(office: Any, pid: int, staff: Any, name: str = "佐藤") -> Any:
    return events.submit_event("name_change", {"person_id": pid, "family_name": name, "family_name_kana": "サトウ"},
                               effective_date=DAY, reported_date=DAY, entered_by=staff)


def _second_clerk(office: Any) -> Any:
    from jichitai.accounts.models import RoleGrant, Staff

    other = Staff.objects.create(username="clerk2-lock", display_name="窓口 次郎")
    RoleGrant.objects.create(staff=other, municipality=office.municipality, role="clerk")
    return other


@pytest.mark.std("1380#8")
def test_a_pending_entry_locks_the_person_for_others_until_approval(office: Any, staff_client: Any) -> None:
    other = _second_clerk(office)
    with activate(office.ctx()):
        move_in_family(office)
        head = people(given_name="一郎")[0]
        first = _rename(office, head.pk, office.clerk).event
        with pytest.raises(RegistryError) as err:
            _rename(office, head.pk, other)
        (v,) = err.value.violations
        assert v.rule == "edit_locked" and "窓口 花子" in v.message and str(first.pk) in v.message
        assert _rename(office, head.pk, office.clerk, "鈴木").event.pk  # the holder may go on
        wife = people(given_name="花子")[0]
        assert _rename(office, wife.pk, other).event.pk  # only the persons the entry is about
    page = staff_client(other).get(f"/registry/persons/{head.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and 'id="edit-lock"' in text and "窓口 花子" in text
    assert "照会以外の操作はできません" in text
    with activate(office.ctx()):
        events.approve_event(first.pk, approver=office.approver)
        later = RegistryEvent.objects.filter(status="provisional", entered_by=office.clerk, request__person_id=head.pk)
        for e in later:
            events.reject_event(e.pk, approver=office.approver, reason="重複")
        assert locks.lock_on(head.pk) is None
        assert _rename(office, head.pk, other, "田中").event.pk  # released by 決裁 and 却下


@pytest.mark.std("1380#8")
def test_rejection_and_timeout_release_the_lock(office: Any, settings: Any) -> None:
    other = _second_clerk(office)
    with activate(office.ctx()):
        move_in_family(office)
        head = people(given_name="一郎")[0]
        first = _rename(office, head.pk, office.clerk).event
        events.reject_event(first.pk, approver=office.approver, reason="書類不備")
        second = _rename(office, head.pk, other).event  # released by 却下
        assert locks.lock_on(head.pk).staff_name == "窓口 次郎"
        RegistryEvent.objects.filter(pk=second.pk).update(processed_at=timezone.now() - dt.timedelta(hours=9))
        assert locks.lock_on(head.pk) is None  # 8 hours by default
        settings.JICHITAI_EDIT_LOCK_HOURS = 24
        assert locks.lock_on(head.pk) is not None
        settings.JICHITAI_EDIT_LOCK_HOURS = 8
        assert _rename(office, head.pk, office.clerk).event.pk


def test_another_municipalitys_pending_entry_locks_nothing_here(office: Any, office_b: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head = people(given_name="一郎")[0]
        _rename(office, head.pk, office.clerk)
    with activate(office_b.ctx()):
        assert locks.held_locks([head.pk]) == {}


def test_a_protected_person_is_refused_as_protected_not_as_locked(office: Any, staff_client: Any) -> None:
    """From the protected side: the lock says nothing about a person the staff member may not see."""
    world = build(office)
    with activate(office.ctx()):
        _rename(office, world.wife, world.officer)
        with pytest.raises(RegistryError) as err:
            _rename(office, world.wife, office.clerk)
        assert all(v.rule != "edit_locked" for v in err.value.violations)
        assert all(world.officer.display_name not in v.message for v in err.value.violations)
    page = staff_client("clerk").get(f"/registry/persons/{world.wife}/").content.decode()
    assert 'id="edit-lock"' not in page
