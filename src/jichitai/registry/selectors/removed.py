"""除票 ([50] 1.1.5): a removed record's own items ([50]#10), computed from its history, and the
municipality's 除票 in 処理年月日順 ([50]#8).

A 除票 is a person whose record was removed (転出・死亡・職権消除: status moved_out / dead /
deleted, ``removed_on``) or the rows before a 改製 (改製原住民票). It stays in the register's
database until 5 years after its 消除; then the batch of [1300] moves it to the 除票用データベース
(registry/archive.py), and ``search_removed`` finds both together ([50]#6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from jichitai.audit.recording import record_alert

from ..models import EventFact, Person, PersonStatus, RegistryEvent
from ..records_models import EventEntry
from . import access
from .snapshots import Snapshot, build

REMOVED = (PersonStatus.MOVED_OUT, PersonStatus.DEAD, PersonStatus.DELETED)
MOVE_OUT_KINDS = ("move_out_confirmed", "move_out_abroad")


@dataclass(frozen=True)
class RemovalItems:
    """【住民票の除票固有の記載事項】 and 【住民票の除票のその他の項目】 of [50]#10."""

    reason: str  # 消除事由（転出、改製、死亡等）
    planned_destination: str  # 転出先住所（予定）
    occurred_on: str | None  # 事由の生じた年月日（転出: 転出予定年月日）
    confirmed_destination: str  # 転出先住所（確定）
    reported_on: str | None  # 届出の年月日
    notified_on: str | None  # 転入通知年月日
    moved_out_on: str | None  # 転出年月日（転出の場合）

    def lines(self) -> list[str]:
        """As the 統合記載欄 of a 除票 writes them ([50]#9, [140]#3)."""
        out = [f"消除事由 {self.reason}"]
        if self.occurred_on:
            out.append(f"事由の生じた年月日 {self.occurred_on}")
        if self.planned_destination:
            out.append(f"転出先住所（予定） {self.planned_destination}")
        if self.confirmed_destination:
            out.append(f"転出先住所（確定） {self.confirmed_destination}")
        if self.notified_on:
            out.append(f"転入通知年月日 {self.notified_on}")
        return out


def _kinds(rows: list[Snapshot]) -> dict[int, str]:
    ids = [r.event_id for r in rows if r.event_id]
    return dict(RegistryEvent.objects.filter(pk__in=ids).values_list("pk", "kind"))


def removal_items(person_id: int, rows: list[Snapshot] | None = None) -> RemovalItems | None:
    """The 除票 items of a removed person (None while the record is current)."""
    rows = build(person_id) if rows is None else rows
    if not rows or rows[-1].row.get("status") not in REMOVED:
        return None
    kinds = _kinds(rows)
    removal = next((r for r in reversed(rows) if r.division == "消除"), rows[-1])
    planned = next((r for r in reversed(rows) if kinds.get(r.event_id or 0) == "move_out_planned"), None)
    kind = kinds.get(removal.event_id or 0, "")
    moving = kind in MOVE_OUT_KINDS
    entry = EventEntry.objects.filter(event_id=removal.event_id).first() if removal.event_id else None
    last = rows[-1].row  # [680]: the 転入通知's items, also on a 職権消除's 除票 (#2)
    confirmed = str(last.get("move_out_confirmed_destination") or "")
    notified = last.get("move_in_notice_on") or (entry.notified_on.isoformat() if entry and entry.notified_on else None)
    return RemovalItems(
        reason=removal.reason,
        planned_destination=str(planned.row.get("move_out_destination") or "") if planned else (
            str(removal.row.get("move_out_destination") or "") if kind == "move_out_abroad" else ""),
        occurred_on=(planned.row.get("move_out_planned_on") if planned and moving else removal.effective_date),
        confirmed_destination=confirmed,
        reported_on=(planned.reported_date if planned and moving else removal.reported_date),
        notified_on=notified,
        moved_out_on=(last.get("removed_on") or removal.effective_date) if moving else None,
    )


def removed_in_processing_order(*, staff: Any, screen: str = "除票一覧", limit: int = 100) -> list[dict[str, Any]]:
    """The 除票 of the municipality, newest 処理年月日 first ([50]#8: kept in 処理年月日順); protected
    persons masked (no identifier) for staff without need-to-know."""
    facts = (EventFact.objects.filter(entity="person", field="status", after__in=[s.value for s in REMOVED])
             .order_by("-approval_seq").values_list("entity_id", "event__registered_at")[:limit])
    order: dict[int, Any] = {}
    for pid, registered in facts:  # the latest removal of each person, in 本登録 order
        order.setdefault(pid, registered)
    persons = {p.pk: p for p in Person.objects.for_read(screen=screen, function="removed.list")
               .filter(pk__in=list(order), status__in=REMOVED)}
    masked = access.screen_persons(persons, staff=staff, screen=screen, function="removed.list")
    out = []
    for pid, registered in order.items():
        p = persons.get(pid)
        if p is None:
            continue
        hide = pid in masked
        out.append({"processed_at": registered, "masked": hide, "id": None if hide else pid,
                    "name": access.MASK if hide else p.full_name, "status": "" if hide else p.get_status_display(),
                    "removed_on": None if hide else p.removed_on})
    return out


