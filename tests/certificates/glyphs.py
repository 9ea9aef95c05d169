"""Glyph comparison for the rendering tests: PDF → PNG (pdftoppm) against the font drawn directly."""

from __future__ import annotations

import re
import subprocess
import tempfile
from html import unescape
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageStat, features

from jichitai.moji.chars import split

DPI = 300
SIDE = 64  # both images are scaled to SIDE px high before comparing


def pdf_text(pdf: bytes, page: int | None = None) -> str:
    """pdftotext of the whole PDF (pages end in a form feed), or of one page."""
    only = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", *only, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def word_boxes(pdf: bytes, page: int = 1) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(word, box in pt) for every word on ``page``, as pdftotext -bbox finds them."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", "-f", str(page), "-l", str(page), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    return [
        (unescape(w), (float(a), float(b), float(c), float(d)))
        for a, b, c, d, w in re.findall(pattern, out)
    ]


def page_png(pdf: bytes, page: int = 1) -> Image.Image:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(DPI),
                "-gray",
                "-png",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(src),
                str(Path(tmp) / "page"),
            ],
            check=True,
        )
        return Image.open(Path(tmp) / "page.png").convert("L").copy()


def ink(img: Image.Image) -> Image.Image:
    """The image cropped to its ink and scaled to SIDE px high (grey, ink dark)."""
    inverted = ImageChops.invert(img.convert("L"))
    box = inverted.point(lambda v: 255 if v > 64 else 0).getbbox()
    assert box, "no ink"
    cropped = inverted.crop(box)
    width = max(1, round(cropped.width * SIDE / cropped.height))
    return cropped.resize((width, SIDE), Image.Resampling.LANCZOS)


def crop_word(page: Image.Image, box: tuple[float, float, float, float]) -> Image.Image:
    scale = DPI / 72
    x0, y0, x1, y1 = (round(v * scale) for v in box)
    pad = 4  # px above and below: ink stays inside the em box, and beside it is the next character
    return page.crop((x0, y0 - pad, x1, y1 + pad))


def draw(text: str, font_file: Path, size_pt: float) -> Image.Image:
    """``text`` drawn straight from the font file (Pillow with libraqm, which honours IVS)."""
    assert features.check("raqm"), "Pillow without libraqm cannot draw variation sequences"
    px = size_pt * DPI / 72
    font = ImageFont.truetype(str(font_file), px, layout_engine=ImageFont.Layout.RAQM)
    img = Image.new("L", (round(px * (len(text) + 2)), round(px * 2)), 255)
    ImageDraw.Draw(img).text((px / 2, px / 2), text, font=font, fill=0)
    return img


def cells(word: str, box: tuple[float, float, float, float]) -> list[tuple[str, tuple]]:
    """Split a word's box into one em cell per character (ideographs are all one em wide)."""
    chars = list(split(word))
    x0, y0, x1, y1 = box
    em = (x1 - x0) / len(chars)
    return [(seq, (x0 + i * em, y0, x0 + (i + 1) * em, y1)) for i, (_, seq) in enumerate(chars)]


def distance(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference of two ink images (0 = same, 1 = opposite), after ink().

    A slight blur first: the two rasterizers place strokes up to a pixel apart.
    """
    a, b = (ink(x).filter(ImageFilter.GaussianBlur(1.5)) for x in (a, b))
    width = max(a.width, b.width)
    a, b = a.resize((width, SIDE)), b.resize((width, SIDE))
    diff = ImageChops.difference(a, b)
    return ImageStat.Stat(diff).mean[0] / 255


# the 世帯連記式 grid's columns (render/fit.py GRID_COLS) in pt from the page's left edge
_PT = 72 / 25.4
GRID_NUMBER_X = 15 * _PT  # the block numbers (and the header's labels)
GRID_LABEL_X = (15 + 8) * _PT  # the left column's labels and the full-width rows'
GRID_VALUE_X = (15 + 26) * _PT  # their values
GRID_RIGHT_X = (15 + 116) * _PT  # the right column's labels


def grid_labels(
    words: list[tuple[str, tuple[float, float, float, float]]],
    x0: float,
    x1: float,
    labels: set[str] | tuple[str, ...],
) -> list[tuple[str, float]]:
    """(label, y) of the words in ``labels`` starting between x0 and x1, top to bottom."""
    found = [(w, b[1]) for w, b in words if w in labels and x0 <= b[0] < x1]
    return sorted(found, key=lambda f: f[1])


def left_cell(pdf: bytes, label: str, page: int = 1, nth: int = 0) -> str:
    """The text of the ``nth`` ``label``'s value in the grid's left column (or a full-width row):
    the words right of the label, from its row down to the next label of that column."""
    words = word_boxes(pdf, page)
    rows = sorted(b[1] for w, b in words if GRID_LABEL_X <= b[0] < GRID_VALUE_X)
    tops = [b[1] for w, b in words if w == label and GRID_LABEL_X <= b[0] < GRID_VALUE_X]
    top = sorted(tops)[nth]
    below = [y for y in rows if y > top + 1]
    bottom = below[0] if below else float("inf")
    inside = [
        (b[1], b[0], w)
        for w, b in words
        if GRID_VALUE_X <= b[0] < GRID_RIGHT_X and top - 2 <= b[1] < bottom - 2
    ]
    return "".join(w for _, _, w in sorted(inside))
