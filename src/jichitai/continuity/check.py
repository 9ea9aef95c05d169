"""What a restored database is checked for, run inside it (Django set up against it):
row counts per municipality, the audit chains (``audit.verify``), and an as-of view (the
residents counted on the target date, ``registry.selectors.population``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jichitai.tenancy.context import TenantContext, activate

PURPOSE = "復旧したデータベースの検査 / check of a restored database"


def _municipality(m: Any, on: dt.date) -> dict[str, Any]:
    from django.db.models import Max

    from jichitai.audit.models import AuditEntry
    from jichitai.registry.models import Household, Person, RegistryEvent
    from jichitai.registry.selectors import population

    ctx = TenantContext(municipality_id=m.pk, acting_municipality_id=m.pk, purpose=PURPOSE)
    with activate(ctx), population.counting():
        events = RegistryEvent.objects.filter(status="approved")
        return {
            "code": m.code,
            "name": m.name,
            "persons": Person.objects.without_read_log(PURPOSE).count(),
            "households": Household.objects.count(),
            "events": events.count(),
            "last_registered_at": _iso(events.aggregate(t=Max("registered_at"))["t"]),
            "audit_entries": AuditEntry.objects.filter(municipality_id=m.pk).count(),
            "residents_on": sum(c.count for c in population.residents(on)),
        }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def check(on: dt.date) -> dict[str, Any]:
    """The restored database's counts and audit verification; ``ok`` when the chains hold."""
    from jichitai.audit.verify import verify
    from jichitai.tenancy.models import Municipality

    municipalities = [_municipality(m, on) for m in Municipality.objects.order_by("code")]
    report = verify()
    return {
        "as_of": on.isoformat(),
        "municipalities": municipalities,
        "audit": {
            "ok": report.ok,
            "chains": len(report.chains),
            "entries": report.entries,
            "findings": [f.line() for f in report.findings][:20],
        },
        "ok": report.ok,
    }


def summary_lines(result: dict[str, Any]) -> list[str]:
    """The check in both languages, one line per municipality."""
    lines = []
    for m in result["municipalities"]:
        lines.append(
            f"{m['code']} {m['name']}: 住民 {m['residents_on']}人（{result['as_of']}現在）・"
            f"個人 {m['persons']}・世帯 {m['households']}・異動 {m['events']}・監査 {m['audit_entries']} / "
            f"residents {m['residents_on']} on {result['as_of']}, persons {m['persons']}, "
            f"households {m['households']}, events {m['events']}, audit entries {m['audit_entries']}"
        )
    a = result["audit"]
    if a["ok"]:
        lines.append(
            f"監査ログは改ざんされていません（{a['chains']}連鎖・{a['entries']}件） / "
            f"audit log intact ({a['chains']} chains, {a['entries']} entries)"
        )
    else:
        lines.append(
            f"監査ログに不整合があります（{len(a['findings'])}件） / "
            f"audit log verification FAILED ({len(a['findings'])} findings)"
        )
        lines.extend(f"  ! {f}" for f in a["findings"])
    return lines
