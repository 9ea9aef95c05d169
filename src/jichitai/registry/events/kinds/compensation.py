"""取消・訂正: compensating events. The original is never edited; a new event undoes or corrects
what it wrote, keeping its 異動日, refused when a later event changed the same item.

Standard: [980] 異動の取消し, [990] （申出による）異動の取消し, [860] 誤記修正.
Every row of the target event, and every row a 訂正 names, is part of what the event is about
(its footprint): 支援措置 masking and the need-to-know check see all of them.
"""

from __future__ import annotations

from typing import Any

from ... import rules
from ...conventions import HOUSEHOLD_FIELDS, NUMBER_FIELDS
from ...errors import violation
from ...models import EventFact, EventStatus, Household, PersonStatus, RegistryEvent
from .. import checks as _checks
from ..plan import Planner, row_dict
from ..requests import Cancellation, Correction
from . import register


def _target_facts(p: Planner, target_id: int, person_ids: frozenset[int] = frozenset()) -> list[EventFact]:
    target = RegistryEvent.objects.filter(pk=target_id).first()
    if target is None:
        raise violation("not_found", "取消・訂正の対象となる異動が見つかりません。", "target_event_id")
    if target.status != EventStatus.APPROVED:
        raise violation("not_approved", "本登録されていない異動は取消・訂正できません。", "target_event_id")
    facts = list(EventFact.objects.filter(event=target).order_by("id"))
    if person_ids:  # [980]#1: 一部 of the event's persons (and what of their households is theirs alone)
        facts = partial_facts(facts, person_ids)
    keys = {(f.entity, f.entity_id, f.field) for f in facts}
    later = EventFact.objects.filter(approval_seq__gt=target.approval_seq)
    for f in later.only("entity", "entity_id", "field"):
        if (f.entity, f.entity_id, f.field) in keys:
            raise violation(
                "later_event",
                "この異動の後に同じ項目を変更した異動があるため、取消・訂正できません。後の異動から処理してください。",
                "target_event_id",
            )
    for f in facts:
        p.mark_read(f.entity, f.entity_id)
    return facts


def partial_facts(facts: list[EventFact], person_ids: frozenset[int]) -> list[EventFact]:
    """The facts a cancellation of some of the event's persons undoes: theirs, and a household's
    when all of the event's persons in it are named, else only its reopening (``active``: a
    household the event emptied takes back those who return; [980]#5)."""
    persons = {int(f.entity_id) for f in facts if f.entity == "person"}
    if not person_ids <= persons:
        raise violation("not_in_event", "取り消す住民は対象の異動の異動者から選んでください。", "person_ids")
    homes: dict[int, set[int]] = {}  # household → the event's persons in it (before or after)
    for f in facts:
        if f.entity == "person" and f.field == "household_id":
            for hid in (f.before, f.after):
                if isinstance(hid, int):
                    homes.setdefault(hid, set()).add(int(f.entity_id))
    if not homes:  # nobody moved between households: the household of each is his row's
        from ...models import Person

        rows = Person.objects.without_read_log("取消の対象確認（画面表示なし）").filter(pk__in=persons)
        for pid, hid in rows.values_list("pk", "household_id"):
            homes.setdefault(hid, set()).add(pid)
    out = []
    for f in facts:
        if f.entity == "person":
            if int(f.entity_id) in person_ids:
                out.append(f)
        elif homes.get(int(f.entity_id), set()) <= person_ids or (f.field == "active" and f.before is True
                                                                   and homes.get(int(f.entity_id), set()) & person_ids):
            out.append(f)
    return out


def _load(p: Planner, entity: str, pk: int) -> None:
    if entity == "person":
        p.person(pk, must_be_resident=False)
        return
    obj = Household.objects.filter(pk=pk).first()
    if obj is not None and not obj.active:  # [980]#5: a household the event emptied reopens at its address
        p._take("household", obj.pk, row_dict(obj, HOUSEHOLD_FIELDS), obj.version)
    p.household(pk)


@register("cancellation", functions=("980", "990"), compensating=True)
def plan_cancellation(p: Planner, req: Cancellation, kind: str, checks: _checks.Checks) -> None:
    from .. import restore_archived

    target = RegistryEvent.objects.filter(pk=req.target_event_id, status=EventStatus.APPROVED).first()
    archived = restore_archived.archived_of(target, req) if target is not None else {}
    if req.restored and not archived:
        raise violation("not_archived", "この異動の住民は除票用データベースへ移行されていません。", "restored")
    # [980]#2: persons in the 除票用データベース come back from the data the clerk entered
    back = restore_archived.restore(p, req, archived) if archived else {}
    live = frozenset(req.person_ids) - set(archived)
    if req.person_ids and not live:
        facts: list[EventFact] = []
    else:
        facts = _target_facts(p, req.target_event_id, live)
    for f in reversed(facts):
        if f.field in NUMBER_FIELDS:
            continue  # numbers once given stay with the (voided) record
        table = p.persons if f.entity == "person" else p.households
        if f.entity_id not in table:
            _load(p, f.entity, f.entity_id)
        if f.entity == "person":  # the household he leaves keeps its head rule ([980]#1 一部)
            p.touched.append(table[f.entity_id].get("household_id"))
        before: Any = back.get(f.before, f.before) if f.field == "head_id" else f.before  # a restored head
        if f.entity == "person" and f.field == "status" and before is None:
            before = PersonStatus.VOID.value
        if f.entity == "household" and f.field == "active" and before is None:
            before = False
        p.set(f.entity, f.entity_id, f.field, before)
    p.plan.retire_first = True  # e.g. a 帰化's new record is voided before the old one is live again
    _touch_all(p)


@register("correction", functions=("860", "980"), compensating=True)
def plan_correction(p: Planner, req: Correction, kind: str, checks: _checks.Checks) -> None:
    allowed = {(f.entity, f.entity_id, f.field) for f in _target_facts(p, req.target_event_id)}
    for ch in req.changes:
        if (ch.entity, ch.entity_id, ch.field) not in allowed:
            raise violation("field_not_correctable", f"この異動で訂正できない項目です: {ch.field}", "changes")
        _load(p, ch.entity, ch.entity_id)
        p.set(ch.entity, ch.entity_id, ch.field, ch.normalized())
    for row in p.persons.values():
        rules.validate_person_row(row)
    _touch_all(p)


def _touch_all(p: Planner) -> None:
    p.touched += [r.get("household_id") for r in p.persons.values()]
    p.touched += list(p.households)
