"""統計 out as files: CSV (UTF-8 with BOM, so the spreadsheet the office uses opens it as UTF-8)
and XLSX (openpyxl: one sheet per table, the form 都道府県 collect the 年報 in). Only the report's
aggregate tables go out: nothing here can reach a person.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from jichitai.wareki import format_date

from . import Report

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def heading(report: Report, municipality: str) -> list[tuple[str, str]]:
    """What the report is: 団体, 基準日 and 集計期間 (和暦), and the 稼働月 clip when it applied."""
    lines = [
        ("団体", municipality),
        ("基準日", f"{format_date(report.reference_date)}現在"),
        ("集計期間（異動）", f"{format_date(report.start)}〜{format_date(report.end)}"),
    ]
    if report.go_live is not None:
        lines.append(("新システム稼働月", format_date(report.go_live).removesuffix("1日")))
    if report.clipped:
        lines.append(("注記", "集計期間のうち稼働月より前の異動は旧システムで集計してください。"))
    return lines


def to_csv(report: Report, municipality: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for label, value in heading(report, municipality):
        writer.writerow((label, value))
    for table in report.tables:
        writer.writerow(())
        writer.writerow((f"【{table.title}】",))
        writer.writerow(table.columns)
        writer.writerows(table.rows)
        if table.note:
            writer.writerow((f"※{table.note}",))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(report: Report, municipality: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    cover = book.active
    cover.title = "表紙"
    cover.append(("住民基本台帳関係年報・定期報告 集計表",))
    cover["A1"].font = Font(bold=True)
    for label, value in heading(report, municipality):
        cover.append((label, value))
    cover.column_dimensions["A"].width = 22
    cover.column_dimensions["B"].width = 50
    for n, table in enumerate(report.tables, start=1):
        sheet = book.create_sheet(_sheet_name(n, table.title))
        sheet.append((table.title,))
        sheet["A1"].font = Font(bold=True)
        sheet.append(table.columns)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
        if table.note:
            sheet.append(())
            sheet.append((f"※{table.note}",))
        sheet.column_dimensions["A"].width = 40
        sheet.freeze_panes = "B3"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _sheet_name(n: int, title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    clean = "".join(c for c in title.split("（")[0] if c not in "[]:*?/\\")
    return f"{n:02d}{clean}"[:31]


def render(report: Report, municipality: str, fmt: str) -> bytes:
    writers: dict[str, Any] = {"csv": to_csv, "xlsx": to_xlsx}
    return writers[fmt](report, municipality)
