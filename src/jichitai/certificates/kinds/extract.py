"""住民票記載事項証明書 and 住民票除票記載事項証明書: the requester names the items to certify.

The items travel in ``params["items"]`` (comma-separated keys of :data:`ITEMS`, or their Japanese
labels); only those are printed, plus the 氏名 that says whom the certificate is about. The 方書 is
printed with the address unless ``params["omit_katagaki"]`` asks to leave it out ([1030]#1: only
these two kinds may, and only on request). Eligibility is the 写し's: 記載事項証明書 for current
residents, 除票記載事項証明書 for removed persons; 個人番号・住民票コード only for 本人 and the same
household, never 本籍・筆頭者 or 世帯主・続柄 for a 第三者.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from jichitai.wareki import format_date

from ..issuance import data
from ..issuance.data import CertificateData, pages_for
from ..issuance.eligibility import IssuanceRefused, Refusal
from ..issuance.messages import MY_NUMBER, RESIDENT_CODE, THIRD_PARTY_ITEMS
from ..issuance.record_history import with_sheets
from ..issuance.request import HOUSEHOLD, REMOVED_COPY, SELF, THIRD_PARTY, CertificateRequest
from . import CURRENT, REMOVED, CertificateKind, register

KISAI, JOSHU_KISAI = "kisai", "joshu_kisai"
TITLES = {KISAI: "住民票記載事項証明書", JOSHU_KISAI: "住民票除票記載事項証明書"}
CERTIFICATION = {
    KISAI: "上記のとおり住民票に記載されていることを証明する。",
    JOSHU_KISAI: "上記のとおり住民票の除票に記載されていることを証明する。",
}
# key → label, in print order; each key prints these labels of a 写し's member row
ITEMS: dict[str, str] = {
    "name": "氏名",
    "birth_date": "生年月日",
    "sex": "性別",
    "address": "住所",
    "head_relationship": "世帯主・続柄",
    "honseki": "本籍・筆頭者",
    "became_resident_on": "住民となった年月日",
    "address_set_on": "住所を定めた年月日",
    "reported_on": "届出日",
    "previous_address": "従前の住所",
    "alias": "通称",
    "foreign": "国籍・地域、在留資格等",
    "resident_code": "住民票コード",
    "my_number": "個人番号",
    "removal": "消除の事由・消除日・転出先",
}
FOREIGN_LABELS = (
    "国籍・地域",
    "法第30条の45に規定する区分",
    "在留資格",
    "在留期間等",
    "在留期間の満了の日",
    "在留カード等の番号",
)
LABELS: dict[str, tuple[str, ...]] = {
    "name": ("氏名",),
    "birth_date": ("生年月日",),
    "sex": ("性別",),
    "head_relationship": ("世帯主", "続柄"),
    "honseki": ("本籍", "筆頭者"),
    "became_resident_on": ("住民となった年月日",),
    "address_set_on": ("住所を定めた年月日",),
    "reported_on": ("届出日",),
    "previous_address": ("従前の住所",),
    "alias": ("通称",),
    "foreign": FOREIGN_LABELS,
    "resident_code": ("住民票コード",),
    "my_number": ("個人番号",),
    "removal": ("消除の事由", "消除日", "転出先"),
}
YES = ("1", "on", "true", "yes")
ITEMS_REQUIRED = "証明する事項を選んでください。"
ITEM_UNKNOWN = "証明できない事項が指定されています（{items}）。"


def chosen(req: CertificateRequest) -> list[str]:
    """The item keys asked for, in print order (氏名 always); raises IssuanceRefused."""
    by_label = {label: key for key, label in ITEMS.items()}
    raw = str(req.params.get("items", "")).replace("、", ",")
    asked = [t.strip() for t in raw.split(",") if t.strip()]
    keys = [by_label.get(t, t) for t in asked]
    unknown = [t for t, k in zip(asked, keys, strict=True) if k not in ITEMS]
    unknown += [ITEMS["removal"]] if req.kind == KISAI and "removal" in keys else []
    if unknown:
        raise IssuanceRefused(Refusal("items", ITEM_UNKNOWN.format(items="、".join(unknown))))
    if not keys:
        raise IssuanceRefused(Refusal("items", ITEMS_REQUIRED))
    return [k for k in ITEMS if k in keys or k == "name"]


def omits_katagaki(req: CertificateRequest) -> bool:
    return str(req.params.get("omit_katagaki", "")).lower() in YES


def check(req: CertificateRequest, states: Mapping[int, Any], *, staff: Any) -> None:
    """The items asked for, and what each requester may see (as the 写し's options)."""
    keys = set(chosen(req))
    kind = req.requester.kind
    if "my_number" in keys and kind not in (SELF, HOUSEHOLD):
        raise IssuanceRefused(Refusal("my_number", MY_NUMBER))
    if "resident_code" in keys and kind not in (SELF, HOUSEHOLD):
        raise IssuanceRefused(Refusal("resident_code", RESIDENT_CODE))
    if kind == THIRD_PARTY and keys & {"honseki", "head_relationship"}:
        raise IssuanceRefused(Refusal("third_party_items", THIRD_PARTY_ITEMS))


def _row(
    p: data.DocumentPerson, req: CertificateRequest, keys: list[str], head: str, today: dt.date
) -> dict[str, str]:
    everything = data.Options(
        head_and_relationship=True,
        honseki=True,
        resident_code=True,
        my_number=True,
        foreign_items=True,
    )
    as_copy = CertificateRequest(
        kind=REMOVED_COPY if req.kind == JOSHU_KISAI else req.kind,
        subject_ids=req.subject_ids,
        requester=req.requester,
        options=everything,
    )
    full = data._member(p, as_copy, today)
    full["世帯主"] = head
    return {label: full.get(label, "") for key in keys for label in LABELS.get(key, ())}


def build(
    req: CertificateRequest,
    subject_ids: tuple[int, ...],
    *,
    staff: Any,
    today: dt.date,
    municipality: Any,
) -> list[CertificateData]:
    """One certificate per household (世帯連記式) or per person (個人票), the chosen items only."""
    keys = chosen(req)
    katagaki = not omits_katagaki(req)
    out = []
    for persons, head_name in data.read_groups(subject_ids, staff, req.options.household_form):
        first = persons[0]
        address = first.address
        if not katagaki and first.katagaki:
            address = address.removesuffix("　" + first.katagaki)
        form = "世帯連記式" if req.options.household_form else "個人票"
        members = [_row(p, req, keys, head_name, today) for p in persons]
        doc = CertificateData(
            kind=req.kind,
            title=TITLES[req.kind],
            request_id=req.request_id,
            form=form,
            municipality=municipality.name,
            prefecture=municipality.prefecture,
            issued_on=format_date(today),
            address=address if "address" in keys else "",
            members=members,
            person_ids=tuple(p.id for p in persons),
            omitted=[],
            certification=CERTIFICATION[req.kind],
            template="certificates/extract.html",
            extra={
                "blocks": [
                    {"items": [(k, v) for k, v in m.items() if v], "history": []} for m in members
                ]
            },
            page_count=pages_for(form, len(members)),
        )
        out.append(
            with_sheets(
                doc,
                req.options,
                items=frozenset(keys),
                katagaki=katagaki,
                removed=req.kind == JOSHU_KISAI,
            )
        )
    return out


register(
    CertificateKind(
        code=KISAI,
        title=TITLES[KISAI],
        build=build,
        functions=("1000", "1010", "1030", "1040"),
        subjects=CURRENT,
        check=check,
        expands_household=True,
        register_options=False,  # the items are chosen in params["items"]
        order=30,
    )
)
register(
    CertificateKind(
        code=JOSHU_KISAI,
        title=TITLES[JOSHU_KISAI],
        build=build,
        functions=("1000", "1030", "1040"),
        subjects=REMOVED,
        check=check,
        register_options=False,
        order=40,
    )
)
