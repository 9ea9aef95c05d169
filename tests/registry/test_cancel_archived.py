"""[980]#2: the 取消 of an 異動 whose person was moved to the 除票用データベース. Without the state
before it is refused, saying what to enter; with the 異動前の住民データ entered by hand the person
comes back (the 除票's 宛名番号), the household as it was, the 事由 異動の取消し（増）. Another
municipality's 除票 cannot be restored this way.
"""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry import events, reasons
from jichitai.registry.archive import archive_removed
from jichitai.registry.archive_models import ArchivedRecord
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import RegistryEvent
from jichitai.registry.selectors.snapshots import snapshots
from jichitai.tenancy.context import activate

from .conftest import apply, move_in_family, people, person_spec

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 6, 1)


def _archived_death(office) -> tuple[RegistryEvent, int, int]:
    """The head dies in 2019 (the wife becomes head); in 2026 his 除票 leaves for the archive."""
    move_in_family(office, D(2015, 4, 1))
    head, wife, _ = people()
    death = apply(office, "death", {"person_id": head.pk, "new_head_id": wife.pk}, D(2019, 3, 3))
    assert archive_removed(today=TODAY)["moved"] == 1
    assert not people(pk=head.pk)
    return death, head.pk, wife.pk


def _refused(office, request: dict) -> list:
    with pytest.raises(RegistryError) as exc:
        events.submit_event(
            "cancellation",
            request,
            effective_date=D(2019, 3, 3),
            reported_date=TODAY,
            entered_by=office.clerk,
        )
    return exc.value.violations


def _entered(head_id: int) -> dict:
    spec = person_spec("r1", "髙橋", "一郎", "1980-05-01", "世帯主")
    del spec["resident_code"]  # left blank: the 除票's comes back
    return {**spec, "archived_person_id": head_id, "became_resident_on": "2015-04-01"}


@pytest.mark.std("980#2")
def test_without_the_state_before_the_cancellation_says_what_to_enter(office) -> None:
    with activate(office.ctx()):
        death, head, wife = _archived_death(office)
        (v,) = _refused(office, {"target_event_id": death.pk})
        assert v.rule == "archived" and "除票用データベース" in v.message
        assert "異動前の住民データ" in v.message
        hh = people(pk=wife)[0].household_id
        (v,) = _refused(
            office,
            {
                "target_event_id": death.pk,
                "restored": [_entered(head)],
            },
        )
        assert v.rule == "required" and v.field == "restore_household"
        (v,) = _refused(
            office,
            {
                "target_event_id": death.pk,
                "restored": [_entered(wife)],  # not one of the archived
                "restore_household": {"existing_id": hh},
            },
        )
        assert v.rule in ("archived", "not_archived")
        assert people(pk=wife)[0].relationship == "世帯主"  # nothing changed


@pytest.mark.std("980#2")
def test_the_state_before_entered_by_hand_restores_the_person(office) -> None:
    with activate(office.ctx()):
        death, head, wife = _archived_death(office)
        archived = ArchivedRecord.objects.for_read(screen="テスト").get(person_id=head)
        hh = people(pk=wife)[0].household_id
        cancel = apply(
            office,
            "cancellation",
            {
                "target_event_id": death.pk,
                "restored": [_entered(head)],
                "restore_household": {"existing_id": hh},
            },
            D(2019, 3, 3),
        )
        (back,) = people(given_name="一郎")
        assert back.pk != head and back.status == "resident" and back.household_id == hh
        assert back.atena_no == archived.atena_no and back.resident_code == archived.resident_code
        assert back.became_resident_on == D(2015, 4, 1) and back.relationship == "世帯主"
        assert back.household.head_id == back.pk
        assert people(pk=wife)[0].relationship == "妻"  # the live part undone from the log
        assert reasons.classify("cancellation", target_kind="death").label == "異動の取消し（増）"
        assert snapshots(back.pk, staff=office.clerk).rows[-1].reason == "異動の取消し（増）"
        cancel.refresh_from_db()
        assert cancel.target_id == death.pk and cancel.status == "approved"
        death.refresh_from_db()
        assert death.status == "approved"  # the cancelled 異動 stays in the history ([980]#6)


@pytest.mark.std("980#2")
def test_another_municipalitys_archived_person_cannot_be_restored(office, office_b) -> None:
    with activate(office_b.ctx()):
        death, head, _ = _archived_death(office_b)
    with activate(office.ctx()):
        move_in_family(office, D(2015, 4, 1), family="佐藤")
        hh = people()[0].household_id
        (v,) = _refused(
            office,
            {
                "target_event_id": death.pk,
                "restored": [_entered(head)],
                "restore_household": {"existing_id": hh},
            },
        )
        assert v.rule in ("not_found", "not_archived")
        assert not people(given_name="一郎", family_name="髙橋")
