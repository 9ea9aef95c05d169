"""What the 統合記載欄 says of 未届転入 ([620]#1, [800]#2) and 事実上の世帯主 ([740]#1), derived from the log.

- 未届転入: a 転入 (or 職権記載) whose 届出 was never made at the addresses in between. Its request says
  ``unreported``; the 転入前住所 is the most recent 未届 address with 「（未届）」 at its end, and the
  異動's 留意事項 (B類型) states that it is a 未届転入 and that address. The 留意事項 is derived from
  the approved 異動 itself, so a 取消 or 訂正 of the 異動 carries it along and no clerk can forget it.
- 事実上の世帯主: a person item (the name), set by its own 異動 or by a 職権修正; the 備考 (C類型)
  shows 「事実上の世帯主　氏名」 while the item holds a name.

Never reads persons (the callers do, through the read layer).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

UNREPORTED = "（未届）"
UNREPORTED_KINDS = frozenset({"move_in", "ex_officio_entry"})
DE_FACTO_HEAD = "事実上の世帯主"


def unreported_address(previous: str) -> str:
    """[620]#1: the 転入前住所 of a 未届転入, ending in 「（未届）」 once."""
    text = (previous or "").strip()
    return text if text.endswith(UNREPORTED) else f"{text}{UNREPORTED}"


def unreported_remark(kind: str, request: Mapping[str, Any] | None) -> str | None:
    """The 留意事項 of an approved 未届転入 (None for any other 異動)."""
    request = request or {}
    if str(kind) not in UNREPORTED_KINDS or not request.get("unreported"):
        return None
    return f"未届転入　転入前住所（未届）：{unreported_address(str(request.get('previous_address') or ''))}"


def de_facto_head_note(name: str | None) -> str | None:
    """The 備考 line of a person whose 事実上の世帯主 is recorded."""
    name = (name or "").strip()
    return f"{DE_FACTO_HEAD}　{name}" if name else None
