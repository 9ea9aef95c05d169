"""The data of a 転出証明書 / 転出証明書に準ずる証明書 ([660]), read through the register's read layer.

Printed items (住民基本台帳法施行令第24条 and the standard's [660]): 氏名, 生年月日, 性別, 世帯主・続柄,
本籍・筆頭者 (Japanese residents), 住所 (with the 方書), 転出先, 転出予定年月日 (準ずる証明書: 転出の日 as
the 職権消除 recorded it), 住民票コード, 個人番号, the 国民健康保険・後期高齢者医療・介護保険・国民年金・
児童手当 items when the register has them, and for a foreign resident 国籍・地域, 法第30条の45の区分,
在留資格, 在留期間等, 在留期間の満了の日 and 在留カード等の番号. Dates 和暦 ([90]#1), a foreign resident's
生年月日 and 在留期間の満了の日 西暦 ([90]#4).

The first issue keeps what it printed (:class:`MoveOutCertificate`); a 再交付 prints that, marked
「再交付」, never the register of its day ([660]#3, #4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from jichitai.registry.selectors.documents import DocumentPerson, document_persons
from jichitai.registry.selectors.move_out_certificates import household_heads, move_out_states
from jichitai.registry.written_dates import birth_text
from jichitai.wareki import format_date

from ..issuance.data import SEX, CertificateData
from ..issuance.data import _foreign as foreign_items  # the same items as the 住民票の写し's
from ..issuance.eligibility import IssuanceRefused, Refusal
from ..issuance.messages import NOT_FOUND
from ..issuance.order import member_order
from ..issuance.request import CertificateRequest
from . import messages as msg
from .models import MoveOutCertificate, kept
from .rules import JUNZURU, TENSHUTSU, reissue_asked

TITLES = {TENSHUTSU: "転出証明書", JUNZURU: "転出証明書に準ずる証明書"}
SCREEN = "転出証明書交付"
TEMPLATE = "certificates/move_out.html"
PER_PAGE = 4
CERTIFICATION = {
    TENSHUTSU: "上記の者から転出の届出があったことを証明する。",
    JUNZURU: "上記の者は、転出をした日から14日を経過して届出があったため、職権により住民票を消除したことを証明する。",
}
YES = "yes"
INSURANCE = (  # 令第24条: the 転入地 takes these over; printed when the register says 有
    ("nhi_insured", "国民健康保険の被保険者である旨", "nhi_acquired_on"),
    ("late_elderly_insured", "後期高齢者医療の被保険者である旨", "late_elderly_acquired_on"),
    ("care_insured", "介護保険の被保険者である旨", "care_acquired_on"),
)
PENSION = {
    "first": "第1号被保険者",
    "second": "第2号被保険者",
    "third": "第3号被保険者",
    "voluntary": "任意加入被保険者",
    "special_voluntary": "特例任意加入被保険者",
}


def _name(v: Mapping[str, Any]) -> str:
    return f"{v.get('family_name', '')}　{v.get('given_name', '')}".strip("　")


def _birth(v: Mapping[str, Any], foreign: bool) -> str:
    """[90]: 和暦, 西暦 for a foreign resident; [80]#1: as written when 不詳 (as the screens)."""
    return birth_text({**v, "resident_type": "foreign" if foreign else "japanese"})


def _benefits(v: Mapping[str, Any]) -> dict[str, str]:
    row = {}
    for flag, label, since in INSURANCE:
        if v.get(flag) == YES:
            row[label] = f"資格取得 {format_date(v.get(since))}" if v.get(since) else "該当"
    if v.get("pension_insured") == YES:
        kind = PENSION.get(v.get("pension_kind") or "", "")
        row["国民年金の被保険者の種別"] = kind or "該当"
        if v.get("basic_pension_no"):
            row["基礎年金番号"] = v["basic_pension_no"]
    if v.get("child_allowance_start") and not v.get("child_allowance_end"):
        row["児童手当の支給を受けている旨"] = f"受給開始 {v['child_allowance_start']}"
    return row


def member(p: DocumentPerson, head_name: str) -> dict[str, str]:
    """One person's printed items (the order is the certificate's)."""
    v = p.values
    foreign = v.get("resident_type") == "foreign"
    row = {"氏名": (v.get("alphabet_name") or _name(v)) if foreign else _name(v)}
    if foreign and v.get("alias"):
        row["通称"] = v["alias"]
    row["生年月日"] = _birth(v, foreign)
    row["性別"] = SEX.get(v.get("sex") or "", "")
    row["世帯主"] = head_name
    row["続柄"] = v.get("relationship") or ""
    if not foreign:
        row["本籍"], row["筆頭者"] = v.get("honseki") or "", v.get("hittousha") or ""
    row["住民票コード"] = v.get("resident_code") or ""
    row["個人番号"] = v.get("my_number") or ""
    if foreign:
        row.update(foreign_items(v))
    row.update(_benefits(v))
    return row


