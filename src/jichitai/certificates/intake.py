"""[1430]#1, certificate side: 交付申請書 and 個人番号カード券面事項 CSV → drafts of the counter form.

Each line names the person by 氏名 and 生年月日, found through the register's read layer (a protected
person is "not found" to staff without need-to-know, as at the counter). Lines sharing a 申請番号 are
one request (several persons of it). The counter then applies every issuance rule as usual: the draft
only fills the form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jichitai.registry.csv_intake import checks
from jichitai.registry.csv_intake.drafts import Draft, lines_text
from jichitai.registry.csv_intake.events import groups
from jichitai.registry.csv_intake.persons import find_person
from jichitai.registry.csv_intake.reading import Column, Problem, Refused, Row, read

from . import kinds
from .issuance.request import REQUESTER_KINDS, SELF
from .kinds.extract import ITEMS as EXTRACT_ITEMS


def _kind(value: str) -> str:
    by_title = {title: code for code, title in kinds.titles().items()}
    got = by_title.get(value.strip()) or (
        value.strip() if value.strip() in kinds.titles() else None
    )
    if got is None:
        raise Refused(
            "kind", f"証明書の種類「{value}」がありません（例: {'、'.join(list(by_title)[:3])}）。"
        )
    return got


def _requester(value: str) -> str:
    by_label = {label: code for code, label in REQUESTER_KINDS.items()}
    got = by_label.get(value.strip()) or (
        value.strip() if value.strip() in REQUESTER_KINDS else None
    )
    if got is None:
        raise Refused(
            "requester_kind", f"請求者の区分「{value}」は{'・'.join(by_label)}のいずれかです。"
        )
    return got


def _items(value: str) -> str:
    asked = [t.strip() for t in value.replace("、", ",").split(",") if t.strip()]
    by_label = {label: key for key, label in EXTRACT_ITEMS.items()}
    unknown = [t for t in asked if t not in by_label and t not in EXTRACT_ITEMS]
    if unknown:
        raise Refused("items", f"証明する事項にないものがあります（{'、'.join(unknown)}）。")
    return ",".join(by_label.get(t, t) for t in asked)


OPTIONS = (
    ("whole_household", "世帯全員"),
    ("head_and_relationship", "世帯主・続柄"),
    ("honseki", "本籍・筆頭者"),
    ("resident_code", "住民票コード"),
    ("my_number", "個人番号"),
    ("foreign_items", "国籍・地域、在留資格等"),
)
APPLICATION = (
    Column("group", "申請番号", checks.text),
    Column("kind", "証明書の種類", _kind, required=True),
    Column("name", "対象者氏名", checks.name, required=True, aliases=("氏名",)),
    Column("birth_date", "対象者生年月日", checks.date, required=True, aliases=("生年月日",)),
    *(Column(key, label, checks.flag) for key, label in OPTIONS),
    Column("items", "証明する事項", _items),
    Column("copies", "部数", checks.count),
    Column("requester_kind", "請求者の区分", _requester, required=True),
    Column("requester_name", "請求者氏名", checks.text),
    Column("requester_birth_date", "請求者生年月日", checks.date),
    Column("purpose", "使用目的", checks.text, aliases=("請求の事由",)),
)
CARD = (
    Column("address", "住所", checks.text, required=True),
    Column("name", "氏名", checks.name, required=True),
    Column("former_surname", "旧氏", checks.text),
    Column("alias", "通称", checks.text),
    Column("birth_date", "生年月日", checks.date, required=True),
    Column("sex", "性別", checks.sex, required=True),
    Column("my_number", "個人番号", checks.my_number),
)
SOURCES = {"application": ("交付申請書", APPLICATION), "card": ("個人番号カード券面事項", CARD)}


def _requester_person(group: list[Row], file: str, staff: Any, problems: list[Problem]) -> Any:
    """同一世帯 (or any request naming the requester's birth date): the requester on the register."""
    head = group[0].values
    if not head.get("requester_birth_date"):
        return None
    family, given = checks.name(str(head.get("requester_name") or ""))
    try:
        return find_person(family, given, head["requester_birth_date"], staff=staff)
    except Refused as exc:
        problems.append(Problem(file, group[0].line, "請求者氏名", exc.rule, exc.message))
        return None


def _draft(group: list[Row], found: list[Any], source: str, requester_person: Any = None) -> Draft:
    head = group[0].values
    kind = str(head.get("kind") or "juminhyo")
    requester = str(head.get("requester_kind") or SELF)
    values = {
        "kind": kind,
        "subject_ids": ",".join(str(p.id) for p in found),
        "copies": str(head.get("copies") or 1),
        "requester_kind": requester,
        "requester_name": str(head.get("requester_name") or ""),
        "purpose": str(head.get("purpose") or ""),
        "item": str(head.get("items") or ""),
    }
    if requester_person is not None:
        values["requester_person_id"] = str(requester_person.id)
    elif requester == SELF or source == "card":
        values["requester_person_id"] = str(found[0].id)
    values.update({key: "1" for key, _ in OPTIONS if head.get(key)})
    return Draft(
        "certificate",
        kind,
        kinds.titles().get(kind, kind),
        {k: v for k, v in values.items() if v},
        lines=lines_text([r.line for r in group]),
        summary="、".join(p.name for p in found),
    )


def certificate_drafts(
    source: str, data: bytes, file: str, *, staff: Any
) -> tuple[list[Draft], list[Problem]]:
    """The counter drafts of a 交付申請書 or 券面事項 file, or every problem of it (then no draft).
    A 券面事項 line is a 本人 request of a 住民票の写し; its 個人番号 is not carried to the form."""
    _, columns = SOURCES[source]
    rows, problems = read(data, file, columns)
    if problems:
        return [], problems
    drafts = []
    for group in groups(rows):
        found = _found(group, file, staff, problems)
        requester = _requester_person(group, file, staff, problems)
        if found is not None:
            drafts.append(_draft(group, found, source, requester))
    return ([] if problems else drafts), problems


def _found(
    group: Sequence[Row], file: str, staff: Any, problems: list[Problem]
) -> list[Any] | None:
    found = []
    for r in group:
        family, given = r.values["name"]
        try:
            found.append(find_person(family, given, r.values["birth_date"], staff=staff))
        except Refused as exc:
            problems.append(Problem(file, r.line, "氏名", exc.rule, exc.message))
    return found if len(found) == len(group) else None
