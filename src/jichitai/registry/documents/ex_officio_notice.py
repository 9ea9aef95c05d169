"""職権記載等通知書 and 職権記録書 ([750]#2) as data.

職権記載等通知書: to each person a 職権記載・職権消除・職権修正 was made about (one row each), when the
異動 was made ex officio. A 軽微な修正 needs no notice (規則第11条第3項第2号: it is not a 記載等 the
person must be told of) and is refused, as is a 異動 made on its 届出. 職権記録書: what was done, on
what (契機, 戸籍届出日, 通知日, 申出日) and which items. Persons are read through the read layer only:
a protected person's name or address never reaches a document for staff without need-to-know (the
document is refused, naming nobody). Printing is the certificates issue's (issue 12).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jichitai.tenancy.context import current
from jichitai.tenancy.models import Municipality
from jichitai.wareki import format_date

from .. import ex_officio, reasons, selectors
from ..errors import violation
from ..labels import label
from ..models import EventFact, EventStatus, RegistryEvent
from ..records_models import EventEntry
from . import RegisterDocument, document

SCREEN = "職権記載等通知書"
_REFUSED = "支援措置の対象となる方を含むため、この文書は作成できません（支援措置担当の職員が作成してください）。"


def _event(event_id: int) -> RegistryEvent:
    event = RegistryEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise violation("not_found", "異動が見つかりません。", "event_id")
    if event.status != EventStatus.APPROVED:
        raise violation("not_approved", "本登録された異動についてだけ作成できます。", "event_id")
    return event


def _persons(event: RegistryEvent, staff: Any, screen: str) -> list[tuple[int, Any, list[str]]]:
    """(id, detail, changed item labels) of each person the event changed; refused if one is masked."""
    changed: dict[int, list[str]] = {}
    for f in EventFact.objects.filter(event=event, entity="person").order_by("id"):
        items = changed.setdefault(int(f.entity_id), [])
        if label(f.field) not in items and f.field not in ("version",):
            items.append(label(f.field))
    out = []
    for pid, items in changed.items():
        detail = selectors.person_detail(pid, staff=staff, screen=screen)
        if detail.masked:
            raise violation("support_measure", _REFUSED, "event_id")
        out.append((pid, detail, items))
    return out


def _common(event: RegistryEvent) -> dict[str, Any]:
    reason = reasons.classify(event.kind, sub_reason=str((event.request or {}).get("reason") or ""))
    record = ex_officio.record_of(event.pk)
    entry = EventEntry.objects.filter(event=event).first()
    return {
        "職権記載等の区分": f"職権{reason.division}"
        if reason.division != reasons.CHANGE
        else "職権修正",
        "異動事由": reason.label,
        "異動日": format_date(event.effective_date),
        "処理日": format_date(timezone.localtime(event.registered_at).date())
        if event.registered_at
        else "",
        "職権の契機": ex_officio.basis_label(record.basis) if record else "",
        "戸籍届出日": format_date(record.koseki_reported_on)
        if record and record.koseki_reported_on
        else "",
        "通知日": format_date(entry.notified_on) if entry and entry.notified_on else "",
        "申出日": format_date(entry.offered_on) if entry and entry.offered_on else "",
        "職権により記載等を行う事項": record.matter if record else "",
    }


def _code() -> str:
    return str(
        Municipality.objects.filter(pk=current().municipality_id)
        .values_list("code", flat=True)
        .first()
        or ""
    )


@document("ex_officio_notice", title="職権記載等通知書", functions=("750",))
def ex_officio_notice(*, event_id: int, staff: Any) -> RegisterDocument:
    """[750]#2: the notice to the persons of a 職権記載等 made because the 届出 was missing."""
    event = _event(event_id)
    if event.kind == "minor_correction":
        raise violation(
            "minor_correction", "軽微な修正は職権記載等通知書の対象ではありません。", "event_id"
        )
    if not ex_officio.is_ex_officio(event):
        raise violation(
            "not_ex_officio",
            "届出に基づく異動です（職権記載等通知書の対象ではありません）。",
            "event_id",
        )
    persons = _persons(event, staff, SCREEN)
    rows = tuple(
        {
            "住民ID": pid,
            "氏名": d.summary.name,
            "住所": d.summary.address,
            "記載等を行った事項": "、".join(items),
        }
        for pid, d, items in persons
    )
    return RegisterDocument(
        "ex_officio_notice",
        "職権記載等通知書",
        ("750",),
        _code(),
        timezone.localdate(),
        tuple(pid for pid, _, _ in persons),
        _common(event),
        rows,
    )


@document("ex_officio_record", title="職権記録書", functions=("750",))
def ex_officio_record(*, event_id: int, staff: Any) -> RegisterDocument:
    """[750]#2: what was recorded, removed or corrected ex officio, and on what."""
    event = _event(event_id)
    if not ex_officio.is_ex_officio(event):
        raise violation(
            "not_ex_officio", "届出に基づく異動です（職権記録書の対象ではありません）。", "event_id"
        )
    persons = _persons(event, staff, "職権記録書")
    fields = _common(event)
    fields["受付番号"] = event.pk
    rows = tuple(
        {"住民ID": pid, "氏名": d.summary.name, "記載等を行った事項": "、".join(items)}
        for pid, d, items in persons
    )
    return RegisterDocument(
        "ex_officio_record",
        "職権記録書",
        ("750",),
        _code(),
        timezone.localdate(),
        tuple(pid for pid, _, _ in persons),
        fields,
        rows,
    )
