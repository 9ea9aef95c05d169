"""Subsetting IPAmj明朝 from a preprocessed face: the same font bytes, only faster, and only for
our font file (render/subset.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.certificates.render import render_pdf
from jichitai.certificates.render.engine import font_setup
from jichitai.certificates.render.fonts import font_path
from jichitai.certificates.render.subset import _face_key, _PreprocessedSubset, open_face

# as WeasyPrint's first pass: retain gids, passthrough unknown tables, desubroutinize
RETAIN_GIDS_FLAGS = 0x2 | 0x20 | 0x4


@pytest.fixture(scope="module")
def proxy():
    from weasyprint.pdf import fonts as pdf_fonts

    font_setup()
    assert isinstance(pdf_fonts.harfbuzz_subset, _PreprocessedSubset)
    return pdf_fonts.harfbuzz_subset


@pytest.fixture(scope="module")
def ipamj():
    face, keep = open_face(font_path())
    yield face
    del keep


class _Recorder:
    """HarfBuzz's subsetting library, noting which face each subset started from."""

    def __init__(self, lib):
        self.lib, self.sources = lib, []

    def __getattr__(self, name):
        return getattr(self.lib, name)

    def hb_subset_or_fail(self, source, subset_input):
        self.sources.append(source)
        return self.lib.hb_subset_or_fail(source, subset_input)


def _subset(lib, face, gids):
    from weasyprint.text.ffi import ffi, harfbuzz

    subset_input = ffi.gc(lib.hb_subset_input_create_or_fail(), lib.hb_subset_input_destroy)
    glyphs = lib.hb_subset_input_glyph_set(subset_input)
    harfbuzz.hb_set_add_sorted_array(
        glyphs, ffi.new(f"hb_codepoint_t[{len(gids)}]", gids), len(gids)
    )
    lib.hb_subset_input_set_flags(subset_input, RETAIN_GIDS_FLAGS)
    out = ffi.gc(lib.hb_subset_or_fail(face, subset_input), harfbuzz.hb_face_destroy)
    blob = harfbuzz.hb_face_reference_blob(out)
    size = ffi.new("unsigned int *")
    data = ffi.buffer(harfbuzz.hb_blob_get_data(blob, size), size[0])[:]
    harfbuzz.hb_blob_destroy(blob)
    return out, data


@settings(max_examples=8, deadline=None)
@given(st.sets(st.integers(1, 61_000), min_size=1, max_size=120))
def test_a_subset_from_the_preprocessed_face_is_byte_identical(proxy, ipamj, gids):
    gids = sorted(gids)
    _, plain = _subset(proxy._lib, ipamj, gids)
    _, fast = _subset(proxy, ipamj, gids)
    assert fast == plain


def test_only_our_font_file_is_swapped(proxy, ipamj, monkeypatch):
    recorder = _Recorder(proxy._lib)
    monkeypatch.setattr(proxy, "_lib", recorder)
    subset_face, _ = _subset(proxy, ipamj, [1, 2, 3])
    assert recorder.sources[-1] == proxy._face  # our file: the preprocessed face
    _subset(proxy, subset_face, [1])
    assert recorder.sources[-1] == subset_face  # another face (a subset): untouched
    assert _face_key(subset_face) != proxy._key


def test_a_certificate_subsets_from_the_preprocessed_face(proxy, monkeypatch):
    recorder = _Recorder(proxy._lib)
    monkeypatch.setattr(proxy, "_lib", recorder)
    pdf = render_pdf("<p>髙橋　𠮷田</p>")
    assert pdf.startswith(b"%PDF")
    # WeasyPrint's two passes: from the whole font (swapped), then from its own first result
    assert recorder.sources[0] == proxy._face
    assert all(source != proxy._face for source in recorder.sources[1:])
