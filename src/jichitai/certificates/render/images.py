"""An image printed on every copy (the 電子公印) turned into its PDF streams once per worker.

WeasyPrint decodes an image once per cache (the engine keeps one per thread) but converts it to
PDF streams again for every document: a PNG re-encode, and the alpha channel split off into a
soft mask, about 4 ms a certificate for the seal. ``install`` keeps each decoded image's streams
with it and gives every document its own copy of them, since WeasyPrint rewrites a document's
streams in place (the soft mask becomes a reference). The bytes drawn are the same.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()


def _copy(value: Any) -> Any:
    """A fresh pydyf object of the same content (streams' byte chunks are shared, never
    changed)."""
    import pydyf

    if isinstance(value, pydyf.Stream):
        return pydyf.Stream(list(value.stream), _copy(value.extra), value.compress)
    if isinstance(value, pydyf.Dictionary):
        return pydyf.Dictionary({k: _copy(v) for k, v in value.items()})
    if isinstance(value, pydyf.Array):
        return pydyf.Array(_copy(v) for v in value)
    return value


def keeping(original: Any) -> Any:
    """``RasterImage.get_x_object`` that makes an image's streams once (``original``) and hands
    out copies."""

    def get_x_object(self: Any, interpolate: Any, dpi_ratio: Any) -> Any:
        made = self.__dict__.setdefault("_jichitai_x_objects", {})
        key = (interpolate, dpi_ratio)
        if key not in made:
            made[key] = original(self, interpolate, dpi_ratio)
        return _copy(made[key])

    get_x_object.original = original  # type: ignore[attr-defined]
    return get_x_object


def install() -> None:
    """Make WeasyPrint's raster images keep their PDF streams (once per process)."""
    from weasyprint.images import RasterImage

    with _lock:
        if not hasattr(RasterImage.get_x_object, "original"):
            RasterImage.get_x_object = keeping(RasterImage.get_x_object)
