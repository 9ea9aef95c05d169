"""市町村通知 (to 出入国在留管理庁, [970]) and the 法務省通知 処理結果確認票 ([960]) as data.

The 市町村通知: every approved 異動 of a foreign resident, one line per person, in the order the
register changed (承認順 = 異動の時系列, [970]#1), each line classed 「住基法・入管法」 (a 住民異動届
that is also the 入管法 住居地の届出: 転入・転居・法第30条の46/47), or 「住基法」 (法第30条の50 通知:
転出, 死亡, 消除, 修正, 世帯の変更 …). 「入管法」 only (市町村伝達 of a 住居地届出 alone) has no 異動
here and so no line. A 転出予定 is notified when its 転出予定日 has come ([970]#2), not before.
Online or media sending, 照会, 処理結果 intake and 再送信 need the 入管 連携端末 (planned).

Protected persons (支援措置): their line carries no identifier for staff without need-to-know.
[970]#3 (must not): no 在留カード裏書 state exists and no selection by it is offered.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from .. import immigration
from ..models import EventFact, EventKind, EventStatus, RegistryEvent
from ..selectors import access
from ..selectors.documents import document_persons, foreign_ids, on_day
from . import RegisterDocument, document
from ._common import date_text, municipality_code

BOTH, JUKI = "住基法・入管法", "住基法"
BOTH_KINDS = frozenset({"move_in", "move_in_abroad", "move_in_30_46", "entry_30_47", "move_within"})
SCREEN = "市町村通知"


def notice_class(kind: str) -> str:
    return BOTH if kind in BOTH_KINDS else JUKI


def _events(
    since: int, on: dt.date, since_on: dt.date | None
) -> tuple[list[tuple[RegistryEvent, list[int]]], int]:
    """Approved events after approval_seq ``since`` and the persons each wrote, in approval order,
    and the last approval_seq seen. A 転出予定 is held until its date: one approved before ``since``
    whose 転出予定日 falls after ``since_on`` (the previous run's 基準日) and by ``on`` comes now."""
    found = list(
        RegistryEvent.objects.filter(status=EventStatus.APPROVED, approval_seq__gt=since).order_by(
            "approval_seq"
        )
    )
    last = max((e.approval_seq for e in found), default=since)
    if since_on is not None:
        held = RegistryEvent.objects.filter(
            status=EventStatus.APPROVED,
            approval_seq__lte=since,
            kind=EventKind.MOVE_OUT_PLANNED,
            effective_date__lte=on,
        )
        found = [e for e in held.order_by("approval_seq") if since_on < _planned_on(e)] + found
    found = [e for e in found if not (e.kind == EventKind.MOVE_OUT_PLANNED and _planned_on(e) > on)]
    persons: dict[int, list[int]] = {}
    facts = EventFact.objects.filter(event__in=found, entity="person").order_by("id")
    for event_id, pid in facts.values_list("event_id", "entity_id"):
        if pid not in persons.setdefault(event_id, []):
            persons[event_id].append(int(pid))
    return [(e, persons.get(e.pk, [])) for e in found], last


def _planned_on(event: RegistryEvent) -> dt.date:
    planned = (event.request or {}).get("planned_date")
    return dt.date.fromisoformat(planned) if planned else event.effective_date


def _line(n: int, event: RegistryEvent, person: Any) -> dict[str, Any]:
    day = _planned_on(event) if event.kind == EventKind.MOVE_OUT_PLANNED else event.effective_date
    base = {
        "連番": n,
        "区分": notice_class(event.kind),
        "異動事由": event.get_kind_display(),
        "異動日": date_text(day, foreign=True),
        "受付番号": event.pk,
    }
    if person is None:
        return {**base, "氏名": access.MASK}
    person = on_day(person, event.effective_date)
    v = person.values
    return {
        **base,
        "在留カード等番号": v.get("residence_card_no") or v.get("special_permanent_cert_no") or "",
        "氏名": v.get("alphabet_name")
        or f"{v.get('family_name') or ''} {v.get('given_name') or ''}".strip(),
        "生年月日": date_text(v.get("birth_date"), foreign=True),
        "性別": v.get("sex") or "",
        "国籍・地域": v.get("nationality") or "",
        "在留資格": v.get("residence_status") or "",
        "住所": person.address,
    }


@document("municipal_notice", title="市町村通知（出入国在留管理庁あて）", functions=("970",))
def build_municipal_notice(
    *, staff: Any, since: int = 0, on: dt.date | None = None, since_on: dt.date | None = None
) -> RegisterDocument:
    """The 市町村通知 lines of the 異動 approved after ``since`` (the previous run's 最終承認番号) and
    of the 転出予定 held until a date after ``since_on`` (its 基準日) and by ``on``."""
    on = on or timezone.localdate()
    events, last = _events(since, on, since_on)
    persons = document_persons(
        {p for _, ids in events for p in ids},
        staff=staff,
        screen=SCREEN,
        function="municipal_notice",
    )
    foreign = foreign_ids(p for _, ids in events for p in ids)
    rows: list[dict[str, Any]] = []
    for event, ids in events:
        for pid in ids:
            if pid in foreign:
                rows.append(_line(len(rows) + 1, event, persons.get(pid)))
    return RegisterDocument(
        kind="municipal_notice",
        title="市町村通知（出入国在留管理庁あて）",
        functions=("970",),
        municipality_code=municipality_code(),
        made_on=on,
        person_ids=tuple(sorted({p for _, ids in events for p in ids if p in foreign})),
        fields={
            "基準日": date_text(on),
            "件数": len(rows),
            "最終承認番号": last,
        },
        rows=tuple(rows),
    )


@document(
    "immigration_confirmation",
    title="処理結果確認票（出入国在留管理庁長官通知）",
    functions=("960",),
)
def build_confirmation(*, staff: Any, text: str, on: dt.date | None = None) -> RegisterDocument:
    """[960]#1: the 確認票 of a 法務省通知 file (before → after per notice), made before applying it."""
    rev = immigration.review(text, staff=staff)
    return RegisterDocument(
        kind="immigration_confirmation",
        title="処理結果確認票（出入国在留管理庁長官通知）",
        functions=("960",),
        municipality_code=municipality_code(),
        made_on=on or timezone.localdate(),
        person_ids=tuple(r.person_id for r in rev.rows if r.person_id),
        fields={
            "通知件数": len(rev.rows),
            "取込可": sum(r.ready for r in rev.rows),
            "未取込": len(rev.pending),
            "ファイルの誤り": [f"{n}行目: {m}" for n, m in rev.problems],
        },
        rows=tuple(immigration.confirmation_rows(rev)),
    )
