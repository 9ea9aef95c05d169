"""Rendering certificates to PDF: WeasyPrint, IPAmj明朝 only, HarfBuzz subsetting required.

``render_pdf`` takes HTML and returns PDF bytes; it refuses to run without libharfbuzz-subset0 and
refuses any character IPAmj明朝 cannot draw exactly as stored (``UndrawableCharactersError``, whose
``codes`` go to the 外字 list). See docs/certificates.md "Rendering".
"""

from .certificate import certificate_html, render_certificate
from .engine import check_drawable, font_setup, prepare_worker, render_pdf, warm_up
from .fonts import (
    FontMissingError,
    RenderError,
    SubsettingUnavailableError,
    UndrawableCharactersError,
    check_subsetting,
    code_points,
    coverage,
    font_path,
)
from .juminhyo import juminhyo_html, juminhyo_pdf

__all__ = [
    "FontMissingError",
    "RenderError",
    "SubsettingUnavailableError",
    "UndrawableCharactersError",
    "certificate_html",
    "check_drawable",
    "check_subsetting",
    "code_points",
    "coverage",
    "font_path",
    "font_setup",
    "juminhyo_html",
    "juminhyo_pdf",
    "render_certificate",
    "render_pdf",
    "prepare_worker",
    "warm_up",
]
