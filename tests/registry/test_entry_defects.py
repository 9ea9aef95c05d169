"""Defects found when the register was tried as a new user would (issue 8), each pinned down.

[530] 4.0.8 審査・決裁, [550] 4.0.10 一括入力, [480] 4.0.3 異動日・処理日.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from jichitai.registry import events, selectors
from jichitai.registry.errors import DuplicateSuspected, RegistryError
from jichitai.registry.events import EventInput
from jichitai.registry.models import EventFact, Person, RegistryEvent
from jichitai.tenancy.context import activate

from .conftest import move_in_family, people, person_spec

pytestmark = pytest.mark.django_db
D = dt.date


def _move_in(office: Any, given: str = "次郎", family: str = "佐藤", **person: Any) -> dict[str, Any]:
    return {
        "household": {"new": {"address_id": office.address.pk, "banchi": "5番地"}},
        "persons": [person_spec("p1", family, given, "1990-03-03", "世帯主", **person)],
        "previous_address": "大阪府大阪市北区1番",
    }


def test_the_same_move_in_entered_twice_while_pending_is_warned_530(office) -> None:
    with activate(office.ctx()):
        first = events.submit_event("move_in", _move_in(office), effective_date=D(2024, 2, 1),
                                    reported_date=None, entered_by=office.clerk)
        with pytest.raises(DuplicateSuspected) as exc:
            events.submit_event("move_in", _move_in(office), effective_date=D(2024, 2, 1),
                                reported_date=None, entered_by=office.clerk)
        assert "決裁待ちの異動が既に 1 件あります" in exc.value.messages[0]
        # a variant spelling of the pending one is the same person too (異体字 fold: 髙 = 高)
        events.submit_event("move_in", _move_in(office, family="髙橋"), effective_date=D(2024, 2, 1),
                            reported_date=None, entered_by=office.clerk)
        with pytest.raises(DuplicateSuspected):
            events.submit_event("move_in", _move_in(office, family="高橋"), effective_date=D(2024, 2, 1),
                                reported_date=None, entered_by=office.clerk)
        events.reject_event(first.event.pk, approver=office.approver, reason="二重入力")
        # once the first is no longer pending, the warning goes away
        again = events.submit_event("move_in", _move_in(office), effective_date=D(2024, 2, 1),
                                    reported_date=None, entered_by=office.clerk)
        assert again.warnings == []


def test_pending_duplicates_are_counted_by_key_among_many_530(office, office_b) -> None:
    """The queue is asked for the wanted keys only (on PostgreSQL jsonb does the asking): other
    names and other dates are not counted, an entry stored before the keys were kept is still
    read from its request, and another municipality's queue is never counted."""
    with activate(office_b.ctx()):
        events.submit_event("move_in", _move_in(office_b), effective_date=D(2024, 2, 1),
                            reported_date=None, entered_by=office_b.clerk)
    with activate(office.ctx()):
        for given in ("一郎", "三郎", "四郎"):
            events.submit_event("move_in", _move_in(office, given=given), effective_date=D(2024, 2, 1),
                                reported_date=None, entered_by=office.clerk)
        # different birth date, same name: not the same person
        other_day = _move_in(office)
        other_day["persons"][0]["birth_date"] = "1991-03-03"
        events.submit_event("move_in", other_day, effective_date=D(2024, 2, 1),
                            reported_date=None, entered_by=office.clerk)
        out = events.submit_event("move_in", _move_in(office), effective_date=D(2024, 2, 1),
                                  reported_date=None, entered_by=office.clerk)
        assert out.warnings == []  # B's identical entry and the near misses do not count
        # an entry kept before the keys were stored on it: counted from its request
        legacy = RegistryEvent.objects.get(pk=out.event.pk)
        legacy.touches = {k: v for k, v in legacy.touches.items() if k != "duplicate_keys"}
        legacy.save(update_fields=["touches"])
        with pytest.raises(DuplicateSuspected) as exc:
            events.submit_event("move_in", _move_in(office), effective_date=D(2024, 2, 1),
                                reported_date=None, entered_by=office.clerk)
        assert "決裁待ちの異動が既に 1 件あります" in exc.value.messages[0]
        with pytest.raises(DuplicateSuspected) as exc:
            events.submit_event("move_in", _move_in(office, given="三郎"), effective_date=D(2024, 2, 1),
                                reported_date=None, entered_by=office.clerk)
        assert "決裁待ちの異動が既に 1 件あります" in exc.value.messages[0]


