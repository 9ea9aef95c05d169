"""What staff see of 異動 events ([530] 4.0.8): the approval queue and the event lists.

An event about a protected person (its footprint, the persons and households it names, their
current members) is masked for staff without need-to-know, and each such access is alerted.
What is echoed of a request goes through an allow-list per item: an item not listed is hidden,
and 個人番号 (wherever it appears: a new person's item, a 訂正's value) needs its capability.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .. import rules
from ..errors import RegistryError
from ..events.requests import REQUEST_TYPES, stored_request
from ..labels import WITHHELD
from ..models import EventStatus, RegistryEvent
from . import access, visibility
from .addresses import HIDDEN

MASKED_NOTICE = "支援措置対象者を含む異動です（内容は支援措置担当の職員のみ表示）"
PAGE_SIZE = 50
MAX_PAGE = 10**6


def _items_of(model: type[BaseModel], out: dict[str, str | None]) -> None:
    for name, info in model.model_fields.items():
        out.setdefault(name, None)
        for arg in getattr(info.annotation, "__args__", ()) + (info.annotation,):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                _items_of(arg, out)


def _echo_items() -> dict[str, str | None]:
    items: dict[str, str | None] = {}
    for cls in REQUEST_TYPES.values():
        _items_of(cls, items)
    from ..events.requests import Change, NewPerson

    _items_of(NewPerson, items)
    _items_of(Change, items)
    from ..labels import CORRECTABLE, EVENT_CORRECTABLE

    items.update({f: None for f, _ in (*CORRECTABLE, *EVENT_CORRECTABLE)})
    items["my_number"] = access.MY_NUMBER  # the restricted item: only with its capability
    for name, capability in visibility.DISPLAY_RIGHTS.items():  # [1390] display rights
        items[name] = capability
    return items


# item → the capability needed to see it echoed (None: whoever may see the event)
ECHO_ITEMS: dict[str, str | None] = _echo_items()


def echo(value: Any, capabilities: frozenset[str], item: str = "") -> Any:
    """A stored request as ``capabilities`` may see it: unlisted or restricted items hidden."""
    def allowed(name: str) -> bool:
        if name not in ECHO_ITEMS:
            return False
        need = ECHO_ITEMS[name]
        return need is None or need in capabilities

    def leaf(name: str, v: Any) -> Any:
        if allowed(name) or v in (None, "", [], {}):
            return v
        return WITHHELD if ECHO_ITEMS.get(name) in visibility.DISPLAY_CAPABILITIES else HIDDEN

    if isinstance(value, Mapping):
        if item == "relationships":  # person id → 続柄
            return {str(k): leaf("relationship", v) for k, v in value.items()}
        if {"field", "value"} <= set(value):  # one 訂正: the value is the named item's
            out = {k: echo(v, capabilities, k) for k, v in value.items() if k != "value"}
            out["value"] = leaf(str(value.get("field")), value.get("value"))
            return out
        return {k: (echo(v, capabilities, k) if allowed(k) else leaf(k, v)) for k, v in value.items()}
    if isinstance(value, list):
        return [echo(v, capabilities, item) for v in value]
    return leaf(item, value) if item else value


@dataclass(frozen=True)
class QueueItem:
    event: RegistryEvent
    request: dict[str, Any]  # echoed through the allow-list; {} when masked
    masked: bool
    notice: str = ""


@dataclass(frozen=True)
class EventPage:
    items: list[QueueItem]
    total: int
    page: int
    pages: int


def about(event: RegistryEvent) -> tuple[set[int], set[int]]:
    """Persons and households a stored event is about (its footprint and what it names)."""
    touches = event.touches or {}
    pids, hids = set(touches.get("person") or ()), set(touches.get("household") or ())
    try:
        named_p, named_h = stored_request(event).named_ids()
    except RegistryError:
        named_p, named_h = set(), set()
    hids |= named_h | ({event.household_id} if event.household_id else set())
    return pids | named_p, hids


def protected_per_event(events: Sequence[RegistryEvent]) -> dict[int, list[int]]:
    """Per event: the persons under an active 支援措置 it is about (one query for all)."""
    named = {e.pk: about(e) for e in events}
    protected = access.protected_in({p for ps, _ in named.values() for p in ps},
                                    {h for _, hs in named.values() for h in hs})
    return {pk: sorted(p for p, h in protected.items() if p in pids or h in hids)
            for pk, (pids, hids) in named.items()}


def mask_events(events: Iterable[RegistryEvent], *, staff: Any, screen: str) -> list[QueueItem]:
    """Events as ``staff`` may see them (see the module docstring)."""
    from jichitai.accounts.capabilities import capabilities_of

    events = list(events)
    caps = capabilities_of(staff)
    may_see = access.NEED_TO_KNOW in caps
    per_event = protected_per_event(events)
    items = []
    for ev in events:
        protected = per_event[ev.pk]
        for pid in protected:
            access.alert_access(pid, screen=screen, function="event_list",
                                detail={"event": ev.pk, "masked": not may_see})
        if protected and not may_see:
            items.append(QueueItem(ev, {}, True, MASKED_NOTICE))
        else:
            items.append(QueueItem(ev, echo(ev.request or {}, caps), False))
    return items


def event_page(*, staff: Any, screen: str, status: str = EventStatus.PROVISIONAL, page: int = 1,
               size: int = PAGE_SIZE, kind: str = "", entered_by: str = "", place_id: int | None = None,
               person_id: int | None = None) -> EventPage:
    """決裁待ち一覧 (or the approved / rejected events), oldest first; approvers only. ``place_id``,
    ``person_id``: a part of it by 入力場所 or 異動者 ([530]#5, events.provisional.Selection)."""
    from ..events.provisional import Selection

    rules.require_approver(staff)
    qs = Selection(kind, entered_by, place_id, person_id).queryset(status).select_related("entered_by")
    total = qs.count()
    pages = max(1, -(-total // size))
    page = max(1, min(page, pages, MAX_PAGE))
    window = qs.order_by("processed_at", "pk")[(page - 1) * size : page * size]
    return EventPage(mask_events(window, staff=staff, screen=screen), total, page, pages)


def approval_queue(*, staff: Any, limit: int = PAGE_SIZE) -> list[QueueItem]:
    """The first page of the 決裁待ち一覧 (oldest first)."""
    return event_page(staff=staff, screen="決裁待ち一覧", size=limit).items
