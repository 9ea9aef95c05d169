"""[1420]#4: a certificate goes out as a PDF file or on paper, with the municipality's default.

紙 is the PDF opened in the browser (inline) and printed on the printer and tray chosen at the
counter; PDF is the same bytes as a download. No server-side spool (CUPS) is built.
"""

from __future__ import annotations

from jichitai.tenancy.models import MunicipalSetting

OUTPUT_SETTING = "certificates.output_default"  # 団体別設定: "paper" or "pdf"
PAPER, PDF = "paper", "pdf"
OUTPUTS = ((PAPER, "紙（開いてプリンタで印刷）"), (PDF, "PDF（ファイルで保存）"))


def default_output() -> str:
    """The municipality's default output (団体別設定), else 紙."""
    row = MunicipalSetting.objects.filter(key=OUTPUT_SETTING).first()
    value = row.value if row is not None else PAPER
    return value if value in dict(OUTPUTS) else PAPER


def chosen_output(value: object) -> str:
    """The output asked for on the form or the API; anything else is the default."""
    text = str(value or "")
    return text if text in dict(OUTPUTS) else default_output()