def test_the_same_move_in_twice_in_one_batch_is_warned_550(office) -> None:
    with activate(office.ctx()):
        out = events.submit_events([EventInput("move_in", _move_in(office), D(2024, 2, 1)),
                                    EventInput("move_in", _move_in(office), D(2024, 2, 1))],
                                   entered_by=office.clerk)
        assert not isinstance(out[0], RegistryError)
        assert isinstance(out[1], DuplicateSuspected)


def test_an_over_long_name_is_refused_at_entry_with_its_message(office) -> None:
    with activate(office.ctx()):
        with pytest.raises(RegistryError) as exc:
            events.submit_event("move_in", _move_in(office, family="長" * 101), effective_date=D(2024, 2, 1),
                                reported_date=None, entered_by=office.clerk)
        found = {v.field: (v.rule, v.message) for v in exc.value.violations}
        assert found["persons.0.family_name"] == ("too_long", "異動者1の氏は100文字以内で入力してください。")
        # every over-long item at once (the spec's 筆頭者 repeats the name)
        assert found["persons.0.hittousha"][0] == "too_long"
        assert not RegistryEvent.objects.exists()


def _failing_trigger() -> tuple[list[str], list[str]]:
    """A database that refuses one person's row (the kind of failure no rule foresees)."""
    if connection.vendor == "postgresql":
        return [
            "CREATE FUNCTION test_refuse_person() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.family_name = '拒否試験' THEN RAISE EXCEPTION 'refused by the test trigger'; END IF; "
            "RETURN NEW; END $$",
            "CREATE TRIGGER test_refuse_person BEFORE INSERT ON registry_person "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_person()",
        ], ["DROP TRIGGER test_refuse_person ON registry_person", "DROP FUNCTION test_refuse_person()"]
    return [
        "CREATE TRIGGER test_refuse_person BEFORE INSERT ON registry_person "
        "WHEN NEW.family_name = '拒否試験' BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END",
    ], ["DROP TRIGGER test_refuse_person"]


def test_a_database_error_in_a_batch_refuses_only_its_event_550(office) -> None:
    from tests.db_roles import owner_cursor

    create, drop = _failing_trigger()
    with owner_cursor() as cur:  # DDL is the owner's; the register runs as the runtime role
        for statement in create:
            cur.execute(statement)
    try:
        with activate(office.ctx()):
            subs = [events.submit_event("move_in", _move_in(office, family=f, given=g), effective_date=D(2024, 2, 1),
                                        reported_date=None, entered_by=office.clerk, confirm_duplicates=True)
                    for f, g in (("佐藤", "一"), ("拒否試験", "二"), ("鈴木", "三"))]
        with activate(office.ctx(office.approver)):
            result = events.approve_events([s.event.pk for s in subs], approver=office.approver)
            assert [e.pk for e in result.approved] == [subs[0].event.pk, subs[2].event.pk]
            (refusal,) = result.refused[subs[1].event.pk].violations
            assert refusal.rule == "database" and "書き込めませんでした" in refusal.message
            assert sorted(p.family_name for p in people()) == ["佐藤", "鈴木"]
            assert RegistryEvent.objects.get(pk=subs[1].event.pk).status == "provisional"
            assert not EventFact.objects.filter(event_id=subs[1].event.pk).exists()
            # the others are whole: their projections equal the replay of the log
            state = selectors.replay_all()
            for p in Person.objects.without_read_log("test"):
                assert state[("person", p.pk)]["family_name"] == p.family_name
    finally:
        with owner_cursor() as cur:
            for statement in drop:
                cur.execute(statement)


def test_processing_time_is_shown_in_tokyo_time_480(office) -> None:
    from jichitai.web.registry.display import timeline

    with activate(office.ctx()):
        event = move_in_family(office)
        # approved at 00:10 in Tokyo: 15:10 UTC the day before
        at = dt.datetime(2024, 4, 1, 0, 10, tzinfo=dt.timezone(dt.timedelta(hours=9)))
        RegistryEvent.objects.filter(pk=event.pk).update(processed_at=at)
        (snap,) = selectors.history(people()[0].pk)
        assert snap["processed_at"].startswith("2024-04-01T00:10")
        assert timezone.localtime(at).date() == D(2024, 4, 1)
        (entry,) = timeline([snap], my_number_shown=False)
        assert entry.processed_at.startswith("2024-04-01")
