"""仮登録の取消・修正 and 全部本登録 ([530]#3, #5; [540]#1): what staff do with a 異動 before 決裁.

- 取下げ (``withdraw_event``): a provisional 異動 is taken back; it stays in the log as 取下げ with
  its reason and changes nothing.
- 修正 (``amend_event``): the 異動 is entered again with the corrected content, through the same
  checks as a new one, and the old one is 取下げ in the same transaction (all or nothing: a refused
  correction leaves the old one waiting). The new one names the one it replaces (``touches``).
- 全部本登録 (``approve_all``): every provisional 異動 (or those of one 入力場所, one 異動事由, one
  入力者, one 異動者), oldest first, at most the municipality's limit per run
  (団体別設定 ``registry.approve_all_limit``).

Only the staff member who entered a 異動, or an approver, may take it back or correct it; a
支援措置 case needs the need-to-know role for an approver, exactly as its 却下 does. Who did it is
in the operation log only ([530]#7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from jichitai.accounts.capabilities import has_capability
from jichitai.audit.events import AuditEvent
from jichitai.audit.recording import record_events

from ..errors import RegistryError, violation
from ..models import EventStatus, RegistryEvent
from ..workstation import log_detail
from . import protection
from .requests import Request
from .workflow import (
    REASON_MAX_LENGTH,
    Approval,
    EventInput,
    Submitted,
    approve_events,
    submit_events,
)

APPROVE_ALL_LIMIT_KEY = "registry.approve_all_limit"  # 団体別設定
DEFAULT_APPROVE_ALL_LIMIT = 100


def _log(event: RegistryEvent, action: str, **detail: Any) -> None:
    record_events([AuditEvent(
        category="operation", action=action, subject_type="registry_event", subject_id=str(event.pk),
        function=f"registry.{event.kind}", detail={"kind": event.kind, **log_detail(), **detail})])


def _taken(event_id: int, staff: Any) -> RegistryEvent:
    """The provisional event ``staff`` may take back or correct, locked."""
    event = RegistryEvent.objects.select_for_update().filter(pk=event_id).first()
    if event is None:
        raise violation("not_found", "異動が見つかりません。", "event_id")
    if event.status != EventStatus.PROVISIONAL:
        raise violation("not_provisional", "仮登録の異動だけを取消・修正できます（決裁済み・却下済み・取下げ済みです）。",
                        "event_id")
    own = event.entered_by_id == getattr(staff, "pk", None)
    if not own and not has_capability(staff, "registry.approve"):
        raise violation("not_own_entry", "仮登録の取消・修正は、入力した職員か決裁者が行ってください。", "event_id")
    if not own:
        refused: dict[int, RegistryError] = {}
        protection.refuse_decision([event], staff, refused, decision="reject")
        if refused:
            raise refused[event.pk]
    return event


def _reason(text: str) -> str:
    text = (text or "").strip()
    if len(text) > REASON_MAX_LENGTH:
        raise violation("too_long", f"取下げの理由は{REASON_MAX_LENGTH}文字以内で入力してください。", "reason")
    return text


def withdraw_event(event_id: int, *, staff: Any, reason: str = "") -> RegistryEvent:
    """取下げ (取消) of a provisional 異動: nothing in the register changes."""
    note = _reason(reason)
    with transaction.atomic():
        event = _taken(event_id, staff)
        event.status = EventStatus.WITHDRAWN
        event.rejected_reason = "取下げ" + (f": {note}" if note else "")
        event.save(update_fields=["status", "rejected_reason"])
        _log(event, "registry.event.withdrawn", withdrawn_by=getattr(staff, "pk", None), reason=note)
    return event


def amend_event(event_id: int, request: Request | Mapping[str, Any], *, staff: Any, effective_date: dt.date,
                reported_date: dt.date | None, confirm_alerts: bool = False,
                **entry_dates: dt.date | None) -> Submitted:
    """修正 of a provisional 異動: the corrected content is entered as a new 仮登録 (same 異動事由)
    and the old one is 取下げ; either both happen or neither (RegistryError/AlertsRaised raised)."""
    with transaction.atomic():
        old = _taken(event_id, staff)
        old.status = EventStatus.WITHDRAWN  # first: its duplicate check and edit lock are let go
        old.save(update_fields=["status"])
        (outcome,) = submit_events(
            [EventInput(old.kind, request, effective_date, reported_date, None, **entry_dates)],
            entered_by=staff, confirm_alerts=confirm_alerts)
        if isinstance(outcome, RegistryError):
            raise outcome  # rolls the 取下げ back with it
        new = outcome.event
        new.touches = {**(new.touches or {}), "replaces": old.pk}
        new.save(update_fields=["touches"])
        old.rejected_reason = f"修正により受付番号 {new.pk} に差し替え"
        old.save(update_fields=["rejected_reason"])
        _log(old, "registry.event.amended", amended_by=getattr(staff, "pk", None), replaced_by=new.pk)
    return outcome


# ---------------------------------------------------------------------------------------------
# 全部本登録


@dataclass(frozen=True)
class Selection:
    """Which provisional 異動 a 一覧 shows or a 全部本登録 takes ([530]#5: all, or a part by
    異動者 or 入力場所 (入力支所), 異動事由, 入力者)."""

    kind: str = ""
    entered_by: str = ""  # username
    place_id: int | None = None
    person_id: int | None = None

    def queryset(self, status: str = EventStatus.PROVISIONAL) -> Any:
        qs = RegistryEvent.objects.filter(status=status)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.entered_by:
            qs = qs.filter(entered_by__username=self.entered_by)
        if self.place_id is not None:
            qs = qs.filter(entry__place_id=self.place_id)
        if self.person_id is not None:
            qs = qs.filter(pk__in=[pk for pk, t in qs.values_list("pk", "touches")
                                   if self.person_id in ((t or {}).get("person") or [])])
        return qs.order_by("processed_at", "pk")


def approve_all_limit() -> int:
    from jichitai.tenancy.models import MunicipalSetting

    value = MunicipalSetting.objects.filter(key=APPROVE_ALL_LIMIT_KEY).values_list("value", flat=True).first()
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else DEFAULT_APPROVE_ALL_LIMIT


@dataclass
class ApproveAll:
    result: Approval
    limit: int
    left: int  # provisional 異動 of the selection not taken this run (over the limit)


def approve_all(*, approver: Any, selection: Selection = Selection()) -> ApproveAll:
    """全部本登録: the selection's provisional 異動, oldest first, at most the limit per run; each
    is checked exactly as when approved alone."""
    limit = approve_all_limit()
    ids = list(selection.queryset().values_list("pk", flat=True)[: limit + 1])
    taken, left = ids[:limit], max(0, selection.queryset().count() - limit)
    result = approve_events(taken, approver=approver) if taken else Approval()
    return ApproveAll(result, limit, left)
