"""The data of a 住民票の写し / 除票の写し (個人票 and 世帯連記式), read through the register's read layer.

This is what a :data:`Renderer` receives. Dates are 和暦 ([90]#1), except a foreign resident's
生年月日 and 在留期間の満了の日 (西暦, [90]#4). Items the requester did not ask for are left out
([1000]#1), and so are the 転出届's items before the 転出予定日 ([1000]#6). The 発行場所 is never
part of it ([1040]#6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from jichitai.registry.selectors.documents import DocumentPerson, document_persons
from jichitai.registry.written_dates import shown_as_written
from jichitai.wareki import format_date, format_seireki

from .. import furigana
from .column import column_text
from .order import member_order
from .record_history import with_sheets
from .request import REMOVED_COPY, RESIDENT_COPY, CertificateRequest, Options

TITLES = {RESIDENT_COPY: "住民票の写し", REMOVED_COPY: "住民票の除票の写し"}
SCREEN = "証明書交付"
PER_PAGE = 4  # 世帯連記式: persons per A4 page (the layout's; overflow is the renderer's, [1070])
CERTIFICATION = {
    "juminhyo": "この写しは、住民票の原本と相違ないことを証明する。",
    "joshu": "この写しは、住民票の除票の原本と相違ないことを証明する。",
}
STATUS_LABELS = {"moved_out": "転出", "dead": "死亡", "deleted": "職権消除"}
SEX = {"1": "男", "2": "女", "9": "不詳"}
FOREIGN_CATEGORIES = {
    "mid_long": "中長期在留者",
    "special_permanent": "特別永住者",
    "temporary_refuge": "一時庇護許可者",
    "provisional_stay": "仮滞在者",
    "birth_loss": "出生による経過滞在者",
    "nationality_loss": "国籍喪失による経過滞在者",
}


@dataclass(frozen=True)
class CertificateData(Mapping[str, Any]):
    """One certificate (one copy's content), dict-like for templates: ``data["members"]``."""

    kind: str
    title: str
    request_id: str
    form: str  # 世帯連記式 / 個人票
    municipality: str
    prefecture: str
    issued_on: str  # 和暦
    address: str  # with the 方書 ([1030])
    members: list[dict[str, str]]
    person_ids: tuple[int, ...]
    omitted: list[str]
    certification: str
    number: str = ""  # this copy's 発行番号 without page part
    page_numbers: list[str] = field(default_factory=list)  # ``number x/n`` for each page
    template: str = "certificates/certificate.html"  # the kind's layout
    extra: Mapping[str, Any] = field(default_factory=dict)  # the kind's own printed items
    page_count: int = 0  # a kind that knows its pages says so; else by form and members
    overflow_print: str = "limit"  # [1070]#2: a value too long for its box, 限界まで or 空白

    @property
    def pages(self) -> int:
        return self.page_count or pages_for(self.form, len(self.members))

    def __getitem__(self, key: str) -> Any:
        if key == "pages":
            return self.pages
        if key not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dataclass_fields__)

    def __len__(self) -> int:
        return len(self.__dataclass_fields__)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def pages_for(form: str, members: int) -> int:
    return max(1, -(-members // PER_PAGE)) if form == "世帯連記式" else 1


def _omitted(o: Options) -> list[str]:
    pairs = [
        (o.head_and_relationship, "世帯主・続柄"),
        (o.honseki, "本籍・筆頭者"),
        (o.resident_code, "住民票コード"),
        (o.my_number, "個人番号"),
        (o.foreign_items, "国籍・地域、在留資格等"),
        (o.alias_history, "通称の記載及び削除に関する事項"),
    ]
    return [label for asked, label in pairs if not asked]


def _date(v: Mapping[str, Any], item: str, foreign: bool = False) -> str:
    """和暦 ([90]#1; 西暦 for a foreign resident's 生年月日), as written when 不詳 or off the calendar
    ([80]#1, #2: 「令和2年春」, 2月29日 of a common year), as the screens show it."""
    written = shown_as_written(item, v, foreign=foreign)
    if written:
        return written
    value = v.get(item)
    if foreign:
        return (
            format_seireki(value, v.get("birth_date_precision") or "day")
            if item == "birth_date"
            else format_seireki(value)
        )
    if item == "birth_date":
        return format_date(value, v.get("birth_date_precision") or "day")
    return format_date(value)


def _foreign(v: Mapping[str, Any]) -> dict[str, str]:
    return {
        "国籍・地域": v.get("nationality") or "",
        "法第30条の45に規定する区分": FOREIGN_CATEGORIES.get(v.get("foreign_category") or "", ""),
        "在留資格": v.get("residence_status") or "",
        "在留期間等": v.get("residence_period") or "",
        "在留期間の満了の日": format_seireki(v.get("residence_end_date")),
        "在留カード等の番号": v.get("residence_card_no")
        or v.get("special_permanent_cert_no")
        or "",
    }


def _foreign_name(alphabet: str, name: str) -> str:
    """「ZHANG YULIN　張　玉蓮」: the alphabet name, then the kanji name when there is another."""
    if not alphabet or alphabet.replace(" ", "") == name.replace("　", "").replace(" ", ""):
        return alphabet or name
    return f"{alphabet}　{name}"


def _member(p: DocumentPerson, req: CertificateRequest, today: dt.date) -> dict[str, str]:
    v, o = p.values, req.options
    foreign = v.get("resident_type") == "foreign"
    name = f"{v.get('family_name', '')}　{v.get('given_name', '')}".strip("　")
    row = {
        "氏名": _foreign_name(v.get("alphabet_name") or "", name) if foreign else name,
        "生年月日": _date(v, "birth_date", foreign),
        "性別": SEX.get(v.get("sex") or "", ""),
        "住民となった年月日": _date(v, "became_resident_on"),
        "住所を定めた年月日": _date(v, "address_set_on"),
        "届出日": _date(v, "reported_on"),
        "転入前住所": v.get("previous_address") or "",  # 第4章's label ([1000]#3)
    }
    if v.get("former_surname"):
        row["旧氏"] = v["former_surname"]
    if foreign and v.get("alias"):
        row["通称"] = v["alias"]
    if o.head_and_relationship:
        row["続柄"] = v.get("relationship") or ""
    if o.honseki and not foreign:
        row["本籍"], row["筆頭者"] = v.get("honseki") or "", v.get("hittousha") or ""
    if o.resident_code:
        row["住民票コード"] = v.get("resident_code") or ""
    if o.my_number:
        row["個人番号"] = v.get("my_number") or ""
    if o.foreign_items and foreign:
        row.update(_foreign(v))
    if req.kind == REMOVED_COPY:
        row["消除の事由"] = STATUS_LABELS.get(v.get("status") or "", "")
        row["消除日"] = _date(v, "removed_on") or _date(v, "move_out_planned_on")
        row["転出先"] = (
            v.get("move_out_confirmed_destination") or v.get("move_out_destination") or ""
        )
    # [1000]#6: a 転出届's 予定 items are never printed before the 転出予定日 (not even present here)
    return row


def _with_column(row: dict[str, str], p: DocumentPerson, req: CertificateRequest) -> dict[str, str]:
    """[140]#2, #3: the 統合記載欄 (the block's 備考 row) of a 写し; [40]#4: 特別な事由 only when asked."""
    o = req.options
    removed = req.kind == REMOVED_COPY
    row["備考"] = column_text(
        p.id, row, history=o.history, special=o.special_history, removed=removed
    )
    return row


def _read(ids: tuple[int, ...], staff: Any) -> list[DocumentPerson]:
    found = document_persons(ids, staff=staff, screen=SCREEN, function="certificates.data")
    people = [found.get(pid) for pid in ids]
    if any(p is None for p in people):  # masked after eligibility: never print a mask
        from .eligibility import IssuanceRefused, Refusal
        from .messages import NOT_FOUND

        raise IssuanceRefused(Refusal("not_found", NOT_FOUND))
    return [p for p in people if p is not None]


def read_groups(
    subject_ids: tuple[int, ...], staff: Any, household_form: bool
) -> list[tuple[list[DocumentPerson], str]]:
    """The persons of each certificate (a household for 世帯連記式, else one person) in the [1010]
    order, with the 世帯主's name when the head is among them."""
    groups: dict[Any, list[DocumentPerson]] = {}
    for p in _read(subject_ids, staff):
        key = p.values.get("household_id") if household_form else p.id
        groups.setdefault(key, []).append(p)
    out = []
    for group in groups.values():
        ordered = member_order([{**p.values, "_id": p.id} for p in group])
        by_id = {p.id: p for p in group}
        persons = [by_id[m["_id"]] for m in ordered]
        head = next((p for p in persons if p.values.get("relationship") == "世帯主"), None)
        name = (
            ""
            if head is None
            else f"{head.values.get('family_name', '')}　{head.values.get('given_name', '')}"
        )
        out.append((persons, name.strip("　")))
    return out


def build(
    req: CertificateRequest,
    subject_ids: tuple[int, ...],
    *,
    staff: Any,
    today: dt.date,
    municipality: Any,
) -> list[CertificateData]:
    """The certificates of a cleared request: one per household (世帯連記式) or per person (個人票)."""
    out = []
    kana = furigana.enabled()  # [1020]: the municipality's choice
    for persons, head in read_groups(subject_ids, staff, req.options.household_form):
        members = [
            furigana.apply(_with_column(_member(p, req, today), p, req), p.values, kana)
            for p in persons
        ]
        if req.options.head_and_relationship and head:
            for m in members:
                m["世帯主"] = head
        out.append(
            CertificateData(
                kind=req.kind,
                title=TITLES[req.kind],
                request_id=req.request_id,
                form="世帯連記式" if req.options.household_form else "個人票",
                municipality=municipality.name,
                prefecture=municipality.prefecture,
                issued_on=format_date(today),
                address=persons[0].address,
                members=members,
                person_ids=tuple(p.id for p in persons),
                omitted=_omitted(req.options),
                certification=CERTIFICATION[req.kind],
            )
        )
        # [1000]#1 履歴 and #5 通称の別紙, only when asked
        out[-1] = with_sheets(out[-1], req.options, removed=req.kind == REMOVED_COPY)
    return out
