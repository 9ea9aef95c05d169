"""Subset IPAmj明朝 from a face HarfBuzz has preprocessed once per process.

WeasyPrint subsets the font of every document from the full face (61,000 glyphs), about 14 ms a
certificate. HarfBuzz 6 can preprocess a face once (``hb_subset_preprocess``, about 0.2 s) so
that each later subset of it takes about 2 ms, byte for byte the same font. WeasyPrint does not
call it, so ``install`` hands WeasyPrint a subsetting library whose ``hb_subset_or_fail`` swaps
in the preprocessed face when the source is our font file; every other face, and every other
call, goes to HarfBuzz unchanged.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

_lock = threading.Lock()
# how much of the file identifies it: the table directory with every table's checksum
_HEAD = 4096


class _PreprocessedSubset:
    """``harfbuzz_subset`` for WeasyPrint, with ``hb_subset_or_fail`` from a preprocessed face."""

    def __init__(self, lib: Any, key: tuple[int, bytes], face: Any, keep: tuple[Any, ...]) -> None:
        self._lib, self._key, self._face, self._keep = lib, key, face, keep

    def __getattr__(self, name: str) -> Any:
        return getattr(self._lib, name)

    def hb_subset_or_fail(self, source: Any, subset_input: Any) -> Any:
        if _face_key(source, self._key[0]) == self._key:
            source = self._face
        return self._lib.hb_subset_or_fail(source, subset_input)


def _face_key(face: Any, length: int | None = None) -> tuple[int, bytes] | None:
    """(file length, its first bytes) of face ``face`` (index 0 only); None for anything else,
    or when its length is not ``length``."""
    from weasyprint.text.ffi import ffi, harfbuzz

    if harfbuzz.hb_face_get_index(face) != 0:
        return None
    blob = harfbuzz.hb_face_reference_blob(face)
    try:
        size = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(blob, size)
        if data == ffi.NULL or size[0] < _HEAD or (length is not None and size[0] != length):
            return None
        return int(size[0]), ffi.buffer(data, _HEAD)[:]
    finally:
        harfbuzz.hb_blob_destroy(blob)


def _libraries() -> tuple[Any, Any, Any]:
    """(ffi, libharfbuzz, libharfbuzz-subset) declaring what WeasyPrint's bindings do not; OSError
    or AttributeError when this HarfBuzz cannot preprocess."""
    import cffi
    from weasyprint.text import ffi as wffi

    ffi = cffi.FFI()
    ffi.include(wffi.ffi)  # the same hb_face_t, so faces pass between the two
    ffi.cdef(
        """
        hb_blob_t * hb_blob_create_from_file_or_fail (const char *file_name);
        hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);
        hb_face_t * hb_subset_preprocess (hb_face_t *source);
        """
    )
    core, lib = ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")
    lib.hb_subset_preprocess  # noqa: B018 - absent before HarfBuzz 6.0: AttributeError here
    return ffi, core, lib


def open_face(path: Path) -> tuple[Any, tuple[Any, ...]]:
    """A HarfBuzz face of font file ``path`` (index 0), and what must stay alive with it."""
    ffi, core, lib = _libraries()
    blob = core.hb_blob_create_from_file_or_fail(str(path).encode())
    if blob == ffi.NULL:
        raise OSError(f"cannot read {path}")
    return core.hb_face_create(blob, 0), (ffi, core, lib, blob)


def install(path: Path) -> bool:
    """Preprocess font file ``path`` for WeasyPrint's subsetting (once per process); False when
    this HarfBuzz cannot (older than 6.0), and subsetting simply stays as it was."""
    from weasyprint.pdf import fonts as pdf_fonts

    with _lock:
        current = pdf_fonts.harfbuzz_subset
        if current is None or isinstance(current, _PreprocessedSubset):
            return current is not None
        try:
            source, keep = open_face(path)
        except (OSError, AttributeError):
            return False
        key = _face_key(source)
        if key is None:
            return False
        # kept for the life of the process, with the library objects they came from
        face = keep[2].hb_subset_preprocess(source)
        pdf_fonts.harfbuzz_subset = _PreprocessedSubset(current, key, face, (*keep, source))
        return True
