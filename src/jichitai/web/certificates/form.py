"""The counter form → :class:`CertificateRequest` (the same parsing serves the screen and tests)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jichitai.certificates import kinds
from jichitai.certificates.issuance import CertificateRequest, Options, Requester, Station
from jichitai.certificates.issuance.request import REQUESTER_KINDS

from ..registry.views.common import parse_id

OPTION_FIELDS = (
    ("whole_household", "世帯全員"),
    ("head_and_relationship", "世帯主・続柄"),
    ("honseki", "本籍・筆頭者"),
    ("resident_code", "住民票コード"),
    ("my_number", "個人番号"),
    ("foreign_items", "国籍・地域、在留資格等"),
    ("alias_history", "通称の記載及び削除に関する事項"),
)
FORMS = (("household", "世帯連記式"), ("individual", "個人票"))
SUBJECTS_MESSAGE = "対象者の住民IDは数字で入力してください。"
COPIES_MESSAGE = "部数は数字で入力してください。"


def subject_ids(values: Mapping[str, Any]) -> tuple[list[int], bool]:
    """Checked persons and typed ids (「1, 2」), in order, without repeats; False if one is bad."""
    raw = list(values.getlist("subject")) if hasattr(values, "getlist") else []
    typed = str(values.get("subject_ids", "")).replace("、", ",").replace("，", ",")
    raw += [t for t in typed.replace(" ", ",").split(",") if t.strip()]
    out: list[int] = []
    ok = True
    for text in raw:
        pid = parse_id(text)
        if pid is None:
            ok = False
        elif pid not in out:
            out.append(pid)
    return out, ok


def _copies(text: str) -> int | None:
    pid = parse_id(text or "1")
    return pid if pid is not None and pid < 1000 else None


def _params(values: Mapping[str, Any]) -> dict[str, str]:
    """The kinds' and the layout's own inputs (str → str) the form passes through."""
    out = {}
    if values.get("overflow_confirmed") in ("1", "on", "true"):
        out["overflow_confirmed"] = "1"  # [1070]: 文字溢れ seen and confirmed by the clerk
    return out


def to_request(
    values: Mapping[str, Any], request_id: str = ""
) -> tuple[CertificateRequest, list[str]]:
    """The request the form describes and the problems the form itself shows (ids, 部数); every rule
    of issuance (requester, items, 支援措置, 抑止) is issuance's own and refuses in Japanese."""
    problems: list[str] = []
    ids, ok = subject_ids(values)
    if not ok:
        problems.append(SUBJECTS_MESSAGE)
    copies = _copies(str(values.get("copies", "")))
    if copies is None:
        problems.append(COPIES_MESSAGE)
    flag = {name: values.get(name) in ("1", "on", "true") for name, _ in OPTION_FIELDS}
    options = Options(
        household_form=values.get("form", "household") != "individual", copies=copies or 1, **flag
    )
    requester = Requester(
        kind=str(values.get("requester_kind", "")),
        person_id=parse_id(values.get("requester_person_id")),
        name=str(values.get("requester_name", "")).strip()[:200],
        power_of_attorney=values.get("power_of_attorney") in ("1", "on", "true"),
        principal_id=parse_id(values.get("principal_id")),
        purpose=str(values.get("purpose", "")).strip()[:400],
    )
    station = Station(
        terminal=str(values.get("terminal", "")).strip()[:50],
        printer=str(values.get("printer", "")).strip()[:50],
        place=str(values.get("place", "")).strip()[:100],
    )
    extra = {"request_id": request_id} if request_id else {}
    req = CertificateRequest(
        kind=str(values.get("kind", "")),
        subject_ids=tuple(ids),
        requester=requester,
        options=options,
        station=station,
        hold_confirmed=values.get("hold_confirmed") in ("1", "on", "true"),
        params=_params(values),
        **extra,
    )
    return req, problems


def choices() -> dict[str, Any]:
    return {
        "kinds": list(kinds.titles().items()),
        "forms": FORMS,
        "option_fields": OPTION_FIELDS,
        "requester_kinds": list(REQUESTER_KINDS.items()),
    }
