"""入力場所・入力端末 ([230] 1.3.1): the place and terminal of the current unit of work.

The web session chooses them (「入力場所・端末の設定」); the middleware puts them here for the
request; every 異動 entered records them (``EventEntry``) and so does the operation log. Batch and
CLI work has none (blank), which the log shows as such.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jichitai.tenancy.context import current_or_none, unit_cache

from .errors import violation
from .records_models import EventEntry, InputPlace, InputTerminal

SESSION_TERMINAL = "registry.input_terminal_id"
_KEY = "registry.workstation"


@dataclass(frozen=True)
class Workstation:
    place_id: int | None = None
    terminal_id: int | None = None
    place: str = ""  # codes, for the log
    terminal: str = ""
    place_name: str = ""
    terminal_name: str = ""


NONE = Workstation()


def choose(terminal_id: int) -> Workstation:
    """The workstation of a terminal of this municipality (refused if unknown or not in use)."""
    t = InputTerminal.objects.select_related("place").filter(pk=terminal_id, active=True, place__active=True).first()
    if t is None:
        raise violation("input_terminal", "入力端末が見つからないか、使用されていません。", "terminal_id")
    return Workstation(t.place_id, t.pk, t.place.code, t.code, t.place.name, t.name)


def use(ws: Workstation) -> None:
    from jichitai.audit.recording import set_terminal

    unit_cache()[_KEY] = ws
    set_terminal(ws.place, ws.terminal, ws.terminal_name)  # every log entry of the unit names it


def current() -> Workstation:
    if current_or_none() is None:
        return NONE
    ws = unit_cache().get(_KEY)
    return ws if isinstance(ws, Workstation) else NONE


def log_detail() -> dict[str, str]:
    ws = current()
    return {"input_place": ws.place, "input_terminal": ws.terminal, "input_terminal_name": ws.terminal_name}


def record_entries(events: Sequence[Any]) -> None:
    """One ``EventEntry`` per event entered at a known workstation or with a 申出日・通知日・請求日
    (the event's ``entry_dates``, set by the workflow)."""
    ws = current()
    rows = []
    for event in events:
        d: Mapping[str, dt.date | None] = getattr(event, "entry_dates", None) or {}
        if ws is NONE and not any(d.values()):
            continue
        rows.append(EventEntry(event=event, place_id=ws.place_id, terminal_id=ws.terminal_id,
                               offered_on=d.get("offered_on"), notified_on=d.get("notified_on"),
                               requested_on=d.get("requested_on")))
    if rows:
        EventEntry.objects.bulk_create(rows)


# 申出日: 「申出による職権記載等」 and 「通称の記載・削除」 only; 請求日: 「旧氏の記載・変更・削除」 only
OFFER_KINDS = frozenset({"ex_officio_entry", "ex_officio_correction", "ex_officio_deletion",
                         "cancellation"})  # [990]: a 取消 on 申出 follows 4.2.0.5
LABELS = {"offered_on": "申出日", "notified_on": "通知日", "requested_on": "請求日"}


def _changes(request: Any) -> set[str]:
    data = request.stored() if hasattr(request, "stored") else request
    return set((data or {}).get("changes") or {}) if isinstance(data, Mapping) else set()


def date_violations(kind: str, request: Any, offered_on: dt.date | None, notified_on: dt.date | None,
                    requested_on: dt.date | None) -> list[Any]:
    """[200]#1: which 異動 may carry a 申出日 or 請求日, and none of them in the future."""
    from django.utils import timezone

    found = []
    today = timezone.localdate()
    for field, value in (("offered_on", offered_on), ("notified_on", notified_on), ("requested_on", requested_on)):
        if value is not None and value > today:
            found += violation("future", f"{LABELS[field]}に未来の日付は指定できません。", field).violations
    if offered_on is not None and kind not in OFFER_KINDS:
        found += violation("offered_on", "申出日は申出による職権記載等・通称の記載・削除の場合だけ入力します。",
                           "offered_on").violations
    if requested_on is not None and not (kind == "ex_officio_correction" and "former_surname" in _changes(request)):
        found += violation("requested_on", "請求日は旧氏の記載・変更・削除の場合だけ入力します。",
                           "requested_on").violations
    return found


def places() -> list[InputPlace]:
    return list(InputPlace.objects.order_by("code"))


def add_place(code: str, name: str, kind: str) -> InputPlace:
    from .records_models import PlaceKind

    code, name = code.strip(), name.strip()
    if not code or len(code) > 10 or not code.isascii() or not code.isalnum():
        raise violation("input_place_code", "入力場所コードは英数字10文字以内で入力してください。", "code")
    if not name or len(name) > 100:
        raise violation("input_place_name", "入力場所名は1〜100文字で入力してください。", "name")
    if kind not in PlaceKind.values:
        raise violation("input_place_kind", "種別は本庁・支所・出張所・住民記録システム利用課・その他から選んでください。", "kind")
    if InputPlace.objects.filter(code=code).exists():
        raise violation("input_place_code", f"入力場所コード {code} は登録済みです。", "code")
    return InputPlace.objects.create(code=code, name=name, kind=kind)


def add_terminal(place_code: str, code: str, name: str) -> InputTerminal:
    place = InputPlace.objects.filter(code=place_code).first()
    if place is None:
        raise violation("input_place", f"入力場所コード {place_code} がありません。", "place")
    code, name = code.strip(), name.strip()
    if not code or len(code) > 20 or not code.isascii() or not code.replace("-", "").isalnum():
        raise violation("input_terminal_code", "端末コードは英数字（-可）20文字以内で入力してください。", "code")
    if not name or len(name) > 100:
        raise violation("input_terminal_name", "端末名は1〜100文字で入力してください。", "name")
    if InputTerminal.objects.filter(code=code).exists():
        raise violation("input_terminal_code", f"端末コード {code} は登録済みです。", "code")
    return InputTerminal.objects.create(place=place, code=code, name=name)


def set_active(model: str, code: str, active: bool) -> None:
    target = {"place": InputPlace, "terminal": InputTerminal}[model]
    if not target.objects.filter(code=code).update(active=active):
        raise violation("not_found", f"コード {code} が見つかりません。", "code")
