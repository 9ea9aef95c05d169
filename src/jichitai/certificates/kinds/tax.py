"""課税証明書 (``kazei``), 所得証明書 (``shotoku``), 非課税証明書 (``hikazei``) of one 年度
(``params["fiscal_year"]``), from the 課税情報 ``jichitai.tax`` keeps.

Tax secrecy (地方税法第22条): only the person, a member of the same household, or a 代理人 with the
person's own 委任状 may ask; no 第三者 or 公用 request at the counter. The subject may have moved
out or died since (課税 follows the address on 1 January, the 賦課期日), so any status but 記載取消
is accepted and the 住所 printed is the register's on 1 January of the 年度 when it had one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jichitai.registry.selectors.certificates import SubjectState, subject_states
from jichitai.tax.models import INCOME_ITEMS, Assessment, TaxStatus
from jichitai.tax.rules import AmountError, fiscal_year_text, parse_fiscal_year
from jichitai.tax.services import NoAssessment, TaxError, assessment_for_certificate
from jichitai.wareki import format_date

from ..issuance.data import CertificateData
from ..issuance.messages import NOT_FOUND
from ..issuance.request import AGENT, HOUSEHOLD, SELF, CertificateRequest
from . import ANY, CertificateKind, register, subject

TAXABLE, INCOME, EXEMPT = "kazei", "shotoku", "hikazei"
TITLES = {TAXABLE: "課税証明書", INCOME: "所得証明書", EXEMPT: "非課税証明書"}
YEAR = "fiscal_year"  # CertificateRequest.params: the 年度 as typed (2025, 令和7年度, R7)
TEMPLATE = "certificates/tax.html"

YEAR_NEEDED = "課税・所得・非課税証明書には年度が必要です（例: 令和7年度、2025）。"
REQUESTER = (
    "課税・所得・非課税証明書は、本人、同一世帯の方又は本人の委任状を持参した代理人の請求に限り"
    "交付できます（地方税法第22条の守秘義務のため、第三者請求・公用請求には交付しません）。"
)
SELF_ONLY = "本人請求で交付できるのは請求者本人の証明書だけです。"
NOT_SAME_HOUSEHOLD = (
    "請求者が対象者と同一の世帯に属していないため、同一世帯としては交付できません。"
    "本人の委任状による代理人請求としてください。"
)
POWER_OF_ATTORNEY = (
    "代理人による請求には、本人の委任状の確認と代理人の氏名が必要です"
    "（委任状は対象者本人からのものに限ります）。"
)
UNDECLARED = (
    "{year}は未申告のため証明書を交付できません。先に住民税の申告を受け付けてから発行してください。"
)
TAXED = "{year}は課税されているため非課税証明書は交付できません。課税証明書を請求してください。"
CERTIFICATION = {
    TAXABLE: "上記のとおり、{year}の個人住民税の課税状況を証明します。",
    INCOME: "上記のとおり、{income_year}中の所得を証明します。",
    EXEMPT: "上記のとおり、{year}の個人住民税は非課税であることを証明します。",
}


def fiscal_year(req: CertificateRequest) -> int:
    text = str(req.params.get(YEAR, "") or "").strip()
    if not text:
        raise subject.refuse("fiscal_year", YEAR_NEEDED)
    try:
        return parse_fiscal_year(text)
    except AmountError as exc:
        raise subject.refuse("fiscal_year", exc.ja) from None


def _requester(req: CertificateRequest, states: dict[int, SubjectState]) -> None:
    r, ids = req.requester, set(states)
    if r.kind == SELF:
        if r.person_id is None or ids != {r.person_id}:
            raise subject.refuse("self_only", SELF_ONLY)
    elif r.kind == HOUSEHOLD:
        mine = subject_states([r.person_id]).get(r.person_id) if r.person_id else None
        if (
            mine is None
            or not mine.current
            or any(not s.current or s.household_id != mine.household_id for s in states.values())
        ):
            raise subject.refuse("not_same_household", NOT_SAME_HOUSEHOLD)
    elif r.kind == AGENT:
        if not (r.power_of_attorney and r.name.strip()) or ids != {r.principal_id}:
            raise subject.refuse("power_of_attorney", POWER_OF_ATTORNEY)
    else:
        raise subject.refuse("tax_secrecy", REQUESTER)


def assessment(req: CertificateRequest, person_id: int, year: int, staff: Any) -> Assessment:
    """The 年度's current record, refused in Japanese: none, 未申告, 課税 for a 非課税証明書."""
    try:
        found = assessment_for_certificate(person_id, year, staff=staff)
    except NoAssessment as exc:
        raise subject.refuse("no_assessment", exc.messages[0]) from None
    except TaxError:  # protected or unknown: eligibility refused these already; say nothing more
        raise subject.refuse("not_found", NOT_FOUND) from None
    if found.status == TaxStatus.UNDECLARED:
        raise subject.refuse("undeclared", UNDECLARED.format(year=fiscal_year_text(year)))
    if req.kind == EXEMPT and found.status != TaxStatus.EXEMPT:
        raise subject.refuse("taxed", TAXED.format(year=fiscal_year_text(year)))
    return found


