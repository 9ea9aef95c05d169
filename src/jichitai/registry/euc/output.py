"""EUC の出力 ([1360]#5): CSV and XML, written as a stream of text chunks so a big extraction
never sits in memory (the batch writes them to a file, the screen sends them as a download).

CSV: UTF-8 with a BOM (表計算ソフト opens it as UTF-8), a header of データ項目名称, dates as
YYYY-MM-DD. XML: ``<EUC抽出>`` with one ``<行>`` per row and one ``<項目 名称="…">`` per item,
characters XML 1.0 cannot hold dropped. Text is written as the register stores it (30.2 文字:
the characters are the register's own, MJ characters included; no 縮退 on output).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .run import ANALYSES, Result, Spec

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(round(value, 4))
    return str(value)


def summary(result: Result) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """The table of a count, group or sum analysis (columns, rows)."""
    spec = result.spec
    if spec.analysis == "group":
        from .catalogue import BY_KEY

        cols = [(k, BY_KEY[k].label) for k in spec.group_by] + [("count", "件数")]
        return cols, [{**dict(zip(spec.group_by, key, strict=True)), "count": n} for key, n in result.groups]
    if spec.analysis == "sum":
        mean = result.total / result.count if result.total is not None and result.count else None
        return ([("count", "件数"), ("total", f"合計（{spec.total_text}）"), ("mean", "平均")],
                [{"count": result.count, "total": result.total, "mean": mean}])
    return [("count", "件数")], [{"count": result.count}]


def csv_chunks(columns: list[tuple[str, str]], rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([label for _, label in columns])
    yield "\ufeff" + _take(buf)
    for row in rows:
        writer.writerow([text(row.get(k)) for k, _ in columns])
        if buf.tell() > 64_000:
            yield _take(buf)
    yield _take(buf)


def _take(buf: io.StringIO) -> str:
    value = buf.getvalue()
    buf.seek(0)
    buf.truncate()
    return value


def xml_chunks(spec: Spec, columns: list[tuple[str, str]], rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    attrs = f"データソース={quoteattr(spec.source)} 分析={quoteattr(ANALYSES.get(spec.analysis, ''))}"
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<EUC抽出 {attrs}>\n'
    yield f"  <条件>{escape(_clean(spec.criteria))}</条件>\n"
    for n, row in enumerate(rows, start=1):
        cells = "".join(f"<項目 名称={quoteattr(label)}>{escape(_clean(text(row.get(k))))}</項目>"
                        for k, label in columns)
        yield f'  <行 番号="{n}">{cells}</行>\n'
    yield "</EUC抽出>\n"


def _clean(value: str) -> str:
    return _NOT_XML.sub("", value)
