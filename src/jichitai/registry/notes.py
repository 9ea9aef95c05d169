"""統合記載欄 ([140] 1.1.14), メモ ([150] 1.1.15) and 改製 ([40] 1.1.4): writing and reading them.

- A 異動履歴 (A類型) is generated from the event log (``selectors.snapshots``), never typed.
- A 留意事項 (B類型) is free text tied to the 異動 it is about ([140]#2, #6: 一般市区町村 need not
  fill it automatically; we do not). A 誤記 in a 除票 is answered the same way ([50]#3).
- A 備考 (C類型) is free text managed apart from the history; for 特別養子縁組 and its 解消 it must
  contain the standard's words ([140]#7).
- A メモ is free text per person, never part of certificate data ([150]#4): ``certificate_column``
  is what certificates (issue 12) print, and it reads no メモ.
- Every 入力・修正・削除 of a 備考 or メモ is a revision (who, when, what), kept ([150]#2, #3).

A person under 支援措置 is handled only by staff with need-to-know, on every path here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from .errors import violation
from .models import Person, PersonStatus, RegistryEvent
from .move_notes import de_facto_head_note
from .records_models import EventRemark, NoteAction, NoteKind, NoteRevision, PersonNote, Reissue
from .selectors import access

TEXT_MAX = 2000
SPECIAL_ADOPTION = "特別養子縁組"
SPECIAL_ADOPTION_DISSOLVED = "特別養子縁組解消"
TOPIC_WORDS = {"special_adoption": SPECIAL_ADOPTION, "special_adoption_dissolved": SPECIAL_ADOPTION_DISSOLVED}


def _text(text: str, field: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise violation("required", f"{what}を入力してください。", field)
    if len(text) > TEXT_MAX:
        raise violation("too_long", f"{what}は{TEXT_MAX}文字以内で入力してください。", field)
    return text


def _person(person_id: int, staff: Any, *, screen: str, function: str, read: bool = False) -> Person:
    """The person, if ``staff`` may handle them (支援措置: need-to-know; the attempt is alerted)."""
    measure = access.active_measure(person_id)
    if measure is not None:
        access.alert_access(person_id, screen=screen, function=function,
                            detail={"masked": not access.need_to_know(staff)})
        if not access.need_to_know(staff):
            raise violation("support_measure", access.REFUSED, "person_id")
    qs = (Person.objects.for_read(screen=screen, function=function) if read
          else Person.objects.without_read_log(f"{function}（本人確認）"))
    p = qs.filter(pk=person_id).exclude(status=PersonStatus.VOID).first()
    if p is None:
        raise violation("not_found", "住民が見つかりません。", "person_id")
    return p


def _touches(event: RegistryEvent, person_id: int) -> bool:
    """The 異動 is one of the person's history rows (its facts change the person's row)."""
    from .selectors.snapshots import build

    return event.pk in {s.event_id for s in build(person_id)}


def add_remark(event_id: int, person_id: int, text: str, *, staff: Any, screen: str = "統合記載欄") -> EventRemark:
    """留意事項 (B類型) on an approved 異動 of the person."""
    p = _person(person_id, staff, screen=screen, function="remark.add")
    text = _text(text, "text", "留意事項")
    event = RegistryEvent.objects.filter(pk=event_id, status="approved").first()
    if event is None or not _touches(event, p.pk):
        raise violation("event", "この住民の本登録された異動を選んでください。", "event_id")
    return EventRemark.objects.create(event=event, person=p, text=text, created_by=staff)


def _check_topic(kind: str, text: str, topic: str) -> None:
    if not topic:
        return
    if kind != NoteKind.BIKO or topic not in TOPIC_WORDS:
        raise violation("topic", "特別養子縁組の旨は備考に入力してください。", "topic")
    word = TOPIC_WORDS[topic]
    if word not in text or (topic == "special_adoption" and SPECIAL_ADOPTION_DISSOLVED in text):
        raise violation("special_adoption_wording", f"備考には「{word}」の文言を含めてください（標準仕様書1.1.14）。", "text")


def add_note(person_id: int, kind: str, text: str, *, staff: Any, topic: str = "",
             screen: str = "統合記載欄") -> PersonNote:
    """A new 備考 or メモ of the person (its first revision records who and when)."""
    if kind not in NoteKind.values:
        raise violation("kind", "種別は備考またはメモです。", "kind")
    p = _person(person_id, staff, screen=screen, function=f"{kind}.add")
    text = _text(text, "text", NoteKind(kind).label)
    _check_topic(kind, text, topic)
    with transaction.atomic():
        note = PersonNote.objects.create(person=p, kind=kind, created_by=staff)
        NoteRevision.objects.create(note=note, action=NoteAction.CREATE, text=text, staff=staff)
    return note


def _current(note_id: int, staff: Any, function: str) -> tuple[PersonNote, NoteRevision]:
    note = PersonNote.objects.filter(pk=note_id).first()
    if note is None:
        raise violation("not_found", "備考・メモが見つかりません。", "note_id")
    _person(note.person_id, staff, screen="統合記載欄", function=function)
    last = note.revisions.order_by("-pk").first()
    assert last is not None
    if last.action == NoteAction.DELETE:
        raise violation("deleted", "削除済みの備考・メモは修正できません。", "note_id")
    return note, last


def edit_note(note_id: int, text: str, *, staff: Any, topic: str = "") -> NoteRevision:
    note, _ = _current(note_id, staff, "note.edit")
    text = _text(text, "text", NoteKind(note.kind).label)
    _check_topic(note.kind, text, topic)
    return NoteRevision.objects.create(note=note, action=NoteAction.EDIT, text=text, staff=staff)


def delete_note(note_id: int, *, staff: Any) -> NoteRevision:
    """削除: the note leaves the 統合記載欄 / the メモ list; its revisions stay ([150]#3)."""
    note, _ = _current(note_id, staff, "note.delete")
    return NoteRevision.objects.create(note=note, action=NoteAction.DELETE, text="", staff=staff)


@dataclass(frozen=True)
class Revision:
    action: str
    text: str
    staff: str  # ユーザID
    at: dt.datetime


@dataclass(frozen=True)
class Note:
    id: int
    kind: str
    text: str  # the current text ("" once deleted)
    deleted: bool
    created_by: str
    created_at: dt.datetime
    revisions: tuple[Revision, ...]


def _notes(person_id: int, kinds: tuple[str, ...]) -> list[Note]:
    notes = list(PersonNote.objects.filter(person_id=person_id, kind__in=kinds).select_related("created_by")
                 .order_by("pk"))
    revs: dict[int, list[Revision]] = {}
    for r in NoteRevision.objects.filter(note__in=notes).select_related("staff").order_by("pk"):
        revs.setdefault(r.note_id, []).append(Revision(r.action, r.text, r.staff.get_username(), r.at))
    out = []
    for n in notes:
        history = tuple(revs.get(n.pk, ()))
        last = history[-1] if history else None
        deleted = last is not None and last.action == NoteAction.DELETE
        out.append(Note(n.pk, n.kind, "" if deleted or last is None else last.text, deleted,
                        n.created_by.get_username(), n.created_at, history))
    return out


def memos(person_id: int, *, staff: Any, screen: str = "メモ") -> list[Note]:
    """The person's メモ with their whole history (deleted ones included, marked)."""
    _person(person_id, staff, screen=screen, function="memo.read", read=True)
    return _notes(person_id, (NoteKind.MEMO,))


def remarks_and_notes(person_id: int, *, staff: Any, screen: str = "統合記載欄") -> tuple[list[EventRemark], list[Note]]:
    """(留意事項, 備考 with history) for the staff screen."""
    _person(person_id, staff, screen=screen, function="column.read", read=True)
    remarks = list(EventRemark.objects.filter(person_id=person_id).select_related("event", "created_by").order_by("pk"))
    return remarks, _notes(person_id, (NoteKind.BIKO,))


def certificate_column(person_id: int) -> dict[str, list[str]]:
    """The 統合記載欄 as a certificate prints it (issue 12): A 異動履歴, B 留意事項, C 備考 and, for a
    除票, its own items ([50]#9, [140]#3) — no メモ, ever ([150]#4). Access is the certificate's
    (``support.may_receive``), not a screen's."""
    from .selectors.removed import removal_items
    from .selectors.snapshots import build

    rows = build(person_id)
    history = [f"{s.effective_date} {s.reason}" for s in rows if s.reason]
    remarks = [text for s in rows for text in s.remarks]  # with a 未届転入's own ([620]#1)
    biko = [n.text for n in _notes(person_id, (NoteKind.BIKO,)) if not n.deleted]
    de_facto = de_facto_head_note(rows[-1].row.get("de_facto_head")) if rows else None
    biko = [de_facto, *biko] if de_facto else biko  # [740]#1
    removal = removal_items(person_id, rows)
    return {"history": history, "remarks": remarks, "notes": biko, "removal": removal.lines() if removal else []}


def reissue(person_id: int, on: dt.date, *, staff: Any, reason: str = "") -> Reissue:
    """改製 by hand ([40]#2), on the date given ([40]#3): the rows so far become the 改製原住民票
    (除票, [50]#1); the history keeps every row (no 欄 limit, no automatic 改製: [40]#1)."""
    from .selectors.snapshots import build, event_rows

    p = _person(person_id, staff, screen="改製", function="reissue")
    if p.status != PersonStatus.RESIDENT:
        raise violation("status", "改製できるのは現存する住民票だけです。", "person_id")
    if on > timezone.localdate():
        raise violation("future", "改製年月日に未来の日付は指定できません。", "reissued_on")
    rows = build(person_id)
    if rows and on.isoformat() < rows[-1].effective_date:
        raise violation("order", "改製年月日は最後の異動日以降の日付にしてください。", "reissued_on")
    if len(reason) > 200:
        raise violation("too_long", "改製の理由は200文字以内で入力してください。", "reason")
    return Reissue.objects.create(person=p, reissued_on=on, last_history_no=event_rows(person_id), reason=reason.strip(),
                                  created_by=staff)


def reissues(person_id: int) -> list[Reissue]:
    return list(Reissue.objects.filter(person_id=person_id).order_by("pk"))
