"""表示権限 ([1390]): items shown only to staff holding their display capability.

「戸籍の表示」(本籍・筆頭者), 「住民票コード」 and 「在留資格等」 are withheld from a staff member
without the capability on every screen and API answer that reads persons through this layer (the
person record, as-of record and history, and every echo of a 異動's request); 個人番号 has its own
capability and flow (``access.MY_NUMBER``). A withheld item reads 「（表示権限なし）」 on screens and
is left out of API records. 続柄 is never withheld ([1390]#2 forbids it): it is in no map here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..labels import WITHHELD

SHOW_HONSEKI = "registry.show_honseki"
SHOW_RESIDENT_CODE = "registry.show_resident_code"
SHOW_RESIDENCE_STATUS = "registry.show_residence_status"

#: item -> the capability needed to see it
DISPLAY_RIGHTS: dict[str, str] = {
    "honseki": SHOW_HONSEKI,
    "hittousha": SHOW_HONSEKI,
    "resident_code": SHOW_RESIDENT_CODE,
    "residence_status": SHOW_RESIDENCE_STATUS,
    "residence_period": SHOW_RESIDENCE_STATUS,
    "residence_end_date": SHOW_RESIDENCE_STATUS,
    "residence_card_no": SHOW_RESIDENCE_STATUS,
}
DISPLAY_CAPABILITIES = frozenset(DISPLAY_RIGHTS.values())
#: [1390]#2: never hideable by rights (a test checks no capability maps to them)
NEVER_WITHHELD = frozenset({"relationship"})
__all__ = ["DISPLAY_RIGHTS", "NEVER_WITHHELD", "WITHHELD", "withheld_fields", "withhold"]


def withheld_fields(staff: Any, municipality_id: int | None = None) -> frozenset[str]:
    """The items ``staff`` may not see in the acting (or given) municipality."""
    from jichitai.accounts.capabilities import capabilities_of

    caps = capabilities_of(staff, municipality_id)
    return frozenset(f for f, cap in DISPLAY_RIGHTS.items() if cap not in caps)


def withhold(row: Mapping[str, Any], withheld: frozenset[str]) -> dict[str, Any]:
    """A copy of a record row without the withheld items."""
    return {k: v for k, v in row.items() if k not in withheld}
