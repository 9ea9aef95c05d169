"""ログの分析 ([1370]#4): the standard's five analyses as tables (screen) and CSV files.

Auditors of the current (non-delegated) municipality only, like the search; every run is itself
logged (``read/audit_report``). The municipality chain gives the accesses and searches; logins
live in the consortium chain and are shown for the staff of this municipality (a role granted
here or 所属団体 here) — a failure under a user name that matches nobody is not attributable to
any municipality and is left to the consortium's operators.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone

from jichitai.tenancy.context import current

from .calendar import is_day_off
from .models import AuditEntry, Category, SystemAuditEntry
from .recording import record
from .search import NotAnAuditor, is_auditor

NIGHT_FROM, NIGHT_UNTIL = 22, 7  # 深夜: 22:00–6:59 local time
MASS_SEARCHES_PER_HOUR = 30
MASS_SEARCH_TOTAL = 500
LOGIN_FAILURES = ("login_password_failed", "second_factor_failed", "login_refused_locked", "locked",
                  "credentials_rejected")
ROW_LIMIT = 100_000


@dataclass(frozen=True)
class Report:
    kind: str
    title: str
    headers: list[str]
    rows: list[list[str]]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.headers)
        writer.writerows(self.rows)
        return out.getvalue()


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def _entries(since: dt.datetime, until: dt.datetime, **filters: object) -> Iterable[AuditEntry]:
    qs = AuditEntry.objects.filter(occurred_at__gte=since, occurred_at__lt=until, **filters)
    return qs.order_by("seq")[:ROW_LIMIT]


def off_hours(since: dt.datetime, until: dt.datetime) -> list[list[str]]:
    """深夜・休業日におけるアクセス一覧: reads and operations at night, on weekends, holidays and 年末年始."""
    rows = []
    for e in _entries(since, until, category__in=[Category.READ, Category.OPERATION]):
        local = timezone.localtime(e.occurred_at)
        night = local.hour >= NIGHT_FROM or local.hour < NIGHT_UNTIL
        day_off = is_day_off(local.date())
        if night or day_off:
            why = "・".join(w for w, b in (("深夜", night), ("休業日", day_off)) if b)
            rows.append([_local(e.occurred_at), e.username, why, e.category, e.action, e.screen, e.function,
                         e.subject_type, e.subject_id])
    return rows


def _staff_here() -> tuple[set[int], str, int]:
    from jichitai.accounts.models import RoleGrant, Staff
    from jichitai.tenancy.models import Municipality

    ctx = current()
    m = Municipality.objects.get(pk=ctx.municipality_id)
    ids = set(RoleGrant.objects.filter(municipality_id=m.pk).values_list("staff_id", flat=True))
    ids |= set(Staff.objects.filter(home_municipality_id=m.pk).values_list("pk", flat=True))
    return ids, m.code, m.consortium_id


def _auth(since: dt.datetime, until: dt.datetime, actions: Iterable[str]) -> list[SystemAuditEntry]:
    ids, _, consortium = _staff_here()
    return list(SystemAuditEntry.objects.filter(
        chain_key=consortium, category=Category.AUTH, action__in=list(actions), staff_id__in=ids,
        occurred_at__gte=since, occurred_at__lt=until).order_by("seq")[:ROW_LIMIT])


def login_failures(since: dt.datetime, until: dt.datetime) -> list[list[str]]:
    """ログイン失敗一覧."""
    return [[_local(e.occurred_at), e.username, e.action, e.remote_addr, str(e.detail.get("reason", "")),
             str(e.detail.get("step", ""))] for e in _auth(since, until, LOGIN_FAILURES)]


def logins_per_id(since: dt.datetime, until: dt.datetime) -> list[list[str]]:
    """ID別ログイン数一覧: logins into this municipality (団体の選択) and failures, per user name."""
    _, code, _ = _staff_here()
    logins: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    last: dict[str, dt.datetime] = {}
    for e in _auth(since, until, ("municipality_selected", *LOGIN_FAILURES)):
        if e.action == "municipality_selected":
            if e.municipality_code != code:
                continue
            logins[e.username] += 1
            last[e.username] = e.occurred_at
        else:
            failures[e.username] += 1
    names = sorted(set(logins) | set(failures))
    return [[n, str(logins[n]), str(failures[n]), _local(last[n]) if n in last else ""] for n in names]


def _searches(since: dt.datetime, until: dt.datetime) -> list[AuditEntry]:
    return list(_entries(since, until, category=Category.READ, action="search"))


def mass_searches(since: dt.datetime, until: dt.datetime) -> list[list[str]]:
    """大量検索実行一覧: a staff member's hours with many searches, and single searches with many hits."""
    per_hour: dict[tuple[str, str], int] = defaultdict(int)
    rows = []
    for e in _searches(since, until):
        hour = timezone.localtime(e.occurred_at).strftime("%Y-%m-%d %H:00")
        per_hour[(e.username, hour)] += 1
        if int(e.detail.get("total", 0)) >= MASS_SEARCH_TOTAL:
            rows.append([_local(e.occurred_at), e.username, "該当件数が多い検索", str(e.detail.get("total", "")),
                         "、".join(e.detail.get("items", []))])
    for (user, hour), n in sorted(per_hour.items()):
        if n >= MASS_SEARCHES_PER_HOUR:
            rows.append([hour, user, f"1時間に{n}回の検索", str(n), ""])
    return sorted(rows)


def identifier_searches(since: dt.datetime, until: dt.datetime) -> list[list[str]]:
    """宛名番号等から該当者の検索実行一覧: searches by an identifier (宛名番号, 住民票コード, 個人番号 …)."""
    rows = []
    for e in _searches(since, until):
        ids = e.detail.get("identifiers") or {}
        if ids or e.detail.get("my_number_used"):
            used = [f"{k}={v}" for k, v in sorted(ids.items())] + (["my_number=（値は記録しない）"]
                                                                   if e.detail.get("my_number_used") else [])
            rows.append([_local(e.occurred_at), e.username, e.screen, "、".join(used), str(e.detail.get("total", ""))])
    return rows


REPORTS: dict[str, tuple[str, list[str], Callable[[dt.datetime, dt.datetime], list[list[str]]]]] = {
    "off_hours": ("深夜・休業日におけるアクセス一覧",
                  ["日時", "職員ID", "区分", "ログ区分", "操作", "画面", "機能", "対象種別", "対象ID"], off_hours),
    "login_failures": ("ログイン失敗一覧", ["日時", "職員ID", "事象", "接続元", "理由", "段階"], login_failures),
    "logins_per_id": ("ID別ログイン数一覧", ["職員ID", "ログイン数", "ログイン失敗数", "最終ログイン"], logins_per_id),
    "mass_searches": ("大量検索実行一覧", ["日時", "職員ID", "区分", "件数", "検索項目"], mass_searches),
    "identifier_searches": ("宛名番号等から該当者の検索実行一覧",
                            ["日時", "職員ID", "画面", "検索した番号", "該当件数"], identifier_searches),
}


def run(kind: str, since: dt.datetime, until: dt.datetime) -> Report:
    """One analysis over [since, until); the run is logged."""
    if not is_auditor():
        raise NotAnAuditor()
    title, headers, build = REPORTS[kind]
    rows = build(since, until)
    record(Category.READ, "audit_report", subject_type="audit_log", subject_id="-", screen="監査ログの分析",
           function=f"audit.report.{kind}", detail={"report": kind, "title": title, "count": len(rows),
                                                   "since": since.isoformat(), "until": until.isoformat()})
    return Report(kind, title, headers, rows)
