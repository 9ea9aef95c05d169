"""HTML → PDF with WeasyPrint, IPAmj明朝 only, one font set-up for every document of the process.

``render_pdf`` refuses to run without HarfBuzz subsetting and refuses any text IPAmj明朝 cannot
draw exactly as stored (see fonts.py); it never touches the database.
"""

from __future__ import annotations

import atexit
import gc
import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

from .fonts import FAMILY, UndrawableCharactersError, check_subsetting, coverage, font_path
from .images import install as install_image_streams
from .subset import install as install_subsetting

# the family name documents use; a name of our own so no system font can answer to it
FONT_FAMILY = "JichitaiMJ"
BASE_CSS = """
@font-face { font-family: "%(family)s"; src: url("%(url)s"); }
@page { size: A4 portrait; }
* { font-family: "%(family)s" !important; }
"""

# one set-up per thread: Pango's font map is not safe to share between threads
_local = threading.local()


@atexit.register
def _drop() -> None:
    # before interpreter teardown, while WeasyPrint's finalizer can still run
    vars(_local).clear()


def _share_face_bytes() -> None:
    """WeasyPrint copies the whole font file (IPAmj明朝: 17 MB) into Python for every document
    only to replace it with the subset it makes; hand it the one copy we already have.

    Keyed by the face's memory-mapped data (address, length, first bytes), so another font never
    receives IPAmj明朝's bytes.
    """
    from weasyprint.pdf import fonts as pdf_fonts
    from weasyprint.text.ffi import ffi, harfbuzz

    original = pdf_fonts.get_hb_object_data
    if getattr(original, "shared_faces", None) is not None:
        return
    faces: dict[tuple[int, int, bytes], bytes] = {}

    def get_hb_object_data(hb_object, ot_color=None, glyph=None):  # type: ignore[no-untyped-def]
        if ot_color is not None:
            return original(hb_object, ot_color, glyph)
        blob = harfbuzz.hb_face_reference_blob(hb_object)
        try:
            length = ffi.new("unsigned int *")
            data = harfbuzz.hb_blob_get_data(blob, length)
            if data == ffi.NULL or length[0] < 64:
                return original(hb_object)
            key = (int(ffi.cast("uintptr_t", data)), int(length[0]), ffi.buffer(data, 64)[:])
        finally:
            harfbuzz.hb_blob_destroy(blob)
        content = faces.get(key)
        if content is None:
            content = faces[key] = original(hb_object)
        return content

    get_hb_object_data.shared_faces = faces  # type: ignore[attr-defined]
    pdf_fonts.get_hb_object_data = get_hb_object_data


def font_setup() -> tuple[object, object]:
    """This thread's FontConfiguration and the base stylesheet bound to it (made once).

    Reusing them keeps WeasyPrint from loading and registering the font for every document.
    """
    setup = getattr(_local, "setup", None)
    if setup is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        _share_face_bytes()
        install_subsetting(font_path())
        install_image_streams()
        config = FontConfiguration()
        css = BASE_CSS % {"family": FONT_FAMILY, "url": font_path().as_uri()}
        setup = _local.setup = (config, CSS(string=css, font_config=config))
    return setup


class _Text(HTMLParser):
    """The text a document prints (element content outside <style>, <script> and <head>)."""

    _SKIP = frozenset({"style", "script", "title", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in self._SKIP:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._depth:
            self.parts.append(data)


def printed_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def check_drawable(html: str) -> None:
    """Raise UndrawableCharactersError naming every character IPAmj明朝 cannot draw as stored."""
    bad = coverage(font_path()).undrawable(printed_text(html))
    if bad:
        raise UndrawableCharactersError(bad)


def warm_up() -> None:
    """Start-up: refuse to run without subsetting or the font; load the cmap and font set-up.

    For the certificates app's ``AppConfig.ready`` (and a worker's start): a server without
    libharfbuzz-subset0 or IPAmj明朝 fails here, and the first certificate does not pay for the
    set-up.
    """
    check_subsetting()
    coverage(font_path())
    font_setup()
    render_pdf("<p>住民票</p>")  # Pango loads the face on first use


def prepare_worker() -> None:
    """A server worker's start (wsgi.py; the bench's workers): warm up, then freeze what start-up
    made. Django, the font set-up and the cmap live as long as the worker; frozen, the collector
    stops walking them on every collection (about a tenth of a certificate's time)."""
    warm_up()
    gc.collect()
    gc.freeze()


_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">')


def _stylesheet(url: str) -> object:
    """A linked stylesheet of ours, parsed once per thread (and again when the file changes).

    WeasyPrint parses every linked stylesheet for every document (about a quarter of a
    certificate's time); ours are files beside the templates, so they are parsed once."""
    from weasyprint import CSS

    config, _ = font_setup()
    path = Path(urlparse(url).path)
    key = (url, path.stat().st_mtime_ns)
    sheets = _local.__dict__.setdefault("sheets", {})
    sheet = sheets.get(key)
    if sheet is None:
        sheet = sheets[key] = CSS(url=url, font_config=config)
    return sheet


def _styles(html: str, base_url: str | None) -> tuple[str, list[object]]:
    """``html`` without its links to our stylesheets, and those stylesheets parsed, in order."""
    if not base_url or not base_url.startswith("file:"):
        return html, []
    hrefs = _LINK.findall(html)
    return _LINK.sub("", html), [_stylesheet(urljoin(base_url, h)) for h in hrefs]


# images decoded per thread across documents: the 電子公印 is the same on every copy (a QR code
# differs, so the cache is emptied before it grows)
_IMAGE_CACHE_MAX = 256


def _image_cache() -> dict[str, object]:
    cache = _local.__dict__.setdefault("images", {})
    if len(cache) > _IMAGE_CACHE_MAX:
        cache.clear()
    return cache


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of ``html`` in IPAmj明朝, or a RenderError before anything is drawn."""
    check_subsetting()
    check_drawable(html)
    from weasyprint import HTML

    config, css = font_setup()
    # the same cascade as linked: no author styles remain, and ours follow the base sheet in the
    # document's order
    html, sheets = _styles(html, base_url)
    document = HTML(string=html, base_url=base_url)
    return document.write_pdf(stylesheets=[css, *sheets], font_config=config, cache=_image_cache())


__all__ = [
    "FAMILY",
    "FONT_FAMILY",
    "check_drawable",
    "font_setup",
    "printed_text",
    "render_pdf",
    "prepare_worker",
    "warm_up",
]
