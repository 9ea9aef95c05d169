"""電子公印の画像 ([1050]#2, #3): checked like a seal impression, then redrawn black.

The file is checked by :func:`jichitai.seals.images.check_image` (format by content, size,
dimensions, a full decode, no image bombs) and must be a PNG. Choice where the standard says
「黒色」: a coloured image (the usual red scan) is not refused but converted on upload — every
pixel's ink (how far its darkest channel is from white, times its opacity) becomes the opacity of a
black pixel, so a red or grey impression prints black on a transparent ground. Only the
カード券面用印 may be kept red ([1050]#3). What is stored is our own re-encoded PNG (no text chunks,
no metadata, no colour profile from the upload).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal

from PIL import Image, ImageChops

from jichitai.seals.images import MAX_BYTES, ImageProblem, check_image, parse_mm

MAX_MM = Decimal(25)
PRINT_DPI = 600  # the stored image is resampled to this; certificate.css sets image-resolution
INK = {"black": (0, 0, 0), "red": (200, 0, 0)}

__all__ = ["MAX_BYTES", "ImageProblem", "SealImage", "prepare", "parse_mm"]


@dataclass(frozen=True)
class SealImage:
    png: bytes
    sha256: str
    width_px: int
    height_px: int
    width_mm: Decimal
    height_mm: Decimal


def _ink(data: bytes) -> Image.Image:
    """The impression's ink as an 8-bit mask: 255 - darkest channel, times the opacity."""
    with Image.open(io.BytesIO(data)) as img:
        rgba = img.convert("RGBA")
    r, g, b, a = rgba.split()
    darkest = ImageChops.darker(ImageChops.darker(r, g), b)
    return ImageChops.multiply(ImageChops.invert(darkest), a)


def prepare(data: bytes, size_mm: Decimal, colour: str = "black") -> SealImage:
    """The upload as the PNG to store, or ImageProblem. ``size_mm`` is the printed length of the
    image's longer side; both sides must fit a 25 mm square."""
    checked = check_image(data)
    if checked.content_type != "image/png":
        raise ImageProblem("電子公印の画像はPNGにしてください。")
    if size_mm > MAX_MM:
        raise ImageProblem("電子公印は一辺25mmの正方形に収まる大きさにしてください。")
    ink = _ink(checked.data)
    if ink.getbbox() is None:
        raise ImageProblem("電子公印の画像に印影がありません（すべて白または透明です）。")
    w, h = ink.size
    longer = max(w, h)
    width_mm = (size_mm * w / longer).quantize(Decimal("0.1"))
    height_mm = (size_mm * h / longer).quantize(Decimal("0.1"))
    # the size travels in the pixels: at PRINT_DPI the image is exactly its printed size, so no
    # template states it (and a template cannot enlarge it past 25 mm by accident)
    size = (_px(width_mm), _px(height_mm))
    image = Image.new("RGBA", size, INK[colour] + (0,))
    image.putalpha(ink.resize(size, Image.Resampling.LANCZOS))  # one colour: only the ink scales
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    png = buffer.getvalue()
    return SealImage(png, hashlib.sha256(png).hexdigest(), *image.size, width_mm, height_mm)


def _px(mm: Decimal) -> int:
    return max(1, round(float(mm) / 25.4 * PRINT_DPI))