# ---- [50]#6: one 除票 search over the register's database and the 除票用データベース -------------

SEARCH_SCREEN = "除票検索"
SEARCH_LIMIT = 100
LIVE, ARCHIVE = "住民記録システム", "除票用データベース"


@dataclass(frozen=True)
class RemovedQuery:
    name: str = ""
    kana: str = ""
    birth_date: Any = None  # dt.date
    atena_no: str = ""

    def is_empty(self) -> bool:
        return not (self.name.strip() or self.kana.strip() or self.birth_date or self.atena_no.strip())


def _filter(qs: Any, query: RemovedQuery) -> Any:
    from jichitai.moji import key

    from .. import lookups  # noqa: F401  registers the __prefix lookup the keys use
    from . import search_items as items

    if query.name.strip():
        qs = qs.filter(items.text_q("name_key", key(query.name), "prefix"))
    if query.kana.strip():
        qs = qs.filter(items.kana_q("kana_key", query.kana, "prefix"))
    if query.birth_date:
        qs = qs.filter(birth_date=query.birth_date)
    if query.atena_no.strip():
        qs = qs.filter(atena_no=items.plain(query.atena_no))
    return qs


def _archived_protected(record: Any, on: Any) -> bool:
    """The archive's copy of the 支援措置 rule (access._active): a measure not ended protects."""
    return any(not m.get("ended_at") and ((m.get("start_date") or "9999") <= on or
                                          (m.get("provisional_start") or "9999") <= on) for m in record.support)


def _live_rows(query: RemovedQuery, staff: Any, screen: str) -> list[dict[str, Any]]:
    from . import move_outs

    qs = _filter(Person.objects.filter(Q(status__in=REMOVED) | move_outs.gone()), query)
    persons = list(qs.for_read(screen=screen, function="removed.search").order_by("kana_key", "pk")[:SEARCH_LIMIT])
    masked = access.screen_persons([p.pk for p in persons], staff=staff, screen=screen, function="removed.search")
    out = []
    for p in persons:
        row = move_outs.effective({"status": p.status, "removed_on": p.removed_on,
                                   "move_out_planned_on": p.move_out_planned_on})
        out.append(_row(LIVE, p.pk if p.pk not in masked else None, p, PersonStatus(row["status"]).label,
                        row["removed_on"], "", p.pk in masked))
    return out


def _archive_rows(query: RemovedQuery, staff: Any, screen: str) -> list[dict[str, Any]]:
    from django.utils import timezone

    from ..archive_models import ArchivedRecord

    records = list(_filter(ArchivedRecord.objects.all(), query).for_read(screen=screen, function="removed.search")
                   .order_by("kana_key", "pk")[:SEARCH_LIMIT])
    today = timezone.localdate().isoformat()
    may_see = access.need_to_know(staff)
    out = []
    for r in records:
        protected = _archived_protected(r, today)
        if protected:
            record_alert("support_measure.access", subject_type="archived_person", subject_id=r.pk, screen=screen,
                         function="removed.search", detail={"masked": not may_see})
        hide = protected and not may_see
        out.append(_row(ARCHIVE, None if hide else r.pk, r, str(r.removal.get("reason", "")), r.removed_on,
                        r.last_address, hide))
    return out


def _row(source: str, pk: Any, p: Any, reason: str, removed_on: Any, address: str, hide: bool) -> dict[str, Any]:
    if hide:  # no name, no date, no id: nothing that tells who it is
        return {"source": source, "id": None, "masked": True, "name": access.MASK, "kana": "", "birth_date": None,
                "sex": "", "reason": "", "removed_on": None, "address": ""}
    return {"source": source, "id": pk, "masked": False, "name": p.full_name,
            "kana": f"{p.family_name_kana} {p.given_name_kana}".strip(), "birth_date": p.birth_date,
            "sex": {"1": "男", "2": "女"}.get(p.sex, "不詳"), "reason": reason, "removed_on": removed_on,
            "address": address}


def search_removed(query: RemovedQuery, *, staff: Any, screen: str = SEARCH_SCREEN) -> list[dict[str, Any]]:
    """[50]#6: one search finds the 除票 in the register's database and in the 除票用データベース,
    the register's first; 支援措置 masked in both (an alert for every protected one found)."""
    if query.is_empty():
        from ..errors import violation

        raise violation("empty_query", "検索条件を1つ以上入力してください。", "name")
    return _live_rows(query, staff, screen) + _archive_rows(query, staff, screen)


# ---- [980]#2: a 取消 of an 異動 whose persons were moved to the 除票用データベース -----------------


def archived_persons(person_ids: Any, *, screen: str = "異動の取消し") -> dict[int, dict[str, Any]]:
    """Of ``person_ids`` (former register ids), those now in the 除票用データベース: their 宛名番号,
    住民票コード, last record and 異動明細 (read logged; none of them is shown on a screen)."""
    from ..archive_models import ArchivedRecord

    wanted = sorted({int(i) for i in person_ids})
    if not wanted:
        return {}
    rows = ArchivedRecord.objects.filter(person_id__in=wanted).for_read(
        screen=screen, function="cancellation.archived")
    return {r.person_id: {"atena_no": r.atena_no, "resident_code": r.resident_code, "record": r.record,
                          "history": r.history} for r in rows}
