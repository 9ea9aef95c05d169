"""The counter form → :class:`CertificateRequest` (the same parsing serves the screen and tests)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jichitai.certificates import kinds
from jichitai.certificates.issuance import CertificateRequest, Options, Requester, Station
from jichitai.certificates.issuance.request import REQUESTER_KINDS
from jichitai.certificates.kinds.extract import ITEMS as EXTRACT_ITEMS

from ..registry.views.common import parse_id

OPTION_FIELDS = (
    ("whole_household", "世帯全員"),
    ("head_and_relationship", "世帯主・続柄"),
    ("honseki", "本籍・筆頭者"),
    ("resident_code", "住民票コード"),
    ("my_number", "個人番号"),
    ("foreign_items", "国籍・地域、在留資格等"),
    ("alias_history", "通称の記載及び削除に関する事項"),
    ("history", "履歴（異動の経過）"),
    # [40]#4: left out by default; only when the clerk asks (特別養子縁組・その解消・性別の変更)
    ("special_history", "特別な事由（特別養子縁組・その解消・性別の変更）の履歴"),
)
FORMS = (("household", "世帯連記式"), ("individual", "個人票"))
# a kind's own inputs (CertificateRequest.params), passed through as typed: the kind checks them
PARAM_FIELDS = (
    ("card_number", "印鑑登録証の番号（印鑑登録証明書）"),
    ("fiscal_year", "年度（課税・所得・非課税証明書。例: 令和7年度）"),
)
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
        tray=str(values.get("tray", "")).strip()[:50],
    )
    extra: dict[str, Any] = {"request_id": request_id} if request_id else {}
    params = _params(values)
    params.update(
        (name, str(values.get(name, "")).strip()[:40])
        for name, _ in PARAM_FIELDS
        if str(values.get(name, "")).strip()
    )
    if values.get("reissue") in ("1", "on", "true"):  # 転出証明書の再交付 ([660]#3)
        params["reissue"] = "1"
    if params:
        extra["params"] = params
    req = CertificateRequest(
        kind=str(values.get("kind", "")),
        subject_ids=tuple(ids),
        requester=requester,
        options=options,
        station=station,
        hold_confirmed=values.get("hold_confirmed") in ("1", "on", "true"),
        fee_exemption=str(values.get("fee_exemption", "")).strip()[:12],
        **extra,
    )
    return req, problems


def _params(values: Mapping[str, Any]) -> dict[str, str]:
    """記載事項証明書: the items ticked (``item``) and the 方書 omission asked for; the 文字溢れ
    confirmation ([1070])."""
    ticked = list(values.getlist("item")) if hasattr(values, "getlist") else []
    items = [str(t) for t in ticked if str(t) in EXTRACT_ITEMS]
    out = {"items": ",".join(dict.fromkeys(items))} if items else {}
    if values.get("omit_katagaki") in ("1", "on", "true"):
        out["omit_katagaki"] = "1"
    if values.get("overflow_confirmed") in ("1", "on", "true"):
        out["overflow_confirmed"] = "1"  # [1070]: 文字溢れ seen and confirmed by the clerk
    return out


def choices() -> dict[str, Any]:
    from jichitai.certificates import printing
    from jichitai.certificates.fees.charge import active_exemptions, rates

    fees = rates()
    return {
        "fee_rows": [(k.title, fees.get(k.code)) for k in kinds.all_kinds()],
        "fee_exemptions": [(str(e.pk), f"{e.label}（{e.basis}）") for e in active_exemptions()],
        "kinds": list(kinds.titles().items()),
        "forms": FORMS,
        "option_fields": OPTION_FIELDS,
        "extract_items": list(EXTRACT_ITEMS.items()),
        "param_fields": PARAM_FIELDS,
        "requester_kinds": list(REQUESTER_KINDS.items()),
        "outputs": printing.OUTPUTS,
        "output_default": printing.default_output(),
    }
