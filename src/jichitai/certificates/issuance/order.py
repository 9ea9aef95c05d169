"""[1010] 世帯連記式の世帯員の記載順序.

第1順位 世帯主・配偶者・世帯主の子; 第2順位 世帯主の子の家族 (the child, its spouse, its children),
families in the child's birth order; 第3順位 父母・兄弟姉妹・祖父母; 第4順位 everyone else:
親族, 縁故者, 同居人 — each by 生年月日, then 宛名番号 — and the 親族・縁故者の家族 (#2), each ordered
like a 第2順位 family (the relative, the spouse, the children), several families by the relative's
generation (older first), 生年月日, 宛名番号 (#3). A 世帯員の並び順 set by hand (``member_order``,
#1 「任意に設定」) comes first, in its order. No other rule can be set (#4).

Readings where the register has no family links (it keeps only each person's 続柄 to the head):
- a 子 heads a 第2順位 family when a 子の妻/子の夫/孫 (子の子) has the child's own 筆頭者 (a married
  child has left the parents' 戸籍); other 子の配偶者・孫 follow the families. 父母・祖父母: the
  筆頭者 first (the person whose name is their 筆頭者), then by birth.
- a 親族's family is read from the 続柄 chain: 「妻の兄の妻」 and 「妻の兄の子」 are the family of the
  「妻の兄」 (the shortest chain they extend by a spouse or a 子 that someone in the household has).
  When several persons have that chain, the one sharing the member's 筆頭者 is the relative; if none
  does, the member stays alone. A relative in 第1–3順位 (兄, 妻) keeps his place; his family still
  forms a 第4順位 family keyed by him. Lone 親族 come before 親族 families (as 第1 before 第2順位).
- 縁故者 all have the 続柄 「縁故者」: those sharing a 筆頭者 are one family, headed by the 筆頭者
  (else the eldest), the others by birth; their generation is not known, so families go by birth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

HEAD = "世帯主"
SPOUSE = ("妻", "夫", "妻（未届）", "夫（未届）")
CHILD = "子"
CHILD_FAMILY = (
    "子の妻",
    "子の夫",
    "子の妻（未届）",
    "子の夫（未届）",
    "子（子の夫）",
    "子（子の妻）",
)
GRANDCHILD = ("孫", "子の子")  # the register writes 「子の子」 ([110]); 孫 kept for old data
GRANDPARENTS = ("祖父", "祖母", "父の父", "父の母", "母の父", "母の母")
RANK3 = {"父": 1, "母": 1, "兄": 2, "姉": 2, "弟": 2, "妹": 2, **dict.fromkeys(GRANDPARENTS, 3)}
KIN_OUTSIDE, COHABITANT = "縁故者", "同居人"
RANK4 = {KIN_OUTSIDE: 2, COHABITANT: 3}  # anything else: 親族 (4-1)
GENERATION = {
    "父": 1,
    "母": 1,
    "子": -1,
}  # a piece of a chain: 夫妻・兄弟姉妹 are the same generation
FAR = dt.date(9999, 12, 31)


def _birth(p: Mapping[str, Any]) -> tuple[dt.date, str]:
    return (p.get("birth_date") or FAR, str(p.get("atena_no") or ""))


def _rel(p: Mapping[str, Any]) -> str:
    return str(p.get("relationship") or "")


def _is_hittousha(p: Mapping[str, Any]) -> bool:
    return (
        bool(p.get("hittousha"))
        and p["hittousha"] == f"{p.get('family_name', '')}{p.get('given_name', '')}"
    )


def generation(chain: str) -> int:
    """A 続柄 chain's generation against the 世帯主 (父 +1, 子 −1): 「妻の父」 1, 「兄の子」 −1."""
    return sum(GENERATION.get(piece, 0) for piece in chain.split("の"))


def _kin(rel: str) -> bool:
    """A 第4順位 親族 (4-1): not 第1–3順位, not 縁故者 or 同居人."""
    return bool(rel) and not (
        rel == HEAD
        or rel in SPOUSE
        or rel == CHILD
        or rel in CHILD_FAMILY
        or rel in GRANDCHILD
        or rel in RANK3
        or rel in RANK4
    )


def _root(
    i: int, members: Sequence[Mapping[str, Any]], by_chain: Mapping[str, list[int]]
) -> tuple[int, int] | None:
    """(the relative's index, inner place) of a 親族 extending someone's chain by spouse or 子."""
    pieces = _rel(members[i]).split("の")
    for cut in range(1, len(pieces)):
        rest = pieces[cut:]
        if rest[0] not in SPOUSE and rest[0] != CHILD:
            continue
        candidates = by_chain.get("の".join(pieces[:cut]), [])
        if len(candidates) > 1:
            own = str(members[i].get("hittousha") or "")
            candidates = [c for c in candidates if own and members[c].get("hittousha") == own]
        if len(candidates) == 1:
            return candidates[0], 2 if len(rest) == 1 and rest[0] in SPOUSE else 3
    return None


