"""History snapshots in the standard's full-row shape ([200] 1.2.1 #2), with the history items of
each 異動 ([200] 1.2.1 #1).

One row per approved 異動 that touches the person: an event with facts about the person, or one
that changed the address, 世帯番号 or 世帯主 of the household the person belonged to then (a 転居
of the whole household writes household facts). A member joining the household gives the others no
row (the standard's 青木 example). Each row holds every item of the person's 住民票 and the
household's common items (世帯番号, 住所, 方書, 世帯主), keyed (宛名番号, 履歴番号 1..n); the last
row is the person's current record. Computed from the event log, never stored, so a late report or
a 取消 renumbers as the register then reads.

Read through the register's rules: the person's read is logged; a person under 支援措置 is refused
to staff without need-to-know; an address of a household with a protected current member is hidden,
and a protected 世帯主 is masked; 個人番号 only when asked by staff who may see it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from .. import reasons
from ..conventions import HOUSEHOLD_FIELDS, ITEM_DEFAULTS, PERSON_FIELDS, full_name
from ..errors import violation
from ..facts import facts_for
from ..models import EventFact, Person, PersonStatus, RegistryEvent
from ..move_notes import unreported_remark
from ..records_models import EventEntry, EventRemark, Reissue
from ..replay import Fact, canonical_order
from . import access
from .addresses import HIDDEN, household_address

# Household items that are items of every member's row ("世帯ごとに共通のデータも個人ごとに保持する").
COMMON_FIELDS = ("household_no", "address_id", "banchi", "katagaki", "head_id")
Key = tuple[str, int]  # (異動日, 本登録順): one approved event


@dataclass(frozen=True)
class Snapshot:
    atena_no: str
    history_no: int
    row: dict[str, Any]  # every item of the 住民票 as of this 異動
    event_id: int | None
    reason: str  # 異動事由 (the standard's 事由, [210])
    division: str  # 記載 / 消除 / 修正
    effective_date: str  # 異動日
    processed_at: str  # 処理日 (Asia/Tokyo)
    reported_date: str | None  # 届出日
    offered_on: str | None = None  # 申出日
    notified_on: str | None = None  # 通知日
    requested_on: str | None = None  # 請求日
    input_place: str = ""
    input_terminal: str = ""
    remarks: tuple[str, ...] = ()  # 留意事項 tied to this 異動
    changed: tuple[str, ...] = ()
    reissued: bool = False  # before a 改製: part of the 改製原住民票 (除票)


@dataclass(frozen=True)
class Snapshots:
    person_id: int
    rows: list[Snapshot] = field(default_factory=list)
    masked: bool = False
    refusal: str = ""


def _walk(person_id: int) -> tuple[list[tuple[Key, dict[str, Any], dict[str, Any], set[str]]], set[int]]:
    """(event key, person row after it, common row after it, changed items) per row, oldest
    first; and the households the person belonged to."""
    pfacts = facts_for("person", [person_id]).get(person_id, [])
    hids = sorted({int(f.after) for f in pfacts if f.field == "household_id" and f.after is not None})
    hfacts = [f for fs in facts_for("household", hids).values() for f in fs if f.field in COMMON_FIELDS]
    person: dict[str, Any] = {}
    households: dict[int, dict[str, Any]] = {}
    out: list[tuple[Key, dict[str, Any], dict[str, Any], set[str]]] = []
    merged = sorted(pfacts + hfacts, key=lambda f: (*canonical_order(f), f.entity))
    by_key: dict[Key, list[Fact]] = {}
    for f in merged:
        by_key.setdefault((f.effective_date, f.approval_seq), []).append(f)
    for key_, facts in by_key.items():
        was_in = person.get("household_id")
        own: set[str] = set()
        for f in facts:
            if f.entity == "person":
                person[f.field] = f.after
                own.add(f.field)
            else:
                households.setdefault(f.entity_id, {})[f.field] = f.after
        hid = person.get("household_id")
        common_changed = {f.field for f in facts if f.entity == "household" and f.entity_id in (hid, was_in)}
        if not own and (not common_changed or person.get("status") != PersonStatus.RESIDENT):
            continue
        if person.get("status") in (None, PersonStatus.VOID):
            continue
        # items a creation states only when given read as their defaults, as the projection does
        out.append((key_, {**ITEM_DEFAULTS, **person},
                    dict(households.get(hid, {})) if hid else {}, own | common_changed))
    return out, set(hids)


def _head_names(head_ids: Iterable[int], keys: Iterable[Key]) -> dict[tuple[int, Key], str]:
    """The 世帯主's name as of each row (folded from the head's own facts)."""
    facts = facts_for("person", sorted(set(head_ids)))
    out: dict[tuple[int, Key], str] = {}
    for hid, fs in facts.items():
        ordered = sorted(fs, key=canonical_order)
        for key_ in keys:
            row: dict[str, Any] = {}
            for f in ordered:
                if (f.effective_date, f.approval_seq) > key_:
                    break
                row[f.field] = f.after
            out[(hid, key_)] = full_name(row)
    return out


def _event_info(seqs: list[int], person_id: int) -> tuple[dict[int, RegistryEvent], dict[int, EventEntry],
                                                          dict[int, list[str]]]:
    events = {e.approval_seq: e for e in RegistryEvent.objects.filter(approval_seq__in=seqs).select_related("target")}
    ids = [e.pk for e in events.values()]
    entries = {e.event_id: e for e in EventEntry.objects.filter(event_id__in=ids).select_related("place", "terminal")}
    remarks: dict[int, list[str]] = {}
    # only this person's 留意事項: a 異動 of several persons has one per person
    for eid, text in (EventRemark.objects.filter(event_id__in=ids, person_id=person_id).order_by("pk")
                      .values_list("event_id", "text")):
        remarks.setdefault(eid, []).append(text)
    for e in events.values():  # [620]#1: a 未届転入's 留意事項 comes with the 異動 itself
        derived = unreported_remark(e.kind, e.request)
        if derived:
            remarks.setdefault(e.pk, []).insert(0, derived)
    return events, entries, remarks


def reason_of(event: RegistryEvent, before: Mapping[str, Any], resident_type: str) -> reasons.Reason:
    request = event.request or {}
    target = event.target
    changed = None
    if event.kind == "ex_officio_correction":
        changed = {f: (before.get(f), v) for f, v in (request.get("changes") or {}).items()}
    return reasons.classify(
        event.kind, sub_reason=str(request.get("reason") or request.get("action") or ""), resident_type=resident_type,
        target_kind=target.kind if target is not None else "",
        target_sub_reason=str((target.request or {}).get("reason") or "") if target is not None else "",
        changed=changed,
    )


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def build(person_id: int, *, hidden: frozenset[int] = frozenset(), masked_heads: frozenset[int] = frozenset(),
          my_number: bool = False, walked: list[Any] | None = None) -> list[Snapshot]:
    """The rows, without access checks (the callers below decide ``hidden`` and ``masked_heads``)."""
    walked = _walk(person_id)[0] if walked is None else walked
    if not walked:
        return []
    events, entries, remarks = _event_info([k[1] for k, *_ in walked], person_id)
    heads = _head_names({int(c["head_id"]) for _, _, c, _ in walked if c.get("head_id")}, [k for k, *_ in walked])
    reissued = {r.last_history_no: r for r in Reissue.objects.filter(person_id=person_id).order_by("pk")}
    rows: list[Snapshot] = []
    before: dict[str, Any] = {}
    for n, (key_, prow, common, changed) in enumerate(walked, start=1):
        ev = events.get(key_[1])
        row = _row(prow, common, heads.get((common.get("head_id"), key_), ""), hidden=hidden,
                   masked_heads=masked_heads, my_number=my_number)
        reason = reason_of(ev, before, str(prow.get("resident_type") or "")) if ev else None
        entry = entries.get(ev.pk) if ev else None
        rows.append(Snapshot(
            atena_no=str(prow.get("atena_no") or ""), history_no=len(rows) + 1, row=row,
            event_id=ev.pk if ev else None, reason=reason.label if reason else "",
            division=reason.division if reason else "",
            effective_date=key_[0], reported_date=_iso(ev.reported_date) if ev else None,
            processed_at=timezone.localtime(ev.processed_at).isoformat() if ev else "",
            offered_on=_iso(entry.offered_on) if entry else None,
            notified_on=_iso(entry.notified_on) if entry else None,
            requested_on=_iso(entry.requested_on) if entry else None,
            input_place=entry.place.name if entry and entry.place else "",
            input_terminal=entry.terminal.name if entry and entry.terminal else "",
            remarks=tuple(remarks.get(ev.pk, [])) if ev else (), changed=tuple(sorted(changed)),
        ))
        before = prow
        if n in reissued:  # 改製: the rows so far are the 改製原住民票; the new 原票 starts with a 改製 row
            rows = [dataclasses.replace(r, reissued=True) for r in rows]
            r = reissued[n]
            rows.append(dataclasses.replace(
                rows[-1], history_no=len(rows) + 1, event_id=None, reason="改製", division=reasons.ENTRY,
                effective_date=r.reissued_on.isoformat(), reported_date=None,
                processed_at=timezone.localtime(r.created_at).isoformat(), offered_on=None, notified_on=None,
                requested_on=None, input_place="", input_terminal="", remarks=(), changed=(), reissued=False))
    return rows


def event_rows(person_id: int) -> int:
    """How many 異動 rows the person's history has (a 改製 is recorded after that many)."""
    return len(_walk(person_id)[0])


