"""照合表 (reconciliation report) of a migration: the numbers a migration lead signs off.

Counted from the register as it now stands in the active municipality (never from the import's
own bookkeeping), beside what the source file said when the caller knows it: persons by 状態,
residents by 住民種別, foreign residents by 法第30条の45の区分, households, 印鑑登録, and per 年度 the
課税情報 with the sums of every amount. Aggregates only: no person is named, so a 支援措置 person is
counted like any other. JSON for machines, a PDF (the certificates' engine, IPAmj明朝) for the
signature.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import timezone

_REASON = "移行照合表（件数の集計のみ）"
TEMPLATES = Path(__file__).with_name("templates")


def _counted(rows: Any, field: str, labels: Mapping[str, str]) -> dict[str, int]:
    counts = {
        str(r[field]): r["n"] for r in rows.values(field).annotate(n=Count("pk")).order_by(field)
    }
    return {labels.get(k, k): n for k, n in counts.items() if n}


def _persons() -> dict[str, Any]:
    from jichitai.registry.items import CATEGORY_LABELS
    from jichitai.registry.models import Person, PersonStatus, ResidentType

    rows = Person.objects.without_read_log(_REASON).exclude(status=PersonStatus.VOID)
    # a 帰化・国籍取得・国籍喪失 leaves its old 住民票 (消除) under the same 宛名番号: a person is
    # counted once, by their latest 住民票, as a source file counts them; the replaced are shown apart
    later = rows.filter(atena_no=OuterRef("atena_no"), pk__gt=OuterRef("pk"))
    everyone = rows.exclude(Exists(later))
    residents = everyone.filter(status=PersonStatus.RESIDENT)
    return {
        "persons_by_status": _counted(everyone, "status", dict(PersonStatus.choices)),
        "residence_records_replaced": rows.filter(Exists(later)).count(),
        "residents_by_type": _counted(residents, "resident_type", dict(ResidentType.choices)),
        "foreign_residents_by_category": _counted(
            residents.filter(resident_type=ResidentType.FOREIGN),
            "foreign_category",
            CATEGORY_LABELS,
        ),
    }


def _households() -> dict[str, int]:
    from jichitai.registry.models import Household

    return {
        "active": Household.objects.filter(active=True).count(),
        "all": Household.objects.count(),
    }


def _seals() -> dict[str, Any]:
    from jichitai.seals.models import CardState, RegistrationState, SealCard, SealRegistration

    return {
        "registrations_by_state": _counted(
            SealRegistration.objects.all(), "state", dict(RegistrationState.choices)
        ),
        "cards_by_state": _counted(SealCard.objects.all(), "state", dict(CardState.choices)),
    }


def _tax() -> dict[str, Any]:
    from jichitai.tax.models import AMOUNT_FIELDS, Assessment, TaxStatus

    years: dict[str, Any] = {}
    rows = Assessment.objects.all()
    for year in sorted(set(rows.values_list("fiscal_year", flat=True))):
        of_year = rows.filter(fiscal_year=year)
        sums = of_year.aggregate(**{f: Sum(f) for f, _ in AMOUNT_FIELDS})
        years[str(year)] = {
            "assessments": of_year.count(),
            "by_status": _counted(of_year, "status", dict(TaxStatus.choices)),
            "sums": {label: int(sums[f] or 0) for f, label in AMOUNT_FIELDS},
        }
    return years


_BREAKDOWNS = frozenset({"persons_by_status", "residents_by_type", "foreign_residents_by_category"})


def _differences(
    expected: Mapping[str, Any], actual: Mapping[str, Any], path: str = ""
) -> list[dict]:
    """Every number the source stated that the register does not hold, and
    in a breakdown (persons by 状態 …) every number the register holds that the source did not
    state (expected vs actual)."""
    out: list[dict] = []
    # a breakdown the source gave in full: a 状態 or 区分 it did not name must not be in the register
    whole = path in _BREAKDOWNS and isinstance(actual, Mapping)
    keys = list(expected) + ([k for k in actual if k not in expected] if whole else [])
    for key in keys:
        want = expected.get(key, 0)
        where = f"{path}.{key}" if path else str(key)
        got = actual.get(key) if isinstance(actual, Mapping) else None
        if isinstance(want, Mapping) or isinstance(got, Mapping):
            out.extend(
                _differences(
                    want if isinstance(want, Mapping) else {},
                    got if isinstance(got, Mapping) else {},
                    where,
                )
            )
        elif want != (got or 0):
            out.append({"item": where, "source": want, "register": got or 0})
    return out


def expected_from_records(records: Iterable[Any]) -> dict[str, Any]:
    """What a migration file says, counted as the 照合表 counts the register: each person's last
    history entry (状態, 住民種別, 区分) and the households that have a current resident."""
    from jichitai.registry.items import CATEGORY_LABELS
    from jichitai.registry.models import PersonStatus, ResidentType

    status: Counter[str] = Counter()
    types: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    households: set[str] = set()
    for record in records:
        last = record.history[-1]
        state = str(last.person.get("status") or PersonStatus.RESIDENT)
        status[PersonStatus(state).label if state in PersonStatus.values else state] += 1
        if state != PersonStatus.RESIDENT:
            continue
        kind = str(last.person.get("resident_type") or ResidentType.JAPANESE)
        types[ResidentType(kind).label if kind in ResidentType.values else kind] += 1
        if kind == ResidentType.FOREIGN:
            category = str(last.person.get("foreign_category") or "")
            categories[CATEGORY_LABELS.get(category, category)] += 1
        households.add(str(last.household.get("household_no") or ""))
    return {
        "persons_by_status": dict(status),
        "residents_by_type": dict(types),
        "foreign_residents_by_category": dict(categories),
        "households": {"active": len(households - {""})},
    }


def reconciliation(
    *,
    expected: Mapping[str, Any] | None = None,
    gaiji_mapped: int = 0,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The 照合表 of the active municipality; ``expected``: the source's own counts (same shape),
    whose every mismatch is listed under ``differences``."""
    from jichitai.tenancy.context import current
    from jichitai.tenancy.models import Municipality

    m = Municipality.objects.get(pk=current().municipality_id)
    report: dict[str, Any] = {
        "municipality": {"code": m.code, "name": m.name},
        "made_at": (now or timezone.now()).isoformat(timespec="seconds"),
        **_persons(),
        "households": _households(),
        "seals": _seals(),
        "tax": _tax(),
        "gaiji_mapped": gaiji_mapped,
    }
    report["differences"] = _differences(expected or {}, report)
    return report