def check(req: CertificateRequest, states: dict[int, SubjectState], *, staff: Any) -> None:
    year = fiscal_year(req)
    _requester(req, states)
    for pid in states:
        assessment(req, pid, year, staff)


def _yen(value: int | None) -> str:
    return "" if value is None else f"{value:,}円"


def _items(a: Assessment, kind: str) -> dict[str, Any]:
    income = [
        (label, _yen(getattr(a, f"{key}_revenue")), _yen(getattr(a, f"{key}_income")))
        for key, label in INCOME_ITEMS
    ]
    levies = kind != INCOME  # a 所得証明書 certifies income; the levy is the 課税証明書's
    total = (a.income_levy or 0) + (a.per_capita_levy or 0)
    return {
        "income": income,
        "total_income": _yen(a.total_income),
        "deductions": _yen(a.deductions),
        "levies": levies,
        "income_levy": _yen(a.income_levy) if levies else "",
        "per_capita_levy": _yen(a.per_capita_levy) if levies else "",
        "total_levy": _yen(total) if levies else "",
        "status": a.get_status_display(),
    }


def _one(
    req: CertificateRequest, person_id: int, year: int, staff: Any, today: dt.date, m: Any
) -> CertificateData:
    a = assessment(req, person_id, year, staff)
    person = subject.read(person_id, staff=staff, function=f"certificates.{req.kind}")
    levy_day = dt.date(year, 1, 1)  # 賦課期日
    then = subject.as_of(person, levy_day)
    year_text = fiscal_year_text(year)
    income_year = fiscal_year_text(year - 1).removesuffix("度")
    return CertificateData(
        kind=req.kind,
        title=TITLES[req.kind],
        request_id=req.request_id,
        form="個人票",
        municipality=m.name,
        prefecture=m.prefecture,
        issued_on=format_date(today),
        address=(then or person).address,
        members=[subject.row(person.values)],
        person_ids=(person_id,),
        omitted=[],
        certification=CERTIFICATION[req.kind].format(year=year_text, income_year=income_year),
        template=TEMPLATE,
        extra={
            "fiscal_year": year_text,
            "income_year": income_year,
            "address_label": f"住所（{format_date(levy_day)}現在）" if then else "住所",
            **_items(a, req.kind),
        },
        page_count=1,
    )


def build(
    req: CertificateRequest,
    subject_ids: tuple[int, ...],
    *,
    staff: Any,
    today: dt.date,
    municipality: Any,
) -> list[CertificateData]:
    year = fiscal_year(req)
    return [_one(req, pid, year, staff, today, municipality) for pid in subject_ids]


for _code, _order in ((TAXABLE, 80), (INCOME, 81), (EXEMPT, 82)):
    register(
        CertificateKind(
            code=_code,
            title=TITLES[_code],
            build=build,
            functions=(),  # 地方税法's, not the 住民記録 standard's
            subjects=ANY,  # moved out or died since 1 January: still the 年度's taxpayer
            check=check,
            register_options=False,
            requester_rules=False,
            order=_order,
        )
    )
