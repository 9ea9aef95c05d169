"""世帯主変更依頼通知書・世帯主変更通知書 and their 対象者リスト, as data ([500] 4.0.5, [490] 4.0.4).

After a 異動 takes a household's head away ([490]), the clerk either names a head 職権 (or the one
member who remains becomes head): 世帯主変更通知書; or leaves the household without a head:
世帯主変更依頼通知書, listed on the 対象者リスト. Either goes to the remaining member written first on
the 住民票 as it read before the head was removed ([500]#2; the order of 5.2 [1010]).

Persons are read through the read layer only: the order is computed from the event log (never
shown), the names and the address come from ``selectors.household_detail`` with the 支援措置
masking, so a protected member's name, address or existence never reaches the document.
Rendering (printing) is the certificates engine's (issue 12).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .. import selectors
from ..conventions import HEAD
from ..errors import violation
from ..models import EventFact, EventKind, EventStatus, Household, RegistryEvent
from . import RegisterDocument, document

SCREEN = "世帯主変更依頼通知書"
FUNCTIONS = ("500", "490")
REQUEST_TITLE = "世帯主変更依頼通知書"
NOTICE_TITLE = "世帯主変更通知書"
LIST_TITLE = "世帯主変更依頼通知書 対象者リスト"
# 住民基本台帳法第25条: a 世帯主変更 is reported within 14 days
REQUEST_TEXT = (
    "世帯主が世帯からいなくなり、現在この世帯には世帯主がいません。"
    "世帯主を定めて、14日以内に世帯主変更届を提出してください。"
)
NOTICE_TEXT = "世帯主が世帯からいなくなったため、職権により世帯主を定めました。"

# 5.2 [1010] 第1〜第4順位, read coarsely: rank by 続柄, then 生年月日, then 宛名番号
_RANKS: tuple[tuple[str, ...], ...] = (
    (HEAD,),
    ("妻", "夫", "妻（未届）", "夫（未届）"),
    ("子", "子（子の夫）", "子（子の妻）"),
    ("子の妻", "子の夫", "子の妻（未届）", "子の夫（未届）"),
    ("子の子",),
    ("父", "母"),
    ("兄", "姉", "弟", "妹"),
    ("父の父", "父の母", "母の父", "母の母"),
)
_KIN_OUTSIDE, _COHABITANT = "縁故者", "同居人"


def order_key(member: Mapping[str, Any]) -> tuple[Any, ...]:
    """Where a member is written in the household (5.2): by 続柄 rank, then birth, then 宛名番号."""
    rel = str(member.get("relationship") or "")
    rank = next((i for i, rels in enumerate(_RANKS) if rel in rels), None)
    if rank is None:
        rank = {_KIN_OUTSIDE: len(_RANKS) + 1, _COHABITANT: len(_RANKS) + 2}.get(rel, len(_RANKS))
    order = str(member.get("member_order") or "")
    return (
        int(order) if order.isdigit() else 1000,
        rank,
        str(member.get("birth_date") or "9999"),
        str(member.get("atena_no") or ""),
        member.get("person_id") or 0,
    )


def _approved(event_id: int) -> RegistryEvent:
    event: RegistryEvent | None = RegistryEvent.objects.filter(
        pk=event_id, status=EventStatus.APPROVED
    ).first()
    if event is None:
        raise violation(
            "not_found", f"本登録された異動（受付番号 {event_id}）が見つかりません。", "event_id"
        )
    return event


def _head_facts(event: RegistryEvent) -> list[EventFact]:
    return list(EventFact.objects.filter(event_id=event.pk, entity="household", field="head_id"))


def heads_removed(event: RegistryEvent) -> dict[int, int]:
    """The households whose head the 異動 took away (he is no longer among their members; a
    世帯主変更 whose former head stays is not one): household id -> the former head's id."""
    out = {}
    for f in _head_facts(event):
        if not isinstance(f.before, int):
            continue
        after = selectors.household_as_of(int(f.entity_id), event.effective_date)
        if after is None or f.before not in {m["person_id"] for m in after["members"]}:
            out[int(f.entity_id)] = int(f.before)
    return out


