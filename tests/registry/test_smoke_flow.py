from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry import events
from jichitai.registry.models import Person
from jichitai.tenancy.context import activate

from .conftest import person_spec


@pytest.mark.django_db
def test_move_in_then_approve(office) -> None:
    with activate(office.ctx()):
        sub = events.submit_event(
            "move_in",
            {"household": {"new": {"address_id": office.address.pk, "banchi": "1番地2"}},
             "persons": [person_spec("p1", "髙橋", "一郎", "1980-05-01", "世帯主"),
                         person_spec("p2", "髙橋", "花子", "1982-07-07", "妻", sex="2", given_kana="ハナコ")],
             "previous_address": "東京都千代田区千代田1番1号"},
            effective_date=dt.date(2024, 4, 1), reported_date=dt.date(2024, 4, 3),
            entered_by=office.clerk,
        )
        assert Person.objects.count() == 0
        ev = events.approve_event(sub.event.pk, approver=office.approver)
        people = list(Person.objects.for_read(screen="test").order_by("pk"))
        assert [p.family_name for p in people] == ["髙橋", "髙橋"]
        assert people[0].name_key == "高橋一郎"
        assert people[0].household.head_id == people[0].pk
        assert ev.status == "approved"
