"""異動事由 ([210] 1.2.2): the standard's 区分 (記載・消除・修正) as data, and the mapping of every
event kind (with its sub-reasons) onto them.

The list is the standard's, word for word; nothing outside it can be produced ([210]#2 forbids a
「転居取消」 区分: a 取消 of a 転居 is 「異動の取消し（修正）」). ``tests/registry/test_reasons.py`` checks
that every ``EventKind`` maps and that every answer is in the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ENTRY, REMOVAL, CHANGE = "記載", "消除", "修正"

# 区分 → the standard's 事由, in its order. ``code``: our stable two-digit code per 事由.
STANDARD_REASONS: dict[str, tuple[str, ...]] = {
    ENTRY: (
        "国内転入", "国外転入等", "出生", "職権記載（帰化等）", "職権記載（国籍喪失）", "職権記載", "改製", "再製",
        "異動の取消し（増）",
    ),
    REMOVAL: (
        "国内転出", "国外転出", "死亡", "職権消除（帰化等）", "職権消除（国籍喪失）", "職権消除", "改製", "再製",
        "異動の取消し（減）",
    ),
    CHANGE: (
        "転居", "軽微な修正", "職権修正", "誤記修正", "個人番号の変更請求", "個人番号の職権修正", "個人番号の職権記載",
        "住民票コードの変更請求", "住民票コードの職権記載", "世帯分離", "世帯合併", "世帯変更", "世帯主変更", "旧氏の記載",
        "旧氏の変更", "旧氏の削除", "通称の記載", "通称の削除", "異動の取消し（修正）",
    ),
}
# Only for the resident type the standard names (※日本人住民のみ / ※外国人住民のみ).
ONLY_FOR = {
    (ENTRY, "職権記載（帰化等）"): "japanese", (ENTRY, "職権記載（国籍喪失）"): "foreign",
    (REMOVAL, "職権消除（帰化等）"): "foreign", (REMOVAL, "職権消除（国籍喪失）"): "japanese",
}


@dataclass(frozen=True)
class Reason:
    division: str  # 記載 / 消除 / 修正
    label: str  # the standard's 事由

    @property
    def code(self) -> str:
        """``E01`` … : 区分 letter and position in the standard's list."""
        letter = {ENTRY: "E", REMOVAL: "R", CHANGE: "C"}[self.division]
        return f"{letter}{STANDARD_REASONS[self.division].index(self.label) + 1:02d}"


def _r(division: str, label: str) -> Reason:
    assert label in STANDARD_REASONS[division], (division, label)
    return Reason(division, label)


