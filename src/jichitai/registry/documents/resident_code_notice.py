"""住民票コード通知票・変更通知票・修正通知票 ([890]) as data.

Made from one approved 異動 that gave, changed or corrected persons' 住民票コード ([890]#1): a new
person numbered (通知票), a 住民票コードの変更請求 (変更通知票), a 職権修正・訂正 of the code
(修正通知票). Made again from the same 異動 at any time, with the same content ([890]#2, 再出力).
[890]#3 (must not): there is no 住民票コード確認票 kind. [880]#3 (must not): no 返納案内.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ..errors import violation
from ..models import EventFact, EventStatus, RegistryEvent
from ..selectors.documents import document_persons
from . import RegisterDocument, document
from ._common import date_text, municipality_code

KIND = "resident_code_notice"
TITLES = {
    "new": "住民票コード通知票",
    "change": "住民票コード変更通知票",
    "correction": "住民票コード修正通知票",
}
SCREEN = "住民票コード通知票"


def variant(event_kind: str, before: Any) -> str:
    if event_kind == "resident_code_change":
        return "change"
    return "new" if not before else "correction"


def coded_persons(event_id: int) -> dict[int, tuple[str, str]]:
    """Persons whose 住民票コード the approved event wrote → (the variant of their 通知票, the code
    it wrote: a 再出力 prints the code of that 異動)."""
    event = RegistryEvent.objects.filter(pk=event_id, status=EventStatus.APPROVED).first()
    if event is None:
        raise violation("not_found", "本登録された異動が見つかりません。", "event_id")
    facts = EventFact.objects.filter(event=event, entity="person", field="resident_code").order_by(
        "id"
    )
    return {
        int(f.entity_id): (variant(event.kind, f.before), str(f.after)) for f in facts if f.after
    }


@document(KIND, title="住民票コード通知票", functions=("890",))
def build_notice(
    *, staff: Any, event_id: int, person_id: int, made_on: dt.date | None = None
) -> RegisterDocument:
    """The 通知票 of ``person_id`` for the 異動 ``event_id`` (its title says which of the three)."""
    found = coded_persons(event_id).get(person_id)
    if found is None:
        raise violation(
            "not_found",
            "この異動で住民票コードを付番・変更・修正した住民ではありません。",
            "person_id",
        )
    person = document_persons([person_id], staff=staff, screen=SCREEN, function=KIND).get(person_id)
    if person is None:  # 支援措置: nothing of him reaches staff without need-to-know
        raise violation(
            "protected", "この通知票は支援措置担当の職員だけが作成できます。", "person_id"
        )
    v, (which, code) = person.values, found
    foreign = v.get("resident_type") == "foreign"
    return RegisterDocument(
        kind=KIND,
        title=TITLES[which],
        functions=("890",),
        municipality_code=municipality_code(),
        made_on=made_on or timezone.localdate(),
        person_ids=(person_id,),
        fields={
            "氏名": f"{v.get('family_name') or ''}\u3000{v.get('given_name') or ''}".strip(),
            "生年月日": date_text(v.get("birth_date"), foreign=foreign),
            "住所": person.address,
            "住民票コード": code,
            "異動の受付番号": event_id,
        },
    )


def notices_for_event(event_id: int, *, staff: Any) -> list[RegisterDocument]:
    """[890]#1: every 通知票 an approved 異動 calls for, made in the same flow as its 決裁."""
    return [
        build_notice(staff=staff, event_id=event_id, person_id=pid)
        for pid in coded_persons(event_id)
    ]
