"""異動入力確認票 ([540] 入力確認・修正): the 確認用帳票 of a 異動 before 更新 (仮登録), as data.

The clerk and the approver check what was entered against the 届出 on screen (or printed, issue
12) and correct it before 決裁 (``events.provisional.amend_event``). One line per item entered,
labelled in Japanese, dates in 和暦; the request is echoed through the read layer's allow-list
(個人番号 only with its capability), and a 異動 about a protected person is masked for staff
without need-to-know ([440]).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jichitai.accounts.capabilities import has_capability
from jichitai.wareki import format_date

from ..errors import violation
from ..labels import label, value_text
from ..models import RegistryEvent
from ..rules import today
from ..selectors import MASK, mask_events
from ..selectors.event_persons import names_of
from . import RegisterDocument, document
from .receipt_notice import municipality_code as _code

TITLE = "異動入力確認票"
SCREEN = "異動入力確認票"
ROW_LABELS = {"persons": "異動者", "changes": "訂正", "household": "世帯", "new": "新しい世帯", "address": "異動後の住所"}
PERSON_ITEMS = frozenset({"person_id", "new_head_id", "remaining_head_id", "person_ids", "returning_person_id"})


def _lines(value: Any, path: tuple[str, ...] = (), where: tuple[str, ...] = ()) -> Iterator[tuple[str, str, Any]]:
    """(item label, item name, value) for each leaf of a stored request, in its order."""
    name = path[-1] if path else ""
    if path[-2:-1] == ("relationships",):
        yield f"続柄（住民ID {name}）", "relationship", value
    elif isinstance(value, dict):
        here = (*where, ROW_LABELS[name]) if name in ROW_LABELS and name not in ("persons", "changes", "new") else where
        for k, v in value.items():
            yield from _lines(v, (*path, str(k)), here)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for i, v in enumerate(value):
            yield from _lines(v, (*path, str(i)), (*where, f"{ROW_LABELS.get(name, label(name))}{i + 1}"))
    else:
        yield "・".join((*where, label(name))), name, value


def _text(name: str, value: Any, names: dict[int, str], towns: dict[int, str]) -> str:
    if name in PERSON_ITEMS and value not in (None, "", []):
        ids = value if isinstance(value, list) else [value]
        return "、".join(f"{names.get(int(i), '（不明）')}（住民ID {i}）" for i in ids)
    if name == "address_id" and value:
        return towns.get(int(value), str(value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return value_text(name, value)


@document("entry_confirmation", title=TITLE, functions=("540",))
def build_entry_sheet(*, staff: Any, event_id: int) -> RegisterDocument:
    """The 確認用帳票 of one 異動 (any status; made for those 仮登録)."""
    if not (has_capability(staff, "registry.enter") or has_capability(staff, "registry.approve")):
        raise violation("not_allowed", "確認票を作成する権限がありません。", "staff")
    event = RegistryEvent.objects.select_related("entered_by").filter(pk=event_id).first()
    if event is None:
        raise violation("not_found", "異動が見つかりません。", "event_id")
    (item,) = mask_events([event], staff=staff, screen=SCREEN)
    fields = {
        "受付番号": str(event.pk),
        "異動事由": event.get_kind_display(),
        "状態": event.get_status_display(),
        "異動日": format_date(event.effective_date),
        "届出日": format_date(event.reported_date) if event.reported_date else "—",
        "入力者": event.entered_by.display_name or event.entered_by.username,
        "作成日": format_date(today()),
    }
    if item.masked:
        return RegisterDocument("entry_confirmation", TITLE, ("540",), _code(), today(), (),
                                {**fields, "注意": item.notice}, ())
    lines = list(_lines(item.request))
    ids = {int(i) for _, n, v in lines if n in PERSON_ITEMS and v not in (None, "", [])
           for i in (v if isinstance(v, list) else [v])}
    ids |= {int(label_.split("住民ID ")[1].rstrip("）")) for label_, n, _ in lines if n == "relationship"
            and "住民ID" in label_}
    names = names_of(ids, staff=staff, screen=SCREEN, function="entry_confirmation")
    from ..selectors import town_names

    towns = town_names([v for _, n, v in lines if n == "address_id" and v])
    rows = tuple({"項目": where, "内容": _text(name, value, names, towns)} for where, name, value in lines)
    return RegisterDocument("entry_confirmation", TITLE, ("540",), _code(), today(),
                            tuple(sorted(i for i, n in names.items() if n != MASK)), fields, rows)