def heads_given(event: RegistryEvent) -> list[int]:
    """[500]#1: households without a head given one 職権 by this 世帯主変更 (no 届出日)."""
    if event.kind != EventKind.HEAD_CHANGE or event.reported_date is not None:
        return []
    return [
        int(f.entity_id)
        for f in _head_facts(event)
        if f.before is None and isinstance(f.after, int)
    ]


def _removal_before(household_id: int, event: RegistryEvent) -> RegistryEvent:
    """The 異動 that left the household without a head before ``event`` gave it one."""
    for fact in (
        EventFact.objects.filter(entity="household", entity_id=household_id, field="head_id")
        .exclude(event_id=event.pk)
        .order_by("-effective_date", "-approval_seq")
        .select_related("event")
    ):
        if fact.after is None and isinstance(fact.before, int):
            removal: RegistryEvent = fact.event
            return removal
    raise violation("not_headless", "世帯主がいなくなった世帯ではありません。", "household_id")


def _name(detail: selectors.HouseholdDetail, pid: int | None) -> str:
    """A member's name as staff may see it (a protected member is the mask)."""
    if pid is None:
        return ""
    shown = {m.id: m.name for m in detail.members if not m.masked}
    return shown.get(pid, selectors.MASK)


def _content(
    event: RegistryEvent, household_id: int, *, staff: Any, until: dt.date | None = None
) -> dict[str, Any]:
    """What both notices say: the household before the head left (masked), who it goes to;
    ``until``: the day a later 世帯主変更 gave it a head (else the 異動's own day)."""
    former_head = heads_removed(event).get(household_id)
    if former_head is None:
        raise violation(
            "not_headless", "この異動で世帯主がいなくなった世帯ではありません。", "household_id"
        )
    day_before = event.effective_date - dt.timedelta(days=1)
    before = selectors.household_as_of(household_id, day_before) or {"members": []}
    after = selectors.household_as_of(household_id, until or event.effective_date)
    if after is None:
        raise violation("not_headless", "世帯員が残っていない世帯です。", "household_id")
    remaining = {m["person_id"] for m in after["members"]}
    ordered = [
        m["person_id"]
        for m in sorted(before["members"], key=order_key)
        if m["person_id"] in remaining
    ]
    ordered += sorted(remaining - set(ordered))  # a member who joined that day goes last
    now = selectors.household_detail(
        household_id, staff=staff, screen=SCREEN, as_of=until or event.effective_date
    )
    # the household as it stood before (a household made that same day: as it is after)
    shown = (
        selectors.household_detail(household_id, staff=staff, screen=SCREEN, as_of=day_before)
        if before["members"]
        else now
    )
    names = {pid: _name(now, pid) for pid in ordered}
    visible = tuple(pid for pid in ordered if names[pid] != selectors.MASK)
    return {
        "household_no": shown.household_no,
        "address": shown.address,
        "addressee": ordered[0],
        "names": names,
        "visible": visible,
        "former_head": _name(shown, former_head),
        "new_head": after.get("head_id"),
        "hidden": shown.address_hidden or now.address_hidden,
    }


def _fields(event: RegistryEvent, c: dict[str, Any], text: str) -> dict[str, Any]:
    from jichitai.wareki import format_date

    return {
        "宛先": c["names"][c["addressee"]],
        "住所": selectors.HIDDEN if c["hidden"] else c["address"],
        "世帯番号": c["household_no"],
        "前世帯主": c["former_head"],
        "異動事由": EventKind(event.kind).label,
        "異動日": format_date(event.effective_date),
        "本文": text,
    }


def _municipality_code() -> str:
    from jichitai.tenancy.context import current
    from jichitai.tenancy.models import Municipality

    return str(
        Municipality.objects.filter(pk=current().municipality_id)
        .values_list("code", flat=True)
        .first()
        or ""
    )


def _made_on() -> dt.date:
    from ..rules import today

    return today()


