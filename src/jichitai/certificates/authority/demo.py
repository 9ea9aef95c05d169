"""A demo 認証者 and a drawn 市区町村長印 for a municipality (the demo seed and the tests): no real
mayor's name and no real seal. Runs inside the municipality's unit of work."""

from __future__ import annotations

import datetime as dt
import functools
import io
from decimal import Decimal

from PIL import Image, ImageDraw

from .images import SealImage, prepare
from .models import Authority, OfficialSeal
from .service import add_authority

DEMO_SINCE = dt.date(2000, 1, 1)


def seal_png(size: int = 240, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A square seal: a double border and a cross, red on white (converted black on upload)."""
    img = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(img)
    m = size // 16
    draw.rectangle((m, m, size - m, size - m), outline=colour, width=m)
    draw.rectangle((3 * m, 3 * m, size - 3 * m, size - 3 * m), outline=colour, width=m // 2)
    draw.line((4 * m, size // 2, size - 4 * m, size // 2), fill=colour, width=m)
    draw.line((size // 2, 4 * m, size // 2, size - 4 * m), fill=colour, width=m)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def provision(mayor_name: str = "見本　証明") -> None:
    """A 市区町村長 since 2000 and a 21 mm 市区町村長印, unless the municipality has them."""
    if not Authority.objects.filter(role="mayor", ward="").exists():
        add_authority("mayor", mayor_name, DEMO_SINCE)
    if not OfficialSeal.objects.filter(kind="mayor", ward="").exists():
        seal = _demo_seal()
        OfficialSeal.objects.create(
            kind="mayor",
            image=seal.png,
            image_sha256=seal.sha256,
            width_px=seal.width_px,
            height_px=seal.height_px,
            width_mm=seal.width_mm,
            height_mm=seal.height_mm,
        )


@functools.cache
def _demo_seal() -> SealImage:
    # checked and converted as any upload (upload_seal), once per process: the test fixture
    # provisions every test municipality and the conversion costs about 40 ms
    return prepare(seal_png(), Decimal("21.0"))
