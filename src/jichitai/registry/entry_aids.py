"""本籍入力補助 ([510] 4.0.6) and 方書入力補助 ([520] 4.0.7): the candidates a 異動 form offers.

- 本籍: besides typing it, the 現住所, the 転入前住所, the 世帯主の本籍 and each 世帯員の本籍 are offered
  (#1); a 再転入者's former 本籍 from his own history, except those of municipalities that no longer
  exist after a 合併 (#4); the same 本籍・筆頭者 of a household corrected at once from the first (#3).
- 方書: the 方書 registered for the 住所 and 番地 entered (#1).

What it must never do: offer a 住所・地番 from a 方書 ([520]#2: every lookup here starts from the
address), or print a 市区町村コード便覧 from a terminal ([510]#5: it keeps none). Persons are read
through the read layer only: a protected member's 本籍 (or existence) is never a candidate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import address_book, selectors
from .address_models import AddressDictionary

SCREEN = "異動入力（本籍入力補助）"
HONSEKI_ITEMS = frozenset({"honseki", "hittousha"})


@dataclass(frozen=True)
class Candidate:
    label: str  # where it comes from: 現住所, 転入前住所, 世帯主の本籍, 世帯員の本籍（氏名）, 履歴
    value: str


def katagaki_candidates(address_id: Any, banchi: str) -> list[str]:
    """[520]#1: the 方書 registered for the 町字 and 番地 entered (nothing until both are)."""
    try:
        town = int(address_id)
    except (TypeError, ValueError):
        return []
    if not (banchi or "").strip():
        return []
    return [k.name for k in address_book.katagaki_for(town, banchi)]


def _municipality_prefix() -> str:
    """都道府県＋市区町村 of the municipality at work, put before a 町字 to make a 本籍."""
    from jichitai.tenancy.context import current
    from jichitai.tenancy.models import Municipality

    m = Municipality.objects.filter(pk=current().municipality_id).first()
    return f"{m.prefecture}{m.name}" if m is not None else ""


def current_address_honseki(address_id: Any, banchi: str) -> str:
    """The 現住所 as a 本籍 would be written: 都道府県・市区町村・町字・番地 (never the 方書)."""
    try:
        town = selectors.town_names([int(address_id)]).get(int(address_id), "")
    except (TypeError, ValueError):
        return ""
    return f"{_municipality_prefix()}{town}{banchi or ''}" if town else ""


def honseki_candidates(
    *,
    staff: Any,
    household_id: int | None = None,
    address_id: Any = None,
    banchi: str = "",
    previous_address: str = "",
    returning_person_id: int | None = None,
) -> list[Candidate]:
    """[510]#1/#4: the candidates for a 本籍, each once, in the order the standard names them."""
    found: list[Candidate] = []

    def add(label: str, value: Any) -> None:
        text = str(value or "").strip()
        if text and text not in {c.value for c in found}:
            found.append(Candidate(label, text))

    hh = _household(household_id, staff)
    if hh is not None and not hh.address_hidden and address_id in (None, ""):
        address_id, banchi = hh.address_id, hh.banchi
    add("現住所", current_address_honseki(address_id, banchi))
    add("転入前住所", previous_address)
    if hh is not None:
        for m in hh.members:
            if m.masked or m.id is None:
                continue  # a protected member's 本籍 is no one's candidate
            record = selectors.person_detail(m.id, staff=staff, screen=SCREEN).record
            label = "世帯主の本籍" if m.id == hh.head_id else f"世帯員の本籍（{m.name}）"
            add(label, record.get("honseki"))
    if returning_person_id is not None:
        for value in history_honseki(returning_person_id, staff=staff):
            add("履歴の本籍", value)
    return found


def _household(household_id: int | None, staff: Any) -> selectors.HouseholdDetail | None:
    if household_id is None:
        return None
    from .errors import RegistryError

    try:
        return selectors.household_detail(household_id, staff=staff, screen=SCREEN)
    except RegistryError:
        return None


def history_honseki(person_id: int, *, staff: Any) -> list[str]:
    """[510]#4: a 再転入者's 本籍 from his own history, newest first, without those of a
    municipality that a 合併 has done away with (only former names left in the 住所辞書)."""
    detail = selectors.person_detail(person_id, staff=staff, screen=SCREEN)
    if detail.masked:
        return []
    seen: list[str] = []
    for entry in reversed(detail.history):
        value = str((entry.get("row") or {}).get("honseki") or "").strip()
        if value and value not in seen and not municipality_gone(value):
            seen.append(value)
    return seen


def municipality_gone(honseki: str) -> bool:
    """True when the 本籍's 都道府県＋市区町村 is in the 住所辞書 only as a former name (合併)."""
    names = AddressDictionary.objects.values_list("pref_name", "city_name", "former").distinct()
    matches = [
        former for pref, city, former in names if city and honseki.startswith(f"{pref}{city}")
    ]
    return bool(matches) and all(matches)


def correct_household_honseki(
    person_id: int,
    *,
    changes: Mapping[str, Any],
    effective_date: dt.date,
    entered_by: Any,
    reported_date: dt.date | None = None,
    idempotency_key: str | None = None,
) -> list[Any]:
    """[510]#3: the first member's new 本籍 and/or 筆頭者 (``changes``) taken over by every member
    of the household who had the same 本籍・筆頭者, one 職権修正 each, entered at once (仮登録;
    決裁 as usual). Members the clerk may not see (支援措置) are left to the staff who may."""
    from .errors import violation
    from .events import EventInput, submit_events

    if not changes or set(changes) - HONSEKI_ITEMS:
        raise violation(
            "same_honseki_items", "世帯員と一括して修正できるのは本籍・筆頭者だけです。", "changes"
        )

    first = selectors.person_detail(person_id, staff=entered_by, screen=SCREEN)
    if first.masked or first.person is None:
        raise violation("not_found", "住民が見つかりません。", "person_id")
    old = (first.record.get("honseki") or "", first.record.get("hittousha") or "")
    ids = [person_id]
    for m in first.household_members:
        if m.masked or m.id is None or m.id == person_id:
            continue
        record = selectors.person_detail(m.id, staff=entered_by, screen=SCREEN).record
        if (record.get("honseki") or "", record.get("hittousha") or "") == old:
            ids.append(m.id)
    key = idempotency_key
    items = [
        EventInput(
            "ex_officio_correction",
            {"person_id": pid, "changes": dict(changes)},
            effective_date,
            reported_date,
            f"{key}-{pid}" if key else None,
        )
        for pid in ids
    ]
    return submit_events(items, entered_by=entered_by)
