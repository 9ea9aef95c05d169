"""Writing and reading 課税情報, the person always reached through the register's read layer.

``record`` appends a version (who, when, why); ``current``/``versions`` read for the staff screen;
``assessment_for_certificate`` is what certificate issuance calls. A person under 支援措置 is
refused to staff without need-to-know (and every access alerted) by ``selectors.taxpayers``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from jichitai.accounts.capabilities import require_capability
from jichitai.audit.recording import record as audit_record
from jichitai.registry.errors import RegistryError
from jichitai.registry.selectors.taxpayers import Taxpayer, taxpayer

from .models import Assessment, Source
from .rules import FIRST_YEAR, LAST_YEAR, Problem, check, completed, fiscal_year_text

MANAGE = "tax.manage"
SCREEN = "課税情報"


class TaxError(Exception):
    """A refusal of the tax records; ``problems`` lists every broken rule (Japanese first)."""

    def __init__(self, *problems: Problem) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(p.ja for p in problems))

    @property
    def messages(self) -> list[str]:
        return [p.ja for p in self.problems]


class NoAssessment(TaxError):
    """No 課税情報 for the 年度: a 課税・所得・非課税証明書 cannot be issued."""

    def __init__(self, fiscal_year: int) -> None:
        super().__init__(
            Problem(
                "no_assessment",
                "年度",
                f"{fiscal_year_text(fiscal_year)}の課税情報がありません。",
                f"no tax assessment for fiscal year {fiscal_year}",
            )
        )


class Protected(TaxError):
    def __init__(self, refusal: str) -> None:
        super().__init__(
            Problem(
                "support_measure", "", refusal, "protected person (支援措置): need-to-know only"
            )
        )


class UnknownPerson(TaxError):
    def __init__(self) -> None:
        super().__init__(Problem("not_found", "", "住民が見つかりません。", "no such person"))


def _year(fiscal_year: int) -> None:
    if not FIRST_YEAR <= fiscal_year <= LAST_YEAR:
        raise TaxError(
            Problem("fiscal_year", "年度", "年度が正しくありません。", "invalid fiscal year")
        )


def reach(person_id: int, *, staff: Any, screen: str = SCREEN, function: str = "tax") -> Taxpayer:
    """The person through the read layer, or TaxError (unknown, or protected without need-to-know)."""
    try:
        answer = taxpayer(person_id, staff=staff, screen=screen, function=function)
    except RegistryError:
        raise UnknownPerson() from None
    if answer.masked or answer.taxpayer is None:
        raise Protected(answer.refusal)
    return answer.taxpayer


def _latest(person_id: int, fiscal_year: int) -> Assessment | None:
    return (
        Assessment.objects.filter(person_id=person_id, fiscal_year=fiscal_year)
        .order_by("-version")
        .first()
    )


def store(
    person_id: int,
    fiscal_year: int,
    status: str,
    amounts: Mapping[str, int | None],
    *,
    staff: Any,
    reason: str = "",
    source: str = Source.ENTERED,
    file_name: str = "",
) -> Assessment:
    """Append a version after the checks (no read-layer check: callers reach the person first)."""
    problems = check(status, dict(amounts))
    if problems:
        raise TaxError(*problems)
    # the unique (person, 年度, 版) constraint settles two writers racing for the first version
    latest = (
        Assessment.objects.select_for_update()
        .filter(person_id=person_id, fiscal_year=fiscal_year)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    if latest and not reason.strip():
        raise TaxError(
            Problem(
                "reason", "理由", "訂正の理由を入力してください。", "a correction needs a reason"
            )
        )
    return Assessment.objects.create(
        person_id=person_id,
        fiscal_year=fiscal_year,
        version=(latest or 0) + 1,
        status=status,
        source=source,
        reason=reason.strip()[:500],
        file_name=file_name[:255],
        entered_by=staff if getattr(staff, "pk", None) else None,
        **completed(status, dict(amounts)),
    )


def record(
    person_id: int,
    fiscal_year: int,
    status: str,
    amounts: Mapping[str, int | None],
    *,
    staff: Any,
    reason: str = "",
) -> Assessment:
    """Staff enter or correct a person's record for a 年度 (a correction needs a reason)."""
    require_capability(staff, MANAGE)
    _year(fiscal_year)
    # reached outside the write's transaction: the alert of a refused access must not roll back
    reach(person_id, staff=staff, function="tax.record")
    with transaction.atomic():
        stored = store(person_id, fiscal_year, status, amounts, staff=staff, reason=reason)
        audit_record(
            "operation",
            "tax.assessment_recorded",
            subject_type="person",
            subject_id=person_id,
            screen=SCREEN,
            function="tax.record",
            detail={"fiscal_year": fiscal_year, "version": stored.version, "status": status},
        )
        return stored


@dataclass(frozen=True)
class PersonTax:
    taxpayer: Taxpayer
    fiscal_year: int
    current: Assessment | None
    versions: list[Assessment]
    years: list[int]  # 年度 with a record, newest first


def person_tax(person_id: int, fiscal_year: int, *, staff: Any) -> PersonTax:
    """The staff screen: the person, the 年度's current record and its history, other 年度."""
    require_capability(staff, MANAGE)
    _year(fiscal_year)
    who = reach(person_id, staff=staff, function="tax.view")
    versions = list(
        Assessment.objects.filter(person_id=person_id, fiscal_year=fiscal_year)
        .select_related("entered_by")
        .order_by("-version")
    )
    years = sorted(
        set(Assessment.objects.filter(person_id=person_id).values_list("fiscal_year", flat=True)),
        reverse=True,
    )
    return PersonTax(who, fiscal_year, versions[0] if versions else None, versions, years)


def assessment_for_certificate(person_id: int, fiscal_year: int, *, staff: Any) -> Assessment:
    """The current record for a 課税・所得・非課税証明書; raises NoAssessment for a 年度 without
    one. Which certificate a record allows (非課税証明書 only for 非課税) is the certificate's rule;
    who may ask (本人, 代理人 …) is decided by issuance, the 支援措置 rule here as everywhere."""
    _year(fiscal_year)
    reach(person_id, staff=staff, screen="証明書交付", function="tax.certificate")
    found = _latest(person_id, fiscal_year)
    if found is None:
        raise NoAssessment(fiscal_year)
    return found