def _row(prow: Mapping[str, Any], common: Mapping[str, Any], head_name: str, *, hidden: frozenset[int],
         masked_heads: frozenset[int], my_number: bool) -> dict[str, Any]:
    hid = prow.get("household_id")
    row = {f: prow.get(f) for f in PERSON_FIELDS}
    if not my_number:
        row["my_number"] = None
    row.update({f: common.get(f) for f in COMMON_FIELDS})
    head = common.get("head_id")
    row["head_name"] = access.MASK if head in masked_heads else head_name if head else ""
    address = household_address({f: common.get(f) for f in HOUSEHOLD_FIELDS}) if common else ""
    row["address"] = HIDDEN if hid in hidden else address
    if hid in hidden:
        row.update(address_id=None, banchi=HIDDEN, katagaki=HIDDEN)
    return row


def snapshots(person_id: int, *, staff: Any, screen: str = "異動履歴", show_my_number: bool = False) -> Snapshots:
    """[200] the person's history rows as ``staff`` may see them; the read is logged."""
    if show_my_number and not access.may_see_my_number(staff):
        raise violation("my_number_role", "個人番号を表示する権限がありません。", "my_number")
    measure = access.active_measure(person_id)
    if measure is not None and not access.need_to_know(staff):
        if not Person.objects.without_read_log("支援措置の確認（表示なし）").filter(pk=person_id).exclude(
                status=PersonStatus.VOID).exists():
            raise violation("not_found", "住民が見つかりません。", "person_id")
        access.alert_access(person_id, screen=screen, function="snapshots", detail={"masked": True})
        return Snapshots(person_id, masked=True, refusal=access.REFUSED)
    found = Person.objects.for_read(screen=screen, function="snapshots", my_number_shown=show_my_number).filter(
        pk=person_id).exclude(status=PersonStatus.VOID).first()
    if found is None:
        raise violation("not_found", "住民が見つかりません。", "person_id")
    if measure is not None:
        access.alert_access(person_id, screen=screen, function="snapshots", detail={"masked": False})
    walked, hids = _walk(person_id)
    heads = set(EventFact.objects.filter(entity="household", entity_id__in=sorted(hids), field="head_id")
                .exclude(after=None).values_list("after", flat=True))
    masked_heads, hidden = access.decide({int(h) for h in heads} - {person_id}, hids, staff=staff, screen=screen,
                                         function="snapshots")
    return Snapshots(person_id, build(person_id, hidden=hidden, masked_heads=masked_heads,
                                      my_number=show_my_number, walked=walked))
