"""ログの保存期間 ([1370]#2): each municipality sets how long its audit chain is kept.

The period is a 団体別設定 (``MunicipalSetting`` key ``audit.retention_years``; changing it is a
設定変更ログ entry). Default 10 years: the standard leaves the period to the municipality and no law
fixes one for access logs, so the default is the longest usual class of a 文書管理規程 (1, 3, 5, 10
years) below 永年 — nobody loses logs before choosing. The chain is append-only, so "kept for the
period" holds by construction; nothing deletes an entry, within the period or after it. ``report``
says what has passed it; ``archive.write`` copies that to a self-verifying file (archive.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

SETTING_KEY = "audit.retention_years"
DEFAULT_YEARS = 10
MIN_YEARS, MAX_YEARS = 1, 150


class RetentionError(ValueError):
    """An invalid period; ``field`` and a Japanese message."""

    def __init__(self, message: str, field: str = "years") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Retention:
    years: int
    is_default: bool

    def label(self) -> str:
        return f"{self.years}年" + ("（既定）" if self.is_default else "")


@dataclass(frozen=True)
class RetentionReport:
    retention: Retention
    before: dt.datetime  # entries older than this have passed the period
    total: int
    expired: int
    oldest: dt.datetime | None


def minus_years(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def policy() -> Retention:
    """The current municipality's period (needs its TenantContext)."""
    from jichitai.tenancy.models import MunicipalSetting

    value = MunicipalSetting.objects.filter(key=SETTING_KEY).values_list("value", flat=True).first()
    if isinstance(value, int) and not isinstance(value, bool) and MIN_YEARS <= value <= MAX_YEARS:
        return Retention(value, False)
    return Retention(DEFAULT_YEARS, True)


def set_years(years: object) -> Retention:
    """Set the current municipality's period (whole years, 1–150)."""
    from jichitai.tenancy.models import MunicipalSetting

    try:
        n = int(str(years).strip())
    except ValueError:
        raise RetentionError(f"保存期間（年）は{MIN_YEARS}〜{MAX_YEARS}の整数で指定してください。") from None
    if not MIN_YEARS <= n <= MAX_YEARS:
        raise RetentionError(f"保存期間（年）は{MIN_YEARS}〜{MAX_YEARS}の整数で指定してください（{n}）。")
    MunicipalSetting.objects.update_or_create(key=SETTING_KEY, defaults={"value": n})
    return Retention(n, False)


def report(now: dt.datetime | None = None) -> RetentionReport:
    """What of the current municipality's chain has passed its period; logged, deletes nothing."""
    from django.db.models import Min

    from .models import AuditEntry
    from .recording import record

    ret = policy()
    before = minus_years(now or timezone.now(), ret.years)
    entries = AuditEntry.objects.all()
    total = entries.count()
    expired = entries.filter(occurred_at__lt=before).count()
    oldest = entries.aggregate(m=Min("occurred_at"))["m"]
    record("operation", "retention_report", subject_type="audit_log",
           detail={"years": ret.years, "default": ret.is_default, "before": before.isoformat(),
                   "expired": expired, "total": total})
    return RetentionReport(ret, before, total, expired, oldest)
