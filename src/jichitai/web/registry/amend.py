"""修正 of a 仮登録 ([530]#3, [540]#1): a kind's form opened with what the 異動 stored, so the clerk
corrects it in the form that entered it (the inverse of ``forms.build_request``); 届出日 defaults
to today on a new 届出 ([570]#2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from jichitai.registry.models import EventStatus, RegistryEvent
from jichitai.registry.rules import today
from jichitai.wareki import format_date

from .forms import KindForm, row_prefix

# [570]#2: the 届出 whose 届出日 is the day it is entered, unless the clerk changes it
NOTIFIED_KINDS = frozenset({
    "move_in", "move_in_abroad", "move_within", "move_out_planned", "move_out_abroad", "household_split",
    "household_merge", "head_change", "birth", "death",
})


def default_reported(kind: str) -> str:
    """届出日 as the form first shows it: today (和暦) for a 届出, blank for 職権 and 通知."""
    return format_date(today()) if kind in NOTIFIED_KINDS else ""


@dataclass
class Prefill:
    values: dict[str, Any]
    checked: set[str] = field(default_factory=set)
    rows: int = 0


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else ""
    return str(value)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def prefill(form: KindForm, event: RegistryEvent) -> Prefill:
    """The form's inputs as the stored request fills them."""
    req: dict[str, Any] = dict(event.request or {})
    values: dict[str, Any] = {"effective_date": req.pop("effective_date_text", "") or _date(event.effective_date),
                              "reported_date": _date(event.reported_date)}
    out = Prefill(values)
    if form.persons == "rows":
        hh = req.pop("household", {}) or {}
        if "existing_id" in hh:
            values["existing_household_id"] = _text(hh["existing_id"])
        values.update({k: _text(v) for k, v in (hh.get("new") or {}).items()})
        persons = req.pop("persons", []) or []
        for i, spec in enumerate(persons, start=1):
            values.update({row_prefix(i) + k: _text(v) for k, v in spec.items() if k != "ref"})
        out.rows = len(persons)
    elif form.persons == "one":
        values["household"] = _text(req.pop("household_id", ""))
        values.update({f"person-{k}": _text(v) for k, v in (req.pop("person", {}) or {}).items() if k != "ref"})
    changes = req.pop("changes", None)
    items = list(changes.items()) if isinstance(changes, dict) else [
        (c.get("field"), c.get("value"), c.get("entity_id")) for c in changes or []]
    for i, (name, value, *eid) in enumerate(items, start=1):
        values[f"change-{i}-field"], values[f"change-{i}-value"] = _text(name), _text(value)
        if eid:
            values[f"change-{i}-entity_id"] = _text(eid[0])
    for k, v in req.items():
        if k == "person_ids":
            out.checked = {str(i) for i in v}
        elif k == "address":
            values.update({a: _text(b) for a, b in (v or {}).items()})
        elif k == "relationships":
            values.update({f"rel-{pid}": _text(rel) for pid, rel in (v or {}).items()})
        elif k in ("from_household_id", "household_id"):
            values["household"] = _text(v)
        elif not isinstance(v, (dict, list)):
            values[k] = _text(v)
    return out


def amendable(event_id: int | None, kind: str, staff: Any) -> RegistryEvent | None:
    """The provisional 異動 of ``kind`` a form is opened to correct (None: not one, or not one
    ``staff`` may see whole: a 支援措置 case without need-to-know, an item hidden from them, or
    another's entry for a clerk who is not an approver)."""
    from jichitai.accounts.capabilities import has_capability
    from jichitai.registry.selectors import mask_events

    if event_id is None:
        return None
    event = RegistryEvent.objects.filter(pk=event_id, kind=kind, status=EventStatus.PROVISIONAL).first()
    if event is None or (event.entered_by_id != staff.pk and not has_capability(staff, "registry.approve")):
        return None
    (seen,) = mask_events([event], staff=staff, screen="異動入力（修正）")
    return None if seen.masked or seen.request != event.request else event
