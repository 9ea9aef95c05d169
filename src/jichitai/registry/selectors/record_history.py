"""A person's record over time, as a certificate 「履歴あり」 prints it ([1000]#1): every approved
異動 of the person and every change of the address of the households he belonged to, in order.

Read-only, from the event log (approved facts only: a provisional event is invisible). The caller
has already read the person through :func:`documents.document_persons` (logged, 支援措置 applied);
nothing here decides who may see him.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..conventions import to_python
from ..facts import facts_for
from ..models import RegistryEvent
from ..replay import Fact, fold_entity
from .addresses import household_address
from .history import history

ADDRESS_FIELDS = frozenset({"address_id", "banchi", "katagaki"})


@dataclass(frozen=True)
class Step:
    """One point of the record's past: the row after it and the address then."""

    date: dt.date
    kind: str  # 異動事由 as the event names it
    changed: frozenset[str]  # person fields changed, plus "address" when the address changed
    row: dict[str, Any]
    address: str  # with the 方書
    katagaki: str
    special: str = ""  # [40]#4: the 特別な事由 the 異動 was entered for (special_adoption …), or ""
    remarks: tuple[str, ...] = ()  # [140]#2: the 留意事項 tied to this 異動 (for this person)


def _address_row(facts: list[Fact], date: str, seq: int) -> dict[str, Any]:
    return fold_entity(f for f in facts if (f.effective_date, f.approval_seq) <= (date, seq)) or {}


def record_history(person_id: int) -> list[Step]:
    """The person's steps, oldest first (one per approved 異動 touching him or his address)."""
    snaps = history(person_id)
    if not snaps:
        return []
    keys = [(s["effective_date"], int(_seq(s))) for s in snaps]
    hids = {int(s["row"]["household_id"]) for s in snaps if s["row"].get("household_id")}
    hfacts = facts_for("household", hids) if hids else {}
    # when the household he was in moved (転居 of the whole household), his own row did not change
    moves: dict[tuple[str, int], int] = {}
    for i, (key, snap) in enumerate(zip(keys, snaps, strict=True)):
        hid = snap["row"].get("household_id")
        end = keys[i + 1] if i + 1 < len(keys) else ("9999-12-31", 2**62)
        for f in hfacts.get(int(hid), []) if hid else []:
            at = (f.effective_date, f.approval_seq)
            if f.field in ADDRESS_FIELDS and key < at < end:
                moves[at] = int(hid)
    points = sorted({*keys, *moves})
    kinds = _kinds([seq for _, seq in points], person_id)
    out: list[Step] = []
    previous = ""
    for date, seq in points:
        snap = max(
            (s for s, k in zip(snaps, keys, strict=True) if k <= (date, seq)),
            key=lambda s: (s["effective_date"], _seq(s)),
        )
        row = {k: to_python(k, v) for k, v in snap["row"].items()}
        hid = row.get("household_id")
        hrow = _address_row(hfacts.get(int(hid), []), date, seq) if hid else {}
        address = household_address(hrow) if hrow else ""
        changed = set(snap["changed"]) if (date, seq) in keys else set()
        if address != previous:
            changed.add("address")
        previous = address
        out.append(
            Step(
                dt.date.fromisoformat(date),
                kinds.get(seq, NONE)[0],
                frozenset(changed),
                row,
                address,
                str(hrow.get("katagaki") or ""),
                kinds.get(seq, NONE)[1],
                kinds.get(seq, NONE)[2],
            )
        )
    return out


def _seq(snap: dict[str, Any]) -> int:
    return int(snap.get("approval_seq") or 0)


NONE: tuple[str, str, tuple[str, ...]] = ("", "", ())


def _kinds(seqs: list[int], person_id: int) -> dict[int, tuple[str, str, tuple[str, ...]]]:
    """本登録順 → (異動事由, 特別な事由, 留意事項)."""
    from .snapshots import _event_info

    events, _, remarks = _event_info(sorted(set(seqs)), person_id)
    return {
        seq: (e.get_kind_display(), special_cause(e), tuple(remarks.get(e.pk, ())))
        for seq, e in events.items()
        if seq
    }


def special_cause(event: RegistryEvent) -> str:
    """[40]#4: the 特別な事由 an 異動 was entered for ("" for none); a 訂正・取消 of such an 異動
    carries its target's."""
    own = str((event.request or {}).get("special_cause") or "")
    if own or event.target_id is None:
        return own
    return str((event.target.request or {}).get("special_cause") or "")
