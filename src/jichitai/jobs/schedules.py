"""When a schedule starts its job: the five ways of [1280]#1 (年月日及び時分, 毎日, 毎週○曜日,
毎月ＸＸ日, 毎月末) as dateutil rrules in the municipality's local time (Asia/Tokyo).

毎月ＸＸ日 for a day a month lacks (31日 in 4月) runs on that month's last day: BYSETPOS=-1 over
the days 28..XX, so no month is skipped. 毎月末 is BYMONTHDAY=-1.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil import rrule
from django.utils import timezone

from jichitai.registry.errors import violation

from .models import Schedule, ScheduleKind


def _rule(s: Schedule, start: dt.datetime) -> rrule.rrule:
    t = s.at_time
    common: dict[str, Any] = {
        "dtstart": start,
        "byhour": t.hour,
        "byminute": t.minute,
        "bysecond": 0,
    }
    if s.kind == ScheduleKind.DAILY:
        return rrule.rrule(rrule.DAILY, **common)
    if s.kind == ScheduleKind.WEEKLY:
        return rrule.rrule(rrule.WEEKLY, byweekday=s.weekday, **common)
    if s.kind == ScheduleKind.MONTHLY:
        day = int(s.day_of_month or 1)
        days = tuple(range(28, day + 1)) if day > 28 else (day,)
        return rrule.rrule(rrule.MONTHLY, bymonthday=days, bysetpos=-1, **common)
    if s.kind == ScheduleKind.MONTH_END:
        return rrule.rrule(rrule.MONTHLY, bymonthday=-1, **common)
    raise ValueError(s.kind)


def next_run(s: Schedule, after: dt.datetime | None = None) -> dt.datetime | None:
    """The first start strictly after ``after`` (default now); None when a 年月日及び時分 schedule
    has passed."""
    after = timezone.localtime(after or timezone.now())
    if s.kind == ScheduleKind.ONCE:
        assert s.on_date is not None
        at = timezone.make_aware(dt.datetime.combine(s.on_date, s.at_time))
        return at if at > after else None
    # rrule in naive local time (no DST in Japan), made aware afterwards
    start = after.replace(tzinfo=None, second=0, microsecond=0)
    nxt = _rule(s, start).after(after.replace(tzinfo=None), inc=False)
    return timezone.make_aware(nxt) if nxt else None


def validate(s: Schedule) -> None:
    """A schedule names what its kind needs, and nothing impossible (errors in Japanese)."""
    if s.kind not in ScheduleKind.values:
        raise violation("schedule_kind", "起動方法を一覧から選んでください。", "kind")
    if s.kind == ScheduleKind.ONCE:
        if s.on_date is None:
            raise violation("schedule_date", "年月日を入力してください。", "on_date")
        if next_run(s) is None:
            raise violation(
                "schedule_past",
                "起動日時が過ぎています。これからの日時を入力してください。",
                "on_date",
            )
    if s.kind == ScheduleKind.WEEKLY and s.weekday not in range(7):
        raise violation("schedule_weekday", "曜日を選んでください。", "weekday")
    if s.kind == ScheduleKind.MONTHLY and not (s.day_of_month and 1 <= s.day_of_month <= 31):
        raise violation("schedule_day", "日は1から31までで入力してください。", "day_of_month")


def describe(s: Schedule) -> str:
    """The schedule as staff read it, e.g. 「毎週 月曜日 02:00」."""
    at = f"{s.at_time:%H:%M}"
    if s.kind == ScheduleKind.ONCE:
        from jichitai.wareki import format_date

        return f"{format_date(s.on_date)} {at}"
    if s.kind == ScheduleKind.WEEKLY:
        return f"毎週 {s.get_weekday_display()} {at}"
    if s.kind == ScheduleKind.MONTHLY:
        return f"毎月 {s.day_of_month}日 {at}（その日がない月は月末）"
    return f"{s.get_kind_display()} {at}"


def add(
    job_name: str,
    *,
    kind: str,
    at_time: dt.time,
    staff: Any,
    values: dict[str, Any],
    on_date: dt.date | None = None,
    weekday: int | None = None,
    day_of_month: int | None = None,
) -> Schedule:
    """スケジュール登録: the job starts by itself with ``values`` (coerced to its types)."""
    from jichitai.accounts.capabilities import CapabilityMissing, has_capability

    from . import catalogue, params

    job = catalogue.get(job_name)
    if not has_capability(staff, job.capability):
        raise CapabilityMissing(job.capability)
    s = Schedule(
        job_name=job.name,
        kind=kind,
        at_time=at_time,
        on_date=on_date,
        weekday=weekday,
        day_of_month=day_of_month,
        params=params.coerce(job, values),
        created_by=staff,
    )
    validate(s)
    s.next_run_at = next_run(s)
    s.save()
    return s


def stop(schedule_id: int, *, staff: Any) -> Schedule:
    """スケジュールの停止 (kept for the record, never deleted)."""
    from jichitai.accounts.capabilities import CapabilityMissing, has_capability

    s = Schedule.objects.filter(pk=schedule_id).first()
    if s is None:
        raise violation("not_found", "スケジュールが見つかりません。", "schedule_id")
    if not has_capability(staff, "registry.batch"):
        raise CapabilityMissing("registry.batch")
    s.active = False
    s.next_run_at = None
    s.save(update_fields=["active", "next_run_at"])
    return s