# Every EventKind's default 事由 (the sub-reasons below refine it).
KIND_REASONS: dict[str, Reason] = {
    "move_in": _r(ENTRY, "国内転入"),
    "move_in_abroad": _r(ENTRY, "国外転入等"),
    "birth": _r(ENTRY, "出生"),
    "ex_officio_entry": _r(ENTRY, "職権記載"),
    "move_out_planned": _r(REMOVAL, "国内転出"),
    "move_out_confirmed": _r(REMOVAL, "国内転出"),
    "move_out_abroad": _r(REMOVAL, "国外転出"),
    "death": _r(REMOVAL, "死亡"),
    "ex_officio_deletion": _r(REMOVAL, "職権消除"),
    "move_within": _r(CHANGE, "転居"),
    "household_split": _r(CHANGE, "世帯分離"),
    "household_merge": _r(CHANGE, "世帯合併"),
    "household_change": _r(CHANGE, "世帯変更"),
    "head_change": _r(CHANGE, "世帯主変更"),
    # a 氏名変更 comes from the 戸籍's notice (法第9条第2項): the register corrects ex officio
    "name_change": _r(CHANGE, "職権修正"),
    "ex_officio_correction": _r(CHANGE, "職権修正"),
    "alias_change": _r(CHANGE, "通称の記載"),  # its request's action says 記載 or 削除 (SUB_REASONS)
    "correction": _r(CHANGE, "誤記修正"),
    # [930]–[950]: the new 住民票's 事由; the old one's is its 消除 (BY_RESIDENT_TYPE)
    "naturalization": _r(ENTRY, "職権記載（帰化等）"),
    "nationality_acquisition": _r(ENTRY, "職権記載（帰化等）"),
    "nationality_loss": _r(ENTRY, "職権記載（国籍喪失）"),
    # [1340]#2: a 住居表示 change is sent to the CS as 「軽微な修正」
    "address_renumbering": _r(CHANGE, "軽微な修正"),
    "honseki_renumbering": _r(CHANGE, "軽微な修正"),
    "disappearance": _r(REMOVAL, "職権消除"),  # [830]#1: 失踪 is entered as 職権消除
    "minor_correction": _r(CHANGE, "軽微な修正"),  # [850]
    # [910], [920]: 法第30条の46・47 (a 中長期在留者等 who set up, or has, an address here)
    "move_in_30_46": _r(ENTRY, "国外転入等"),
    "entry_30_47": _r(ENTRY, "国外転入等"),
    "resident_code_change": _r(CHANGE, "住民票コードの変更請求"),  # [880]
    # a 取消 takes its 区分 from what it undoes (classify); this is the fallback
    "cancellation": _r(CHANGE, "異動の取消し（修正）"),
}
# Sub-reasons a request may name (``reason`` of 職権記載・職権消除).
SUB_REASONS: dict[str, dict[str, Reason]] = {
    "ex_officio_entry": {"naturalization": _r(ENTRY, "職権記載（帰化等）"),
                         "loss_of_nationality": _r(ENTRY, "職権記載（国籍喪失）")},
    "ex_officio_deletion": {"naturalization": _r(REMOVAL, "職権消除（帰化等）"),
                            "loss_of_nationality": _r(REMOVAL, "職権消除（国籍喪失）")},
    "alias_change": {"record": _r(CHANGE, "通称の記載"), "delete": _r(CHANGE, "通称の削除")},
}
# One event, two 住民票: the 事由 of each by its 住民種別 (the old record's is the 消除).
BY_RESIDENT_TYPE: dict[str, dict[str, Reason]] = {
    "naturalization": {"foreign": _r(REMOVAL, "職権消除（帰化等）"), "japanese": _r(ENTRY, "職権記載（帰化等）")},
    "nationality_acquisition": {"foreign": _r(REMOVAL, "職権消除（帰化等）"),
                                "japanese": _r(ENTRY, "職権記載（帰化等）")},
    "nationality_loss": {"japanese": _r(REMOVAL, "職権消除（国籍喪失）"), "foreign": _r(ENTRY, "職権記載（国籍喪失）")},
}
CANCEL = {ENTRY: _r(REMOVAL, "異動の取消し（減）"), REMOVAL: _r(ENTRY, "異動の取消し（増）"),
          CHANGE: _r(CHANGE, "異動の取消し（修正）")}
REISSUE = {ENTRY: _r(ENTRY, "改製"), REMOVAL: _r(REMOVAL, "改製")}


def _by_item(changed: Mapping[str, tuple[Any, Any]]) -> Reason | None:
    """A 職権修正 of one identity item has its own 事由."""
    def state(before: Any, after: Any, entry: str, change: str, removal: str) -> str:
        return entry if not before else (removal if not after else change)

    if "my_number" in changed:
        b, a = changed["my_number"]
        return _r(CHANGE, "個人番号の職権記載" if not b else "個人番号の職権修正")
    if "resident_code" in changed:
        return _r(CHANGE, "住民票コードの職権記載")
    if "former_surname" in changed:
        return _r(CHANGE, state(*changed["former_surname"], "旧氏の記載", "旧氏の変更", "旧氏の削除"))
    if "alias" in changed:
        b, a = changed["alias"]
        return _r(CHANGE, "通称の削除" if b and not a else "通称の記載")
    return None


def classify(kind: str, *, sub_reason: str = "", resident_type: str = "", target_kind: str = "",
             target_sub_reason: str = "", changed: Mapping[str, tuple[Any, Any]] | None = None) -> Reason:
    """The standard's 事由 of one event. ``changed``: item → (before, after) of a 職権修正;
    ``target_kind``: what a 取消 undoes. Unknown kinds raise KeyError (no guessing)."""
    if kind == "cancellation" and target_kind:
        return CANCEL[classify(target_kind, sub_reason=target_sub_reason).division]
    if kind in BY_RESIDENT_TYPE and resident_type:
        return BY_RESIDENT_TYPE[kind][resident_type]
    if kind == "ex_officio_correction" and changed:
        found = _by_item(changed)
        if found is not None:
            return found
    reason = SUB_REASONS.get(kind, {}).get(sub_reason, KIND_REASONS[kind])
    only = ONLY_FOR.get((reason.division, reason.label))
    if only and resident_type and resident_type != only:
        return KIND_REASONS[kind]
    return reason


def all_labels() -> set[str]:
    return {label for labels in STANDARD_REASONS.values() for label in labels}
