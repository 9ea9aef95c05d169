"""[1010] 世帯連記式の世帯員の記載順序.

第1順位 世帯主・配偶者・世帯主の子; 第2順位 世帯主の子の家族 (the child, its spouse, its children),
families in the child's birth order; 第3順位 父母・兄弟姉妹・祖父母; 第4順位 everyone else
(親族, 縁故者, 同居人). Inside a group: 生年月日, then 宛名番号. A 世帯員の並び順 set by hand
(``member_order``, [1010]#1 「任意に設定」) comes first, in its order.

Reading where the register has no links: a 子 heads a 第2順位 family when a 子の妻/子の夫/孫 has the
child's own 筆頭者 (a married child has left the parents' 戸籍); other 子の配偶者・孫 follow the
families. 父母・祖父母: the 筆頭者 first (the person whose name is their 筆頭者), then by birth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

SPOUSE = ("妻", "夫", "妻（未届）", "夫（未届）")
CHILD = "子"
CHILD_FAMILY = ("子の妻", "子の夫", "子の妻（未届）", "子の夫（未届）")
GRANDCHILD = "孫"
RANK3 = {"父": 1, "母": 1, "兄": 2, "姉": 2, "弟": 2, "妹": 2, "祖父": 3, "祖母": 3}
RANK4 = {"縁故者": 2, "同居人": 3}  # anything else: 親族 (4-1)
FAR = dt.date(9999, 12, 31)


def _birth(p: Mapping[str, Any]) -> tuple[dt.date, str]:
    return (p.get("birth_date") or FAR, str(p.get("atena_no") or ""))


def _is_hittousha(p: Mapping[str, Any]) -> bool:
    return (
        bool(p.get("hittousha"))
        and p["hittousha"] == f"{p.get('family_name', '')}{p.get('given_name', '')}"
    )


def _rank(
    p: Mapping[str, Any], child_families: Mapping[str, tuple[dt.date, str]]
) -> tuple[Any, ...]:
    rel = str(p.get("relationship") or "")
    if rel == "世帯主":
        return (1, 1, *_birth(p))
    if rel in SPOUSE:
        return (1, 2, *_birth(p))
    own = child_families.get(str(p.get("hittousha") or ""))
    if rel == CHILD:
        if own is not None and own == _birth(p):
            return (2, *own, 1, *_birth(p))
        return (1, 3, *_birth(p))
    if rel in CHILD_FAMILY or rel == GRANDCHILD:
        inner = 2 if rel in CHILD_FAMILY else 3
        if own is not None:
            return (2, *own, inner, *_birth(p))
        return (2, FAR, "", inner, *_birth(p))
    if rel in RANK3:
        first = 0 if RANK3[rel] != 2 and _is_hittousha(p) else 1
        return (3, RANK3[rel], first, *_birth(p))
    return (4, RANK4.get(rel, 1), *_birth(p))


def member_order(members: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """``members`` (person items with relationship, birth_date, atena_no, hittousha, names,
    member_order) in the order a 世帯連記式 prints them."""
    heads = {str(p.get("hittousha") or "") for p in members if p.get("relationship") == "世帯主"}
    families = (
        {
            str(p.get("hittousha") or "")
            for p in members
            if p.get("relationship") in (*CHILD_FAMILY, GRANDCHILD)
        }
        - heads
        - {""}
    )
    child_families: dict[str, tuple[dt.date, str]] = {}
    for p in sorted((p for p in members if p.get("relationship") == CHILD), key=_birth):
        key = str(p.get("hittousha") or "")
        if key in families and key not in child_families:
            child_families[key] = _birth(p)

    def key(p: Mapping[str, Any]) -> tuple[Any, ...]:
        manual = str(p.get("member_order") or "")
        if manual.isdigit():
            return (0, int(manual))
        return (1, *_rank(p, child_families))

    return sorted(members, key=key)
