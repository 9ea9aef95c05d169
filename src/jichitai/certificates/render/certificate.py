"""The real :data:`issuance.Renderer`: an issued copy's data (already 和暦, items chosen and
omitted by issuance) through one template to a PDF with IPAmj明朝.

The 発行番号 and its page x/n are printed by the page's margin box from the number in the data and
the engine's own page count ([1040]); the 認証文 follows the last member (and the 別紙 of values too
long for their box, [1070]), so it is on the last page only ([1000]#4). Every value is fitted to its
box first (fit.py): the template receives cells with their size and lines. The 認証者 block (職名
with the prefecture, 氏名, 電子公印, 「公用」) is the include ``certificates/_issuer.html``, from
``extra["issuer"]``. The 検証コード and its QR code (``_verification.html``) sit in every page's
bottom-left margin.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .engine import render_pdf
from .fit import Fitted, plan, size_class
from .grid import blocks
from .juminhyo import STYLES, template_context, template_engine


def verification_context(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """The printed 検証コード (``extra["verification"]``, set by issuance) with its QR code, for
    ``certificates/_verification.html``; None when the copy carries none (見本, option off)."""
    printed = (data.get("extra") or {}).get("verification")
    if not printed:
        return None
    from ..verify.codes import qr_png

    return {**printed, "qr": qr_png(printed["url"])}


class Cell(tuple):  # type: ignore[type-arg]
    """A fitted item: unpacks as (label, printed value) for templates that only want those, and
    carries ``size`` (pt), ``lines`` and ``overflow`` for the ones that fit them."""

    def __new__(cls, f: Fitted) -> Cell:
        cell = super().__new__(cls, (f.label, f.text))
        cell.label, cell.lines, cell.overflow = f.label, f.lines, f.overflow
        cell.size = f"{f.size_pt:g}"
        cell.size_class = size_class(f.size_pt)  # fit.css: no inline style in a template
        cell.span = cell.cols = 0  # rows / columns the grid's cell spans (grid.py)
        return cell


def certificate_html(data: Mapping[str, Any]) -> str:
    fitted = plan(data)
    members = [[Cell(f) for f in m] for m in fitted.members]
    context = {
        "title": data["title"],
        "number": data["number"],
        "address": data["address"],
        "header": [Cell(f) for f in fitted.header],
        "members": members,
        "blocks": blocks(members),
        "annex": fitted.annex,
        "omitted": list(data.get("omitted") or ()),
        "certification": data["certification"],
        "issued_on": data["issued_on"],
        "prefecture": data.get("prefecture", ""),
        "municipality": data["municipality"],
        "extra": data.get("extra") or {},
        "verification": verification_context(data),
        # 認証者・電子公印・「公用」 (certificates/_issuer.html; certificates.authority.issuer_block)
        "issuer": (data.get("extra") or {}).get("issuer"),
    }
    template = data.get("template") or "certificates/certificate.html"
    return template_engine().get_template(template).render(template_context(context))


def render_certificate(data: Mapping[str, Any]) -> bytes:
    """A copy's PDF; refuses (UndrawableCharactersError) any character IPAmj明朝 cannot draw, with
    the persons and items it was found in (``exc.found``) for the 外字 list."""
    from .fonts import UndrawableCharactersError
    from .undrawable import locate

    try:
        return render_pdf(certificate_html(data), base_url=STYLES)
    except UndrawableCharactersError as exc:
        exc.found = locate(exc.characters, data)
        raise


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        # an image (電子公印, QR) travels as a data URI: drawn, not typeset
        if not value.startswith("data:"):
            yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def check_printable(data: Mapping[str, Any]) -> None:
    """Before a number is taken: refuse (UndrawableCharactersError, with ``exc.found``) a copy
    whose text IPAmj明朝 cannot draw, so a predictable failure voids no number. It checks the
    data's own strings (every printed value is one; the template adds only our labels) rather
    than rendering the page a second time on the issuing path."""
    from .fonts import UndrawableCharactersError, coverage, font_path
    from .undrawable import locate

    bad = coverage(font_path()).undrawable("\n".join(_strings(dict(data))))
    if bad:
        exc = UndrawableCharactersError(bad)
        exc.found = locate(exc.characters, data)
        raise exc
