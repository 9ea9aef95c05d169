"""EUC の PDF ファイル保存 ([1360]#5): an extraction's リスト形式 or 宛名形式 as a PDF, drawn by the
certificates' engine (WeasyPrint, IPAmj明朝: characters exactly as stored, 30.2 — a character the
font cannot draw is refused, never replaced).

The register's EUC (registry.euc) runs the extraction with its rules (支援措置, 表示権限, limits);
this module only draws the result it hands over, and writes the 印刷ログ of the file ([1370]#1:
印刷者, 日時, タイトル, 枚数, 個人番号なし, 出力形式 ファイル出力, the PDF's hash).
"""

from __future__ import annotations

import hashlib

from django.utils import timezone

from jichitai.audit.recording import record
from jichitai.registry.euc import catalogue, output
from jichitai.registry.euc.run import ANALYSES, Result
from jichitai.wareki import format_date

from .render import render_pdf
from .render.juminhyo import STYLES, template_context, template_engine

TEMPLATE = "certificates/euc.html"
MAX_ROWS = 20_000  # a PDF is drawn in memory: bigger extractions go to CSV or XML in batch
LABEL_FORMS = frozenset({"label", "pdf_label"})


def html(result: Result) -> str:
    spec = result.spec
    form = "label" if spec.output in LABEL_FORMS and spec.analysis == "rows" else "list"
    cols, rows = (
        (result.columns, result.rows) if spec.analysis == "rows" else output.summary(result)
    )
    title = "EUC 抽出結果（宛名）" if form == "label" else "EUC 抽出結果"
    values = {
        "title": title,
        "form": form,
        "source": catalogue.SOURCES.get(spec.source, spec.source),
        "analysis": ANALYSES.get(spec.analysis, ""),
        "count": f"{result.count:,}",
        "criteria": spec.criteria,
        "made_on": format_date(timezone.localdate()),
        "columns": [label for _, label in cols],
        "rows": [[output.text(r.get(k)) for k, _ in cols] for r in rows],
        "protected_left_out": result.protected_left_out,
        "truncated": result.truncated,
    }
    return str(template_engine().get_template(TEMPLATE).render(template_context(values)))


def result_pdf(result: Result, *, screen: str = "EUC") -> bytes:
    """The PDF of ``result``; its 印刷ログ entry is written once it exists."""
    from .notices import page_count

    pdf = render_pdf(html(result), base_url=STYLES)
    spec = result.spec
    record(
        "print",
        "euc.pdf",
        subject_type="euc_extraction",
        subject_id="-",
        screen=screen,
        function="euc",
        my_number_shown=False,
        detail={
            "title": "EUC 抽出結果",
            "source": spec.source,
            "criteria": spec.criteria,
            "rows": result.count,
            "pages": page_count(pdf),
            "form": spec.output,
            "output": "file",
            "official_seal": False,
            "sha256": hashlib.sha256(pdf).hexdigest(),
        },
    )
    return pdf


def filename() -> str:
    return f"euc-{timezone.localtime().strftime('%Y%m%d-%H%M%S')}.pdf"


__all__ = ["MAX_ROWS", "filename", "html", "result_pdf"]
