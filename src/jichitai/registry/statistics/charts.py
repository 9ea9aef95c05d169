"""Charts of a report as geometry for server-rendered SVG (the page's CSP allows no inline script
or style: the template draws these shapes with CSS classes from registry.css).

- 人口ピラミッド: 5-year age bands, 男 to the left and 女 to the right (日本人 and 外国人 stacked);
- 記載・消除: the period's 事由 with a count, one horizontal bar each;
- 世帯: the share of 日本人のみ・外国人のみ・複数国籍 households as one stacked bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import Report

WIDTH = 640
ROW = 18
LABEL = 90  # the band label's column in the pyramid's middle
BAR_LABEL = 190  # the 事由 column of the bar chart


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: (
        str  # class: male-jp, male-fr, female-jp, female-fr, entry, removal, hh-jp, hh-fr, hh-mixed
    )
    title: str  # the exact number (a tooltip and for screen readers)


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    texts: tuple[Text, ...]
    description: str  # the chart's numbers in words (aria)


def pyramid(report: Report) -> Chart:
    ages = report.table("ages")
    rows = ages.rows[:-1]
    cols = ages.columns
    get = [
        (
            r[0],
            *(
                int(r[cols.index(c)])
                for c in ("日本人（男）", "外国人（男）", "日本人（女）", "外国人（女）")
            ),
        )
        for r in rows
    ]
    peak = max([jm + fm for _, jm, fm, _, _ in get] + [jf + ff for _, _, _, jf, ff in get] + [1])
    half = (WIDTH - LABEL) / 2
    scale = (half - 10) / peak
    bars: list[Bar] = []
    texts = [Text(half / 2, 14, "男", "middle"), Text(half + LABEL + half / 2, 14, "女", "middle")]
    for i, (label, jm, fm, jf, ff) in enumerate(reversed(get)):
        y = 22 + i * ROW
        left = half - (jm + fm) * scale
        bars.append(
            Bar(half - jm * scale, y, jm * scale, ROW - 3, "male-jp", f"{label} 男 日本人 {jm}人")
        )
        bars.append(Bar(left, y, fm * scale, ROW - 3, "male-fr", f"{label} 男 外国人 {fm}人"))
        start = half + LABEL
        bars.append(Bar(start, y, jf * scale, ROW - 3, "female-jp", f"{label} 女 日本人 {jf}人"))
        bars.append(
            Bar(
                start + jf * scale, y, ff * scale, ROW - 3, "female-fr", f"{label} 女 外国人 {ff}人"
            )
        )
        texts.append(Text(half + LABEL / 2, y + ROW - 6, str(label), "middle"))
    words = "、".join(f"{label} 男{jm + fm}人・女{jf + ff}人" for label, jm, fm, jf, ff in get)
    return Chart(
        "人口ピラミッド（5歳階級・基準日現在）",
        WIDTH,
        30 + len(get) * ROW,
        tuple(bars),
        tuple(texts),
        words,
    )


def movement_bars(report: Report) -> Chart:
    items: list[tuple[str, int, str]] = []
    for key, css in (("entries", "entry"), ("removals", "removal")):
        table = report.table(key)
        for row in table.rows[:-1]:
            if int(row[-1]):
                items.append(
                    (f"{'記載' if css == 'entry' else '消除'}：{row[0]}", int(row[-1]), css)
                )
    peak = max([n for _, n, _ in items] + [1])
    scale = (WIDTH - BAR_LABEL - 70) / peak
    bars, texts = [], []
    for i, (label, n, css) in enumerate(items):
        y = 8 + i * ROW
        bars.append(Bar(BAR_LABEL, y, n * scale, ROW - 3, css, f"{label} {n}人"))
        texts.append(Text(BAR_LABEL - 6, y + ROW - 6, label, "end"))
        texts.append(Text(BAR_LABEL + n * scale + 4, y + ROW - 6, f"{n:,}人"))
    if not items:
        texts.append(Text(10, 20, "集計期間に記載・消除はありません。"))
    words = "、".join(f"{label} {n}人" for label, n, _ in items) or "なし"
    return Chart(
        "住民票の記載・消除（集計期間・事由別）",
        WIDTH,
        16 + max(len(items), 1) * ROW,
        tuple(bars),
        tuple(texts),
        words,
    )


def household_bar(report: Report) -> Chart:
    table = report.table("households")
    parts = [
        (str(r[0]), int(r[1]), css)
        for r, css in zip(table.rows[:-1], ("hh-jp", "hh-fr", "hh-mixed"), strict=True)
    ]
    total = sum(n for _, n, _ in parts) or 1
    x = 0.0
    bars, texts = [], []
    for i, (label, n, css) in enumerate(parts):
        w = WIDTH * n / total
        bars.append(Bar(x, 4, w, 26, css, f"{label} {n}世帯"))
        x += w
        y = 40 + i * ROW  # a legend line per kind: its colour, name, count and share
        bars.append(Bar(0, y, 12, 12, css, label))
        texts.append(Text(18, y + 11, f"{label} {n:,}世帯（{100 * n / total:.1f}%）"))
    words = "、".join(f"{label} {n}世帯" for label, n, _ in parts)
    return Chart(
        "世帯の構成（基準日現在）", WIDTH, 44 + len(parts) * ROW, tuple(bars), tuple(texts), words
    )


def charts(report: Report) -> tuple[Chart, ...]:
    return (pyramid(report), movement_bars(report), household_bar(report))
