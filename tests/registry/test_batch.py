"""一括入力 (submit_events) and 一括決裁 (approve_events).

The batch functions must give exactly what submitting / approving the same events one by one, in
the same order, gives: the property test below runs random batches (many of them touching the same
households) both ways inside one transaction and compares refusals and the resulting register.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jichitai.audit.models import AuditEntry
from jichitai.registry import conventions, events, rules, selectors
from jichitai.registry.conventions import PERSON_FIELDS
from jichitai.registry.errors import RegistryError
from jichitai.registry.events import EventInput
from jichitai.registry.models import EventFact, Household, Person, RegistryEvent
from jichitai.tenancy.context import activate

from .conftest import move_in_family, numbered, people, person_spec

D = dt.date
START = D(2020, 4, 1)
pytestmark = pytest.mark.django_db


def _family_request(office: Any, n: int, my_number: str = "") -> dict[str, Any]:
    extra = {"my_number": my_number} if my_number else {}
    return {
        "household": {"new": {"address_id": office.address2.pk, "banchi": f"{n}番"}},
        "persons": [person_spec("p1", "佐藤", "新" + numbered(n), "1990-01-01", "世帯主", **extra)],
        "previous_address": "東京都千代田区千代田1番1号",
    }


def _request(office: Any, kind: str, n: int) -> tuple[str, dict[str, Any]] | None:
    """One event against the register as it is now (some will clash with each other)."""
    fam = [p for p in people() if p.status == "resident"]
    by_household: dict[int, list[Any]] = {}
    for p in fam:
        by_household.setdefault(p.household_id, []).append(p)
    households = sorted(by_household)
    hid = households[n % len(households)]
    members = by_household[hid]
    head = next(p for p in members if p.relationship == "世帯主")
    others = [p for p in members if p.pk != head.pk]
    if kind == "name":
        return "name_change", {"person_id": members[n % len(members)].pk, "family_name": "齋藤"}
    if kind == "move":
        return "move_within", {"person_ids": [p.pk for p in members],
                               "address": {"address_id": office.address2.pk, "banchi": f"{n}番地"}}
    if kind == "birth":
        return "birth", {"household_id": hid, "person": person_spec(f"c{n}", head.family_name, "子" + numbered(n),
                                                                      "2000-01-01", "子")}
    if kind == "head" and others:
        return "head_change", {"household_id": hid, "new_head_id": others[0].pk,
                               "relationships": {str(head.pk): "同居人"}}
    if kind == "split" and others:
        return "household_split", {"person_ids": [others[-1].pk]}
    if kind == "death" and others:
        return "death", {"person_id": others[-1].pk}
    if kind == "move_in":
        # n % 3 == 0 reuses one 個人番号: the later of two such events must be refused
        return "move_in", _family_request(office, n, "123456789018" if n % 3 == 0 else "")
    return None


def _state() -> list[tuple[Any, ...]]:
    """The register without ids, numbers or versions (a batch may number in another order)."""
    rows = []
    for p in Person.objects.for_read(screen="テスト").select_related("household__head").order_by("pk"):
        h = p.household
        rows.append((
            p.family_name, p.given_name, p.birth_date, p.status, p.relationship, p.removed_on,
            p.my_number, p.name_key,
            (h.address_id, h.banchi, h.active, h.head.given_name if h.head else None) if h else None,
        ))
    return sorted(rows, key=repr)


def _approve_one_by_one(ids: list[int], approver: Any) -> dict[int, str]:
    refused = {}
    for pk in ids:
        try:
            events.approve_event(pk, approver=approver)
        except RegistryError as exc:
            refused[pk] = exc.violations[0].rule
    return refused


kinds = st.sampled_from(["name", "move", "birth", "head", "split", "death", "move_in"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(kinds, st.integers(min_value=0, max_value=50)), min_size=1, max_size=9))
def test_batch_approval_equals_approving_one_by_one(office: Any, steps: list[tuple[str, int]]) -> None:
    with transaction.atomic(), activate(office.ctx()):
        move_in_family(office, START)
        move_in_family(office, START, family="渡邉")
        items = []
        for n, (kind, k) in enumerate(steps):
            made = _request(office, kind, k * 10 + n)
            if made is not None:
                items.append(EventInput(made[0], made[1], START + dt.timedelta(days=10 + n)))
        outcomes = events.submit_events(items, entered_by=office.clerk, confirm_duplicates=True)
        ids = [o.event.pk for o in outcomes if not isinstance(o, RegistryError)]
        before = transaction.savepoint()
        one_by_one = _approve_one_by_one(ids, office.approver)
        expected = _state()
        transaction.savepoint_rollback(before)
        result = events.approve_events(ids, approver=office.approver)
        assert {pk: exc.violations[0].rule for pk, exc in result.refused.items()} == one_by_one
        assert _state() == expected
        assert len(result.approved) == len(ids) - len(one_by_one)
        # the projections are still the replay of the log, field by field
        far = D(2100, 1, 1)
        for p in Person.objects.for_read(screen="テスト").all():
            got = selectors.as_of(p.pk, far)
            assert got is not None
            assert {f: got.get(f) for f in PERSON_FIELDS} == {f: conventions.iso(getattr(p, f)) for f in PERSON_FIELDS}
        replayed = selectors.replay_all()
        for h in Household.objects.all():
            row = replayed[("household", h.pk)]
            assert (row.get("head_id"), row.get("banchi"), bool(row.get("active"))) == (h.head_id, h.banchi, h.active)
        transaction.set_rollback(True)


def test_batch_approval_is_audited_per_event_and_numbers_are_gapless(office) -> None:
    with activate(office.ctx()):
        move_in_family(office, START)
        items = [EventInput("move_in", _family_request(office, n), START + dt.timedelta(days=5)) for n in range(5)]
        ids = [o.event.pk for o in events.submit_events(items, entered_by=office.clerk)]
        submitted = AuditEntry.objects.filter(action="registry.event.submitted", subject_id__in=[str(i) for i in ids])
        assert submitted.count() == 5
    with activate(office.ctx(office.approver)):
        result = events.approve_events(ids, approver=office.approver)
        assert [e.pk for e in result.approved] == ids and not result.refused
        seqs = sorted(RegistryEvent.objects.filter(pk__in=ids).values_list("approval_seq", flat=True))
        assert seqs == list(range(seqs[0], seqs[0] + 5))
        approved = AuditEntry.objects.filter(action="registry.event.approved", subject_id__in=[str(i) for i in ids])
        assert approved.count() == 5 and all(e.staff_id == office.approver.pk for e in approved)
        atena = sorted(Person.objects.for_read(screen="テスト").filter(given_name__startswith="新")
                       .values_list("atena_no", flat=True))
        # gapless in the sequence part; the last digit is the [130]#2 check digit
        assert [int(a[:-1]) for a in atena] == list(range(int(atena[0][:-1]), int(atena[0][:-1]) + 5))
        assert EventFact.objects.filter(event_id__in=ids).values("event_id").distinct().count() == 5


def test_one_refused_event_does_not_stop_the_others(office) -> None:
    from jichitai.accounts.models import RoleGrant, Staff

    with activate(office.ctx()):
        move_in_family(office, START)
        head, wife, child = people()
        good = events.submit_event("name_change", {"person_id": wife.pk, "family_name": "高橋"},
                                     effective_date=START + dt.timedelta(days=3), reported_date=None,
                                     entered_by=office.clerk).event
        own = events.submit_event("name_change", {"person_id": child.pk, "family_name": "高橋"},
                                    effective_date=START + dt.timedelta(days=3), reported_date=None,
                                    entered_by=office.approver).event
        other = Staff.objects.create(username="clerk-a2", display_name="窓口 次郎")
        RoleGrant.objects.create(staff=other, municipality=office.municipality, role="clerk")
    with activate(office.ctx(office.approver)):
        result = events.approve_events([own.pk, 999_999, good.pk], approver=office.approver)
        assert [e.pk for e in result.approved] == [good.pk]
        assert result.refused[own.pk].violations[0].rule == "same_person"
        assert result.refused[999_999].violations[0].rule == "not_found"
        again = events.approve_events([good.pk], approver=office.approver)
        assert again.refused[good.pk].violations[0].rule == "not_provisional"
        assert Person.objects.for_read(screen="テスト").get(pk=wife.pk).family_name == "高橋"
        assert Person.objects.for_read(screen="テスト").get(pk=child.pk).family_name == "髙橋"
    with activate(office.ctx(other)), pytest.raises(RegistryError) as exc:
        events.approve_events([own.pk], approver=other)
    assert exc.value.violations[0].rule == "not_approver"


def test_batch_approval_refuses_protected_persons_without_need_to_know(office) -> None:
    from jichitai.accounts.models import RoleGrant, Staff
    from jichitai.registry import support

    with activate(office.ctx()):
        move_in_family(office, START)
        head, wife, child = people()
        officer = Staff.objects.create(username="support-batch")
        RoleGrant.objects.create(staff=officer, municipality=office.municipality, role="support_measure")
        support.start_measure(wife.pk, start=rules_today(), reason="DV", against=[{"name": "加害 者"}],
                              staff=officer)
        RoleGrant.objects.create(staff=officer, municipality=office.municipality, role="clerk")
        # entry of a protected person's 異動 needs need-to-know too (the clerk is refused)
        with pytest.raises(RegistryError) as exc:
            events.submit_event("name_change", {"person_id": wife.pk, "family_name": "山﨑"},
                                effective_date=rules_today(), reported_date=None, entered_by=office.clerk)
        assert exc.value.violations[0].rule == "support_measure_entry"
        protected = events.submit_event("name_change", {"person_id": wife.pk, "family_name": "山﨑"},
                                        effective_date=rules_today(), reported_date=None,
                                        entered_by=officer).event
        plain = events.submit_events(
            [EventInput("move_in", _family_request(office, 1), rules_today())], entered_by=office.clerk
        )[0].event
    with activate(office.ctx(office.approver)):
        result = events.approve_events([protected.pk, plain.pk], approver=office.approver)
        assert [e.pk for e in result.approved] == [plain.pk]
        assert result.refused[protected.pk].violations[0].rule == "support_measure_approver"
        alerts = AuditEntry.objects.filter(category="alert", subject_id=str(wife.pk))
        assert alerts.exists()


def rules_today() -> dt.date:
    return rules.today()


def test_submit_batch_gives_each_item_its_own_outcome(office) -> None:
    with activate(office.ctx()):
        move_in_family(office, START)
        head, wife, child = people()
        day = START + dt.timedelta(days=1)
        items = [
            EventInput("name_change", {"person_id": wife.pk, "family_name": "高橋"}, day, idempotency_key="k1"),
            EventInput("name_change", {"person_id": head.pk}, day),  # no new name
            EventInput("death", {"person_id": child.pk}, rules_today() + dt.timedelta(days=3)),  # future
            EventInput("name_change", {"person_id": wife.pk, "family_name": "高橋"}, day, idempotency_key="k1"),
            EventInput("name_change", {"person_id": wife.pk, "family_name": "渡辺"}, day, idempotency_key="k1"),
            EventInput("move_in", {**_family_request(office, 2),
                                   "persons": [person_spec("p1", "髙橋", "一郎", "1980-05-01", "世帯主")]}, day),
            EventInput("no_such_kind", {}, day),
        ]
        out = events.submit_events(items, entered_by=office.clerk)
        assert isinstance(out[0], events.Submitted) and out[0].event.status == "provisional"
        assert [o.violations[0].rule for o in (out[1], out[2])] == ["required", "future_date"]
        assert out[3].event.pk == out[0].event.pk  # the same key twice: one event
        assert out[4].violations[0].rule == "idempotency_conflict"
        assert out[5].violations[0].rule == "duplicate_suspected"  # same name key + birth as 一郎
        assert out[6].violations[0].rule == "unknown_kind"
        assert RegistryEvent.objects.filter(status="provisional").count() == 1
        replay = events.submit_events(items[:1], entered_by=office.clerk)[0]
        assert replay.replayed and replay.event.pk == out[0].event.pk


def test_batch_cannot_reach_another_municipality(office, office_b) -> None:
    with activate(office_b.ctx()):
        move_in_family(office_b, START, family="北村")
        b_people = people()
        b_event = events.submit_event("name_change", {"person_id": b_people[0].pk, "family_name": "南村"},
                                        effective_date=START + dt.timedelta(days=1), reported_date=None,
                                        entered_by=office_b.clerk).event
    with activate(office.ctx()):
        out = events.submit_events(
            [EventInput("name_change", {"person_id": b_people[0].pk, "family_name": "東村"}, START),
             EventInput("birth", {"household_id": b_people[0].household_id,
                                  "person": person_spec("c", "北村", "子", "2020-01-01", "子")}, START)],
            entered_by=office.clerk,
        )
        assert [o.violations[0].rule for o in out] == ["not_found", "not_found"]
    with activate(office.ctx(office.approver)):
        result = events.approve_events([b_event.pk], approver=office.approver)
        assert result.refused[b_event.pk].violations[0].rule == "not_found" and not result.approved
    with activate(office_b.ctx()):
        assert RegistryEvent.objects.get(pk=b_event.pk).status == "provisional"
        assert Person.objects.for_read(screen="テスト").get(pk=b_people[0].pk).family_name == "北村"
