"""検索実行の記録 ([1370]#1 照会, #4 分析): one ``read/search`` entry per search executed, with
which items were used, for the analyses 「大量検索実行一覧」 and 「宛名番号等から該当者の検索実行一覧」
(jichitai.audit.reports). Identifier values are kept (宛名番号, 住民票コード …), a 個人番号 never is:
only that it was used.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from jichitai.audit.recording import record

# items that name one person (「宛名番号等」); a 個人番号 is logged as used, never its value
IDENTIFIERS = ("atena_no", "household_no", "resident_code", "residence_card_no", "special_permanent_cert_no",
               "my_number")
# how to search, not what: the 一致 mode, history and 除票 switches, the page
NOT_CRITERIA = {"include_removed", "include_history", "match", "birth_to", "page", "page_size"}


def log_search(query: Any, total: int, screen: str) -> None:
    used = [f.name for f in fields(query) if f.name not in NOT_CRITERIA and _given(getattr(query, f.name))]
    identifiers = {k: str(getattr(query, k)).strip() for k in IDENTIFIERS
                   if k != "my_number" and k in used}
    record("read", "search", subject_type="person_search", subject_id="-", screen=screen, function="search",
           my_number_shown=False, detail={
               "items": used, "identifiers": identifiers, "my_number_used": "my_number" in used,
               "total": int(total), "page": int(getattr(query, "page", 1) or 1)})


def _given(value: Any) -> bool:
    return bool(value.strip()) if isinstance(value, str) else value not in (None, False, 0, [], ())
