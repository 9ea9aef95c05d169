"""What the counter, the API and (next) the kiosk hand out: an issuance as one PDF, and a 見本.

:func:`issue_pdf` issues through the one path (:func:`issuance.issue` with the real renderer) and
checks the copies with :func:`issuance.finalize` right before they leave. :func:`preview_pdf` runs
the same eligibility and data without taking a number or keeping a history: every page carries
「見本」 and the 発行番号 box stays empty, so a preview can never pass for a certificate.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.db import transaction
from django.utils import timezone

from jichitai.tenancy.context import current
from jichitai.tenancy.models import Municipality

from . import kinds, overflow, signing
from .issuance import CertificateRequest, Issued, eligibility, finalize, issue
from .issuance.service import with_issuer
from .output import renderer_for
from .render import UndrawableCharactersError, certificate_html, render_pdf
from .render.undrawable import locate

UNDRAWABLE = overflow.UNDRAWABLE_LISTED
WATERMARK = "見本"
_WATERMARK_HTML = (
    '<div style="position: fixed; top: 35%; left: 0; right: 0; text-align: center; '
    'font-size: 120pt; color: rgba(200, 0, 0, 0.25);" '
    'class="watermark">見本</div>'
)


@dataclass(frozen=True)
class Handout:
    issued: Issued
    pdf: bytes  # one PDF, or a ZIP of signed PDFs (``content_type`` says which)
    numbers: tuple[str, ...]
    content_type: str = "application/pdf"

    @property
    def filename(self) -> str:
        return self.numbers[0].replace(" ", "_") if self.numbers else "certificate"

    @property
    def extension(self) -> str:
        return ".zip" if self.content_type == "application/zip" else ".pdf"


def content_disposition(filename: str, extension: str = ".pdf", download: bool = False) -> str:
    """Inline (to print), or a download when asked ([1420]#4), named by the 発行番号 (RFC 6266;
    UTF-8 for its Japanese, ASCII fallback)."""
    disposition = "inline" if extension == ".pdf" and not download else "attachment"
    return (f"{disposition}; filename=\"certificate{extension}\"; "
            f"filename*=UTF-8''{quote(filename + extension)}")


def signed_zip(copies: list[tuple[str, bytes]]) -> bytes:
    """Several signed copies, each its own PDF (joining would break their signatures)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for number, content in copies:
            z.writestr(number.replace(" ", "_") + ".pdf", content)
    return out.getvalue()


def join_pdfs(parts: list[bytes]) -> bytes:
    """Several copies as one PDF for the printer (poppler's pdfunite; one copy passes unchanged)."""
    if len(parts) == 1:
        return parts[0]
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, part in enumerate(parts):
            path = Path(tmp) / f"{i:03d}.pdf"
            path.write_bytes(part)
            paths.append(str(path))
        out = Path(tmp) / "all.pdf"
        subprocess.run(["pdfunite", *paths, str(out)], check=True, capture_output=True)
        return out.read_bytes()


def issue_pdf(req: CertificateRequest, *, staff: Any) -> Handout:
    """Issue ``req`` (refusals raise :class:`IssuanceRefused`) and give back its copies as one PDF,
    each copy checked against the request's persons just before it leaves."""
    code = Municipality.objects.get(pk=current().municipality_id).code
    issued = issue(req, staff=staff, renderer=renderer_for(code))
    finalize(issued, issued.subject_ids)
    numbers = tuple(c.number for c in issued.copies)
    if len(issued.copies) > 1 and signing.enabled():
        return Handout(issued, signed_zip([(c.number, c.content) for c in issued.copies]), numbers,
                       "application/zip")
    content = join_pdfs([c.content for c in issued.copies])
    return Handout(issued, content, numbers)


def preview_pdf(req: CertificateRequest, *, staff: Any) -> bytes:
    """The 見本 of ``req``: the same rules and data as :func:`issue_pdf`, no number, no history."""
    today = timezone.localdate()
    with transaction.atomic():
        cleared = eligibility.check(req, staff=staff)
        municipality = Municipality.objects.get(pk=current().municipality_id)
        documents = kinds.get(req.kind).build(  # type: ignore[union-attr]  # checked
            req, cleared.subject_ids, staff=staff, today=today, municipality=municipality
        )
        documents = with_issuer(documents, req, municipality, today)
        documents = overflow.prepare(documents)  # the 見本 shows the 別紙 the copy would have
    parts = []
    for d in documents:
        html = certificate_html(d).replace("</body>", _WATERMARK_HTML + "</body>", 1)
        try:
            parts.append(render_pdf(html))
        except UndrawableCharactersError as exc:
            # the 見本 lists a 外字 as the copy would ([1070]#2)
            exc.found = locate(exc.characters, d)
            overflow.record_undrawable(exc, req, staff=staff)
            raise
    return join_pdfs(parts)
