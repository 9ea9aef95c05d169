"""What a certificate 「履歴あり」 prints of each person's past ([1000]#1), and the 別紙 of the
通称の記載及び削除に関する事項 ([1000]#5), from the register's read layer only.

Only the items the certificate prints anyway appear in the history (an item omitted from the copy
is omitted from its past too); the 転出届's items never appear ([1000]#6). Dates 和暦 ([90]), a
foreign resident's 在留期間の満了の日 西暦.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from jichitai.registry.selectors.record_history import Step, record_history
from jichitai.registry.written_dates import birth_text
from jichitai.wareki import format_date, format_seireki

NAME_FIELDS = frozenset({"family_name", "given_name", "alphabet_name"})
HONSEKI_FIELDS = frozenset({"honseki", "hittousha"})
FOREIGN_FIELDS = frozenset(
    {
        "nationality",
        "residence_status",
        "residence_period",
        "residence_end_date",
        "residence_card_no",
    }
)
REMOVAL = {"moved_out": "転出", "dead": "死亡", "deleted": "職権消除"}
HISTORY_HEADINGS = ("異動日", "異動事由", "記載事項")
TEMPLATE = "certificates/extract.html"
ALIAS_HEADINGS = (
    "通称",
    "記載した年月日",
    "記載した市区町村",
    "削除した年月日",
    "削除した市区町村",
)


def _name(row: Mapping[str, Any]) -> str:
    name = f"{row.get('family_name', '')}　{row.get('given_name', '')}".strip("　")
    if row.get("resident_type") == "foreign":
        return str(row.get("alphabet_name") or name)
    return name


def _without_katagaki(step: Step) -> str:
    return step.address.removesuffix("　" + step.katagaki) if step.katagaki else step.address


def _parts(step: Step, items: frozenset[str], *, katagaki: bool, removed: bool) -> list[str]:
    row, changed = step.row, step.changed
    foreign = row.get("resident_type") == "foreign"
    parts: list[str] = []
    if "address" in items and "address" in changed and step.address:
        parts.append("住所　" + (step.address if katagaki else _without_katagaki(step)))
    if "name" in items and changed & NAME_FIELDS:
        parts.append("氏名　" + _name(row))
    if "birth_date" in items and "birth_date" in changed:
        parts.append("生年月日　" + birth_text(row))  # [80]: as written when 不詳, [90]
    if "head_relationship" in items and "relationship" in changed and row.get("relationship"):
        parts.append("続柄　" + str(row["relationship"]))
    if "honseki" in items and not foreign and changed & HONSEKI_FIELDS:
        parts.append(f"本籍　{row.get('honseki') or ''}　筆頭者　{row.get('hittousha') or ''}")
    if "foreign" in items and foreign and changed & FOREIGN_FIELDS:
        parts.append(
            f"在留資格　{row.get('residence_status') or ''}　在留期間等　"
            f"{row.get('residence_period') or ''}　在留期間の満了の日　"
            f"{format_seireki(row.get('residence_end_date'))}"
        )
    if removed and "status" in changed and row.get("status") in REMOVAL:
        parts.append("消除　" + REMOVAL[str(row["status"])])
    return parts


def history_rows(
    person_id: int,
    items: Iterable[str],
    *,
    katagaki: bool = True,
    removed: bool = False,
    special: bool = False,
) -> list[dict[str, str]]:
    """The person's past as certificate lines (異動日, 異動事由, 記載事項), oldest first; ``items``
    are item keys of :mod:`kinds.extract` (``address``, ``name``, ``head_relationship`` …).

    An 異動 of a 特別な事由 (特別養子縁組, its 解消, 性別の変更) is left out unless ``special``
    ([40]#4); each line carries the 留意事項 tied to its 異動 ([140]#2, 20.0.3)."""
    wanted = frozenset(items)
    out = []
    for step in record_history(person_id):
        if step.special and not special:
            continue
        parts = _parts(step, wanted, katagaki=katagaki, removed=removed)
        if parts:
            parts += [f"留意事項　{r}" for r in step.remarks]
            out.append(
                {
                    "異動日": format_date(step.date),
                    "異動事由": step.kind,
                    "記載事項": "　".join(parts),
                }
            )
    return out


def alias_entries(person_id: int) -> list[dict[str, str]]:
    """[1000]#5: every 通称 the person had, with when and where it was recorded and deleted."""
    entries: list[dict[str, str]] = []
    for step in record_history(person_id):
        row = step.row
        if "alias" in step.changed and row.get("alias"):
            entries.append(
                {
                    "通称": str(row["alias"]),
                    "記載した年月日": format_date(row.get("alias_recorded_on")),
                    "記載した市区町村": str(row.get("alias_recorded_municipality") or ""),
                    "削除した年月日": "",
                    "削除した市区町村": "",
                }
            )
        elif "alias_deleted_on" in step.changed and row.get("alias_deleted_on") and entries:
            entries[-1]["削除した年月日"] = format_date(row["alias_deleted_on"])
            entries[-1]["削除した市区町村"] = str(row.get("alias_deleted_municipality") or "")
    return entries


def copy_items(options: Any) -> frozenset[str]:
    """The item keys a 住民票の写し prints with these options (its history shows the same)."""
    keys = {"name", "birth_date", "address"}
    for flag, key in (
        ("head_and_relationship", "head_relationship"),
        ("honseki", "honseki"),
        ("foreign_items", "foreign"),
    ):
        if getattr(options, flag):
            keys.add(key)
    return frozenset(keys)


def sheets(
    person_ids: Iterable[int],
    members: list[dict[str, str]],
    *,
    items: frozenset[str],
    history: bool,
    alias_history: bool,
    katagaki: bool = True,
    removed: bool = False,
    special: bool = False,
) -> dict[str, Any]:
    """The ``extra`` of a certificate with history and/or the 通称 別紙: ``blocks`` (each member's
    items and past) and ``aliases`` (the 別紙: one entry per foreign member with a 通称 history)."""
    blocks, aliases = [], []
    for pid, member in zip(person_ids, members, strict=True):
        past = (
            history_rows(pid, items, katagaki=katagaki, removed=removed, special=special)
            if history
            else []
        )
        # rows as tuples in heading order: the template unpacks them
        blocks.append(
            {
                "items": [(k, v) for k, v in member.items() if v],
                "history": [tuple(r[h] for h in HISTORY_HEADINGS) for r in past],
            }
        )
        entries = alias_entries(pid) if alias_history else []
        if entries:
            aliases.append(
                {
                    "name": member.get("氏名", ""),
                    "entries": [tuple(e[h] for h in ALIAS_HEADINGS) for e in entries],
                }
            )
    return {
        "blocks": blocks,
        "aliases": aliases,
        "history_headings": HISTORY_HEADINGS,
        "alias_headings": ALIAS_HEADINGS,
    }


def with_sheets(
    doc: Any,
    options: Any,
    *,
    items: frozenset[str] | None = None,
    katagaki: bool = True,
    removed: bool = False,
) -> Any:
    """``doc`` (a CertificateData) with its persons' history and the 通称 別紙 when the request asks
    for either; the layout puts the 認証文 after the 別紙 ([1000]#5)."""
    if not (options.history or options.alias_history):
        return doc
    extra = sheets(
        doc.person_ids,
        doc.members,
        items=copy_items(options) if items is None else items,
        history=options.history,
        alias_history=options.alias_history,
        katagaki=katagaki,
        removed=removed,
        special=getattr(options, "special_history", False),
    )
    pages = doc.pages + (1 if extra["aliases"] else 0)  # the 別紙 starts a page of its own
    return replace(doc, template=TEMPLATE, extra={**doc.extra, **extra}, page_count=pages)