@document("head_change_request", title=REQUEST_TITLE, functions=FUNCTIONS)
def head_change_request(*, staff: Any, event_id: int, household_id: int) -> RegisterDocument:
    """世帯主変更依頼通知書 ([500]#1): the household the 異動 left without a head."""
    event = _approved(event_id)
    c = _content(event, household_id, staff=staff)
    if c["new_head"] is not None:
        raise violation(
            "has_head",
            "世帯主が定められた世帯です（世帯主変更通知書を出力してください）。",
            "household_id",
        )
    fields = _fields(event, c, REQUEST_TEXT)
    fields["世帯員"] = [c["names"][pid] for pid in c["names"]]
    return RegisterDocument(
        "head_change_request",
        REQUEST_TITLE,
        FUNCTIONS,
        _municipality_code(),
        _made_on(),
        c["visible"],
        fields,
    )


@document("head_change_notice", title=NOTICE_TITLE, functions=FUNCTIONS)
def head_change_notice(*, staff: Any, event_id: int, household_id: int) -> RegisterDocument:
    """世帯主変更通知書 ([490]#1, [500]#1): the head the 異動 named 職権 (or the one who remained)."""
    event = _approved(event_id)
    if household_id in heads_given(event):  # a 職権 世帯主変更 of a household left without one
        c = _content(
            _removal_before(household_id, event),
            household_id,
            staff=staff,
            until=event.effective_date,
        )
    else:
        c = _content(event, household_id, staff=staff)
    if c["new_head"] is None:
        raise violation(
            "headless",
            "世帯主がいない世帯です（世帯主変更依頼通知書を出力してください）。",
            "household_id",
        )
    fields = _fields(event, c, NOTICE_TEXT)
    fields["新しい世帯主"] = c["names"].get(c["new_head"], selectors.MASK)
    return RegisterDocument(
        "head_change_notice",
        NOTICE_TITLE,
        FUNCTIONS,
        _municipality_code(),
        _made_on(),
        c["visible"],
        fields,
    )


def for_event(event_id: int, *, staff: Any) -> list[RegisterDocument]:
    """[490]#4: right after the 異動, the notice for each household it took the head from."""
    from . import build

    event = _approved(event_id)
    out = [
        build("head_change_notice", staff=staff, event_id=event.pk, household_id=hid)
        for hid in heads_given(event)
    ]
    for hid in sorted(heads_removed(event)):
        after = selectors.household_as_of(hid, event.effective_date)
        if after is None:  # nobody remains: no household to write to
            continue
        kind = "head_change_request" if after.get("head_id") is None else "head_change_notice"
        out.append(build(kind, staff=staff, event_id=event.pk, household_id=hid))
    return out


@document("head_change_request_list", title=LIST_TITLE, functions=("500",))
def head_change_request_list(*, staff: Any) -> RegisterDocument:
    """対象者リスト ([500]#1): every household now without a head, with whom its request goes to."""
    rows: list[dict[str, Any]] = []
    people: list[int] = []
    for hid in (
        Household.objects.filter(active=True, head_id__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        event = _last_head_removal(hid)
        if event is None:
            continue
        c = _content(event, hid, staff=staff)
        people += c["visible"]
        rows.append(
            {
                "世帯番号": c["household_no"],
                "住所": selectors.HIDDEN if c["hidden"] else c["address"],
                "宛先": c["names"][c["addressee"]],
                "前世帯主": c["former_head"],
                "異動事由": EventKind(event.kind).label,
                "異動日": _fields(event, c, "")["異動日"],
                "世帯員数": len(c["names"]),
            }
        )
    return RegisterDocument(
        "head_change_request_list",
        LIST_TITLE,
        ("500",),
        _municipality_code(),
        _made_on(),
        tuple(people),
        {"件数": len(rows)},
        tuple(rows),
    )


def _last_head_removal(household_id: int) -> RegistryEvent | None:
    """The 異動 that left the household without its head (its latest change of head)."""
    fact = (
        EventFact.objects.filter(entity="household", entity_id=household_id, field="head_id")
        .order_by("-effective_date", "-approval_seq")
        .select_related("event")
        .first()
    )
    if fact is None or fact.after is not None or not isinstance(fact.before, int):
        return None
    event: RegistryEvent = fact.event
    return event