def _read(ids: tuple[int, ...], staff: Any) -> list[DocumentPerson]:
    found = document_persons(ids, staff=staff, screen=SCREEN, function="certificates.move_out")
    people = [found.get(pid) for pid in ids]
    if any(p is None for p in people):  # masked after eligibility: never print a mask
        raise IssuanceRefused(Refusal("not_found", NOT_FOUND))
    return [p for p in people if p is not None]


def _head_name(people: list[DocumentPerson], staff: Any) -> str:
    head = next((p for p in people if p.values.get("relationship") == "世帯主"), None)
    if head is not None:
        return _name(head.values)
    hid = people[0].values.get("household_id")
    head_id = household_heads([hid]).get(hid) if hid else None
    if head_id is None:
        return ""
    found = document_persons(
        [head_id], staff=staff, screen=SCREEN, function="certificates.move_out"
    )
    shown = found.get(head_id)
    return _name(shown.values) if shown is not None else ""


def _move_items(kind: str, p: DocumentPerson, municipality: Any) -> dict[str, str]:
    v = p.values
    items = {
        "住所": f"{municipality.prefecture}{municipality.name}{p.address}",
        "転出先": v.get("move_out_destination") or "",
    }
    if kind == TENSHUTSU:
        items["転出予定年月日"] = format_date(v.get("move_out_planned_on"))
    else:
        items["転出の年月日"] = format_date(v.get("removed_on"))
    return items


def _printed(
    req: CertificateRequest, people: list[DocumentPerson], staff: Any, municipality: Any
) -> dict[str, Any]:
    ordered = member_order([{**p.values, "_id": p.id} for p in people])
    by_id = {p.id: p for p in people}
    persons = [by_id[m["_id"]] for m in ordered]
    head = _head_name(persons, staff)
    return {
        "order": [p.id for p in persons],
        "members": {str(p.id): member(p, head) for p in persons},
        "header": _move_items(req.kind, persons[0], municipality),
    }


def _snapshot(event_id: int, ids: tuple[int, ...]) -> tuple[dict[str, Any], MoveOutCertificate]:
    """The first issue's printed state of ``ids`` (each person's own row; the header of the first)."""
    rows = list(kept(event_id, ids))
    members = {str(r.person_id): r.printed["member"] for r in rows}
    order = [pid for r in rows for pid in r.printed.get("order", []) if str(pid) in members]
    order = list(dict.fromkeys(order + [r.person_id for r in rows]))
    return {"order": order, "members": members, "header": rows[0].printed["header"]}, rows[0]


def build(
    req: CertificateRequest,
    subject_ids: tuple[int, ...],
    *,
    staff: Any,
    today: dt.date,
    municipality: Any,
) -> list[CertificateData]:
    """One certificate for the persons of one 転出 (checked by the rules); a 再交付 prints the
    first issue's state."""
    people = _read(subject_ids, staff)  # the read is logged and a masked person refused, 再交付 too
    event_id = next(iter(move_out_states(subject_ids).values())).event_id
    extra: dict[str, Any] = {"event_id": event_id, "reissue": "", "note": ""}
    if reissue_asked(req):
        printed, first = _snapshot(int(event_id or 0), subject_ids)
        extra.update(
            reissue=msg.REISSUED,
            first_issued_on=format_date(first.first_issued_on),
            first_number=first.first_number,
        )
    else:
        printed = _printed(req, people, staff, municipality)
        extra["first"] = printed  # kept by :func:`recorded` once the issuance is written
    if req.kind == JUNZURU:
        extra["note"] = msg.JUNZURU_NOTE
    extra["header"] = printed["header"]
    members = [printed["members"][str(pid)] for pid in printed["order"]]
    return [
        CertificateData(
            kind=req.kind,
            title=TITLES[req.kind],
            request_id=req.request_id,
            form=TITLES[req.kind],
            municipality=municipality.name,
            prefecture=municipality.prefecture,
            issued_on=format_date(today),
            address=printed["header"]["住所"],
            members=members,
            person_ids=tuple(int(pid) for pid in printed["order"]),
            omitted=[],
            certification=CERTIFICATION[req.kind],
            template=TEMPLATE,
            extra=extra,
            page_count=max(1, -(-len(members) // PER_PAGE)),
        )
    ]


def recorded(history: Any, documents: list[CertificateData]) -> None:
    """Keep what the first issue printed, per person and 転出 ([660]#3): in the issuing transaction,
    so a refused or failed issuance keeps nothing (and a 見本 never gets here)."""
    for doc in documents[:1]:  # every copy prints the same
        first = doc.extra.get("first")
        if not first:
            continue
        for pid in first["order"]:
            MoveOutCertificate.objects.update_or_create(
                person_id=pid,
                event_id=doc.extra["event_id"],
                defaults={
                    "kind": doc.kind,
                    "printed": {
                        "member": first["members"][str(pid)],
                        "header": first["header"],
                        "order": first["order"],
                    },
                    "first_request_id": history.request_id,
                    "first_number": doc.number,
                    "first_issued_on": timezone.localdate(history.issued_at),
                },
            )
