"""住民異動届受理通知 ([580]): the notice that a 届出 was received, as data (printing: issue 12).

What it says is fixed by [580]#2 and nothing more: 届出日, 異動事由, 届出人氏名, 異動者氏名 and that
the 届出 was received. It is addressed to the 届出人 at the 異動前住所 ([580]#2), or to the 異動者 at
the 異動後住所 when there was no address before here (出生, 国外転入等) or sending it there does not
fit ([580]#3). It is made from the approved 異動 and the event log, on any later day too
([580]#4). It never carries what was reported (new address, 本籍, 転出先 …): a notice telling the
異動者 the content of the latest 異動 is a must-not ([580]#5), so the builder takes no option to add it.

A provisional 異動 has no notice ([530]#6: nothing is issued from data not yet 本登録). A protected
person is masked and the notice's addresses hidden for staff without need-to-know ([440]).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jichitai.accounts.capabilities import has_capability
from jichitai.tenancy.context import current
from jichitai.wareki import format_date

from .. import reasons
from ..errors import violation
from ..models import EventStatus, RegistryEvent
from ..rules import today
from ..selectors import access
from ..selectors.addresses import HIDDEN
from ..selectors.event_persons import EventPerson, event_persons, names_of
from . import RegisterDocument, document

TITLE = "住民異動届受理通知"
SCREEN = "住民異動届受理通知"
# [580]#1: 転入届, 転居届, 転出届, 世帯変更届 (and the 出生 of #3)
NOTIFIED_KINDS = frozenset({
    "move_in", "move_in_abroad", "move_within", "move_out_planned", "move_out_abroad", "household_split",
    "household_merge", "head_change", "birth",
})
# [580]#3: no address here before the 異動
NO_BEFORE = frozenset({"birth", "move_in_abroad"})
RECEIVED = "上記のとおり住民異動届を受理しましたので通知します。"
# the only items a notice has ([580]#2 and its addressee); tests hold the builder to them
FIELDS = ("届出日", "異動事由", "届出人氏名", "異動者氏名", "受理した旨", "宛先住所", "宛先氏名", "作成日")
MAX_NOTIFIER = 100


def _event(event_id: int) -> RegistryEvent:
    event = RegistryEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise violation("not_found", "異動が見つかりません。", "event_id")
    if event.status != EventStatus.APPROVED:
        raise violation("not_registered", "受理通知は本登録（決裁済み）の異動についてだけ作成できます。", "event_id")
    if event.kind not in NOTIFIED_KINDS:
        raise violation("no_receipt_notice", "受理通知は転入・転居・転出・世帯変更等の届出について作成できます。", "event_id")
    return event


def _addressee(event: RegistryEvent, persons: list[EventPerson], notifier: str,
               notifier_person: EventPerson | None, to_mover: bool) -> tuple[str, str]:
    """(宛先住所, 宛先氏名): the 届出人 at the 異動前住所, else the 異動者 at the 異動後住所."""
    first = persons[0]
    if any(p.masked for p in persons) or (notifier_person is not None and notifier_person.masked):
        return HIDDEN, first.name if not first.masked else access.MASK
    before = first.before_address
    if not before and event.kind == "move_in" and first.after:  # 国内転入: 従前の住所 (its text)
        before = str(first.after.get("previous_address") or "")
    if to_mover or event.kind in NO_BEFORE or not before:
        return first.after_address or before, first.name
    return before, notifier or first.name


@document("receipt_notice", title=TITLE, functions=("580",))
def build_receipt_notice(*, staff: Any, event_id: int, notifier_name: str = "",
                         notifier_person_id: int | None = None, to_mover: bool = False,
                         made_on: dt.date | None = None) -> RegisterDocument:
    """The notice of one approved 届出. ``notifier_name``: the 届出人 as written on the 届出 (blank:
    ``notifier_person_id``'s name, else the first 異動者, the 世帯主 when among them);
    ``to_mover``: send it to the 異動者 at the 異動後住所 ([580]#3 「送付することが適当でない場合」)."""
    if not has_capability(staff, "registry.enter"):
        raise violation("not_allowed", "受理通知を作成する権限がありません。", "staff")
    notifier_name = (notifier_name or "").strip()
    if len(notifier_name) > MAX_NOTIFIER:
        raise violation("too_long", f"届出人氏名は{MAX_NOTIFIER}文字以内で入力してください。", "notifier_name")
    event = _event(event_id)
    persons = event_persons(event, staff=staff, screen=SCREEN, function="receipt_notice")
    if not persons:
        raise violation("not_found", "異動者が見つかりません。", "event_id")
    notifier_person = None
    if notifier_person_id is not None and not notifier_name:
        named = names_of([notifier_person_id], staff=staff, screen=SCREEN, function="receipt_notice.notifier")
        if notifier_person_id not in named:
            raise violation("not_found", "届出人が見つかりません。", "notifier_person_id")
        notifier_name = named[notifier_person_id]
        masked = named[notifier_person_id] == access.MASK
        notifier_person = EventPerson(None, notifier_name, masked, False, None, None, "", "")
    notifier = notifier_name or persons[0].name
    address, to = _addressee(event, persons, notifier, notifier_person, to_mover)
    fields = {
        "届出日": format_date(event.reported_date) if event.reported_date else "",
        "異動事由": reasons.classify(event.kind).label,
        "届出人氏名": notifier,
        "異動者氏名": "、".join(p.name for p in persons),
        "受理した旨": RECEIVED,
        "宛先住所": address,
        "宛先氏名": to,
        "作成日": format_date(made_on or today()),
    }
    assert tuple(fields) == FIELDS
    return RegisterDocument(
        kind="receipt_notice", title=TITLE, functions=("580",), municipality_code=municipality_code(),
        made_on=made_on or today(), person_ids=tuple(p.id for p in persons if p.id is not None),
        fields=fields, rows=tuple({"異動者氏名": p.name} for p in persons),
    )


def municipality_code() -> str:
    """The acting municipality's 地方公共団体コード (a document names whose it is)."""
    from jichitai.tenancy.models import Municipality

    m = Municipality.objects.filter(pk=current().acting_municipality_id).values_list("code", flat=True).first()
    return str(m or "")