def _outside_families(members: Sequence[Mapping[str, Any]]) -> dict[int, tuple[Any, ...]]:
    """縁故者 sharing a 筆頭者: index → (family key, inner)."""
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(members):
        if _rel(p) == KIN_OUTSIDE and p.get("hittousha"):
            groups.setdefault(str(p["hittousha"]), []).append(i)
    out: dict[int, tuple[Any, ...]] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        heads = [i for i in group if _is_hittousha(members[i])]
        root = min(heads or group, key=lambda i: _birth(members[i]))
        key = (0, *_birth(members[root]))
        for i in group:
            out[i] = (*key, 1 if i == root else 3)
    return out


def _fourth_rank(members: Sequence[Mapping[str, Any]]) -> dict[int, tuple[Any, ...]]:
    """[1010]#2/#3: every 第4順位 member's key (4-1 親族, 4-2 縁故者, 4-3 同居人), families grouped."""
    by_chain: dict[str, list[int]] = {}
    for i, p in enumerate(members):
        by_chain.setdefault(_rel(p), []).append(i)
    keys: dict[int, tuple[Any, ...]] = {}
    roots: dict[int, int] = {}
    for i, p in enumerate(members):
        if not _kin(_rel(p)):
            continue
        found = _root(i, members, by_chain)
        if found is None:
            keys[i] = (1, 0, *_birth(p))
            continue
        root, inner = found
        roots[root] = root
        r = members[root]
        keys[i] = (1, 1, -generation(_rel(r)), *_birth(r), inner, *_birth(p))
    for root in roots:  # a 親族 heading a family leads it
        r = members[root]
        if _kin(_rel(r)):
            keys[root] = (1, 1, -generation(_rel(r)), *_birth(r), 1, *_birth(r))
    for i, family in _outside_families(members).items():
        keys[i] = (2, 1, *family, *_birth(members[i]))
    for i, p in enumerate(members):
        rank = RANK4.get(_rel(p))
        if rank is not None and i not in keys:
            keys[i] = (rank, 0, *_birth(p))
    return keys


def _rank(
    p: Mapping[str, Any], child_families: Mapping[str, tuple[dt.date, str]]
) -> tuple[Any, ...] | None:
    """第1–3順位; None for 第4順位."""
    rel = _rel(p)
    if rel == HEAD:
        return (1, 1, *_birth(p))
    if rel in SPOUSE:
        return (1, 2, *_birth(p))
    own = child_families.get(str(p.get("hittousha") or ""))
    if rel == CHILD:
        if own is not None and own == _birth(p):
            return (2, *own, 1, *_birth(p))
        return (1, 3, *_birth(p))
    if rel in CHILD_FAMILY or rel in GRANDCHILD:
        inner = 2 if rel in CHILD_FAMILY else 3
        if own is not None:
            return (2, *own, inner, *_birth(p))
        return (2, FAR, "", inner, *_birth(p))
    if rel in RANK3:
        first = 0 if RANK3[rel] != 2 and _is_hittousha(p) else 1
        return (3, RANK3[rel], first, *_birth(p))
    return None


def _child_families(members: Sequence[Mapping[str, Any]]) -> dict[str, tuple[dt.date, str]]:
    heads = {str(p.get("hittousha") or "") for p in members if _rel(p) == HEAD}
    families = (
        {str(p.get("hittousha") or "") for p in members if _rel(p) in (*CHILD_FAMILY, *GRANDCHILD)}
        - heads
        - {""}
    )
    out: dict[str, tuple[dt.date, str]] = {}
    for p in sorted((p for p in members if _rel(p) == CHILD), key=_birth):
        key = str(p.get("hittousha") or "")
        if key in families and key not in out:
            out[key] = _birth(p)
    return out


def member_order(members: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """``members`` (person items with relationship, birth_date, atena_no, hittousha, names,
    member_order) in the order a 世帯連記式 prints them."""
    child_families = _child_families(members)
    fourth = _fourth_rank(members)

    def key(i: int) -> tuple[Any, ...]:
        p = members[i]
        manual = str(p.get("member_order") or "")
        if manual.isdigit():
            return (0, int(manual))
        ranked = _rank(p, child_families)
        if ranked is not None:
            return (1, *ranked)
        return (1, 4, *fourth.get(i, (1, 0, *_birth(p))))

    return [members[i] for i in sorted(range(len(members)), key=key)]
