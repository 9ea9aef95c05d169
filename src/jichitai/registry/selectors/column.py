"""The 統合記載欄 of a person as certificates print it ([140]#2, #3; 1.1.14), with the 特別な事由
of each 異動 ([40]#4), read from the register only.

A 異動履歴 (A類型) line per approved 異動 with the 留意事項 (B類型) tied to it; the 備考 (C類型) apart
from the history; for a 除票 its own items ([50]#9, #10). No メモ, ever ([150]#4). The caller has
already read the person through :func:`documents.document_persons` (logged, 支援措置 applied):
nothing here decides who may see him.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import reasons
from ..models import RegistryEvent
from ..move_notes import de_facto_head_note
from ..records_models import NoteAction, NoteKind, NoteRevision, PersonNote
from .record_history import special_cause
from .removed import RemovalItems, removal_items
from .snapshots import build

# [140]#7: a 備考 about a 特別養子縁組 or its 解消 carries these words; it belongs to that 特別な事由
SPECIAL_NOTE_WORD = "特別養子縁組"


@dataclass(frozen=True)
class ColumnEntry:
    """One 異動履歴 line (A類型) with its 留意事項 (B類型)."""

    effective_date: str  # ISO
    date_text: str  # the 異動日 as written when 不詳 ([80]#1), else ""
    reason: str  # 異動事由
    division: str  # 記載 / 消除 / 修正
    remarks: tuple[str, ...]
    special: str  # the 特別な事由 ([40]#4) or ""
    current: bool  # part of the current 原票 (not of a 改製原住民票)


@dataclass(frozen=True)
class ColumnNote:
    text: str
    special: bool  # a 特別養子縁組 備考 ([140]#7): printed only with the 特別な事由


@dataclass(frozen=True)
class Column:
    entries: tuple[ColumnEntry, ...]
    notes: tuple[ColumnNote, ...]
    removal: RemovalItems | None  # the 除票's own items, None while the record is current
    removed_on_text: str = ""  # [80]#1: a 死亡・失踪's 消除日 as written (不詳日), else ""

    def entered(self) -> ColumnEntry | None:
        """The 異動 that wrote the current 原票 (転入, 出生, 職権記載, 改製 …)."""
        return next(
            (e for e in reversed(self.entries) if e.current and e.division == reasons.ENTRY), None
        )


def _notes(person_id: int) -> list[str]:
    notes = PersonNote.objects.filter(person_id=person_id, kind=NoteKind.BIKO).order_by("pk")
    last: dict[int, NoteRevision] = {}
    for r in NoteRevision.objects.filter(note__in=notes).order_by("pk"):
        last[r.note_id] = r
    return [r.text for r in last.values() if r.action != NoteAction.DELETE and r.text]


def certificate_column(person_id: int) -> Column:
    """The person's 統合記載欄, oldest 異動 first."""
    rows = build(person_id)
    events = {
        e.pk: e
        for e in RegistryEvent.objects.filter(pk__in=[r.event_id for r in rows if r.event_id])
    }
    entries = []
    for r in rows:
        if not r.reason:
            continue
        ev = events.get(r.event_id or 0)
        entries.append(
            ColumnEntry(
                effective_date=r.effective_date,
                date_text=ev.effective_date_text if ev else "",
                reason=r.reason,
                division=r.division,
                remarks=r.remarks,
                special=special_cause(ev) if ev else "",
                current=not r.reissued,
            )
        )
    texts = _notes(person_id)
    de_facto = de_facto_head_note(rows[-1].row.get("de_facto_head")) if rows else None
    notes = [
        ColumnNote(t, SPECIAL_NOTE_WORD in t) for t in ([de_facto] if de_facto else []) + texts
    ]
    last = rows[-1].row if rows else {}
    return Column(
        tuple(entries),
        tuple(notes),
        removal_items(person_id, rows),
        str(last.get("removed_on_text") or "") if last.get("removed_on") else "",
    )
