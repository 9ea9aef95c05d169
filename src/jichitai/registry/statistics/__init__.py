"""統計 ([1080]): the 住民基本台帳関係年報 and the 入管 定期報告 counts for any reference date,
computed from the event log through the read layer (``selectors.population``), set-wise in SQL.

- 基準日現在 (reference date D) is the register at the start of D: every 異動 with a 異動日 before D,
  and a 転出予定者 whose 転出予定日 is D or later is still 住民 ([1080]#4). So 「1月1日現在」 and the
  year's 異動 (1月1日〜12月31日) add up: the period is the year before D unless given.
- After a migration only the months from the new system's 稼働月 are counted ([1080]#3): the
  municipality's setting ``registry.statistics_go_live`` ("YYYY-MM") clips the period and refuses
  a reference date before it.
- Output is aggregate tables only: no drill-down, no identifier, name or address (docs/registry.md
  「統計」). Everyone is counted, 支援措置 persons included, as the law's counts require.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from jichitai.registry.selectors import population

from .immigration import immigration_tables
from .tables import Table, annual_tables

CAPABILITY = "registry.statistics"
GO_LIVE_SETTING = "registry.statistics_go_live"  # 団体別設定 (tenancy.MunicipalSetting): "YYYY-MM"
EARLIEST = dt.date(1900, 1, 2)
LATEST = dt.date(2200, 1, 1)

__all__ = [
    "CAPABILITY",
    "GO_LIVE_SETTING",
    "Report",
    "StatisticsError",
    "Table",
    "go_live",
    "report",
]


class StatisticsError(ValueError):
    """A request the statistics refuse; ``message`` in Japanese for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Report:
    reference_date: dt.date  # 基準日: counts 「基準日現在」
    start: dt.date  # 集計期間 (異動) from
    end: dt.date  # … to (the day before 基準日)
    go_live: dt.date | None  # first day of the 稼働月, when set
    clipped: bool  # the period asked for began before the 稼働月
    tables: tuple[Table, ...] = field(default=())

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    @property
    def balanced(self) -> bool:
        """The 検証 of the 年報: 期首人口 + 記載 − 消除 = 基準日現在の人口, for every row."""
        return all(row[-1] == 0 for row in self.table("check").rows)


def go_live() -> dt.date | None:
    """The first day of the new system's 稼働月 ([1080]#3), from the municipality's setting."""
    from jichitai.tenancy.models import MunicipalSetting

    row = MunicipalSetting.objects.filter(key=GO_LIVE_SETTING).first()
    if row is None or not row.value:
        return None
    try:
        day = dt.date.fromisoformat(f"{str(row.value)[:7]}-01")
    except ValueError:
        return None
    return day


def report(on: dt.date, *, start: dt.date | None = None) -> Report:
    """The tables for reference date ``on`` (基準日現在) and the 異動 from ``start`` (default: one
    year before ``on``) to the day before ``on``. Runs in the municipality's TenantContext."""
    if not EARLIEST <= on <= LATEST:
        raise StatisticsError("基準日は1900年から2200年までの日付で指定してください。")
    end = on - dt.timedelta(days=1)
    start = start or _year_before(on)
    if start > end:
        raise StatisticsError("集計期間の開始日は基準日より前の日付で指定してください。")
    first = go_live()
    clipped = False
    if first is not None:
        if on < first:
            raise StatisticsError(
                f"基準日が新システムの稼働月（{first.year}年{first.month}月）より前です。"
                "稼働月より前の統計は旧システムで集計してください。"
            )
        if start < first:
            start, clipped = first, True
    with population.counting():
        stock_before = population.residents(start - dt.timedelta(days=1))
        stock, homes = population.census(end)
        moves = list(population.movements(start, end))
    tables = annual_tables(stock, homes, moves, stock_before, on) + immigration_tables(stock, moves)
    return Report(on, start, end, first, clipped, tables)


def _year_before(on: dt.date) -> dt.date:
    try:
        return on.replace(year=on.year - 1)
    except ValueError:  # 2月29日
        return on.replace(year=on.year - 1, day=28)
