"""Signing issued certificates (issue 12 item 6). See docs/certificates.md "Signing".

A per-consortium option (``JICHITAI_CERTIFICATE_SIGNING``): when on, issuance renders through
:func:`signed_renderer`, so the 印刷ログ hash is that of the signed PDF handed out.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:  # issuance imports the register; signing itself works without Django set up
    from ..issuance.data import CertificateData

from .keys import KeyPaths, init_ca, init_municipality, key_paths, signing_dir
from .signer import FileSigner, Signer

Renderer = Callable[["CertificateData"], bytes]  # = issuance.Renderer

__all__ = [
    "FileSigner",
    "KeyPaths",
    "Signer",
    "enabled",
    "init_ca",
    "init_municipality",
    "key_paths",
    "municipality_signer",
    "signed_renderer",
    "signing_dir",
]


def enabled() -> bool:
    return bool(getattr(settings, "JICHITAI_CERTIFICATE_SIGNING", False))


def signed_renderer(renderer: Renderer, signer: Signer) -> Renderer:
    """``renderer`` followed by ``signer``: what issuance stores and hands out is signed."""

    def render(data: CertificateData) -> bytes:
        return signer.sign(renderer(data))

    return render


def municipality_signer(code: str, data_dir: Path | None = None) -> FileSigner:
    """The file-key signer of municipality ``code`` (keys from ``jichitai certificates keys``)."""
    base = Path(data_dir) if data_dir is not None else Path(settings.DATA_DIR)
    return FileSigner(key_paths(base, code))
