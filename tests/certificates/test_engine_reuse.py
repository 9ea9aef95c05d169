"""What the engine makes once per worker and reuses: an image's PDF streams (render/images.py).
The document drawn must be byte for byte the one WeasyPrint draws on its own."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image, ImageDraw

from jichitai.certificates.render import engine, render_pdf
from jichitai.certificates.render.images import keeping


def _seal_page(red: int = 0) -> str:
    """A page with a ring on a transparent ground over its text, as the 電子公印 is printed."""
    image = Image.new("RGBA", (240, 240), (255, 255, 255, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 230, 230), outline=(red, 0, 0, 255), width=14)
    out = io.BytesIO()
    image.save(out, format="PNG")
    uri = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
    return f'<p>市長　髙橋太郎<img src="{uri}" alt=""></p>'


@pytest.fixture
def weasy_images(monkeypatch):
    from weasyprint.images import RasterImage

    engine.font_setup()
    original = RasterImage.get_x_object.original
    monkeypatch.setattr(engine._local, "images", {}, raising=False)  # nothing decoded yet
    return RasterImage, original


def test_an_image_is_converted_once_and_every_document_gets_the_same_bytes(
    weasy_images, monkeypatch
):
    raster, original = weasy_images
    made = []

    def counting(self, interpolate, dpi_ratio):
        made.append(self.id)
        return original(self, interpolate, dpi_ratio)

    monkeypatch.setattr(raster, "get_x_object", keeping(counting))
    first, second = render_pdf(_seal_page()), render_pdf(_seal_page())
    assert len(made) == 1  # the second document reused the seal's streams
    render_pdf(_seal_page(red=200))
    assert len(made) == 2 and made[0] != made[1]  # another image is its own

    monkeypatch.setattr(raster, "get_x_object", original)  # WeasyPrint on its own
    monkeypatch.setattr(engine._local, "images", {})
    plain = render_pdf(_seal_page())
    assert first == second == plain