def _lines(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, Mapping):
        return [line for k, v in value.items() for line in _lines(v, f"{prefix}{k} ")]
    return [(prefix.strip(), f"{value:,}" if isinstance(value, int) else str(value))]


SECTIONS = (
    ("persons_by_status", "住民（状態別）"),
    ("residence_records_replaced", "帰化・国籍取得・国籍喪失により消除した住民票"),
    ("residents_by_type", "住民（住民種別）"),
    ("foreign_residents_by_category", "外国人住民（法第30条の45の区分）"),
    ("households", "世帯"),
    ("seals", "印鑑登録"),
    ("tax", "課税情報（年度別）"),
)
_HOUSEHOLDS = {"active": "現在の世帯", "all": "世帯（消除を含む）"}


def report_pdf(report: Mapping[str, Any]) -> bytes:
    """The 照合表 as a PDF to sign (IPAmj明朝, through the certificates' engine)."""
    from django.template import Context, Engine

    from jichitai.certificates.render import render_pdf
    from jichitai.wareki import format_date

    sections = []
    for key, title in SECTIONS:
        value = report.get(key) or {}
        if key == "households":
            value = {_HOUSEHOLDS.get(k, k): v for k, v in value.items()}
        sections.append({"title": title, "lines": _lines(value) or [("", "0")]})
    made = dt.datetime.fromisoformat(report["made_at"])
    engine = Engine(dirs=[str(TEMPLATES)], autoescape=True)  # a name is text, never markup
    page = engine.get_template("importer/reconciliation.html").render(
        Context(
            {
                "report": report,
                "sections": sections,
                "made_on": format_date(timezone.localtime(made).date()),
                "gaiji_mapped": f"{report.get('gaiji_mapped', 0):,}",
                "differences": report.get("differences") or [],
            }
        )
    )
    return render_pdf(page, base_url=(TEMPLATES / "importer").as_uri() + "/")
