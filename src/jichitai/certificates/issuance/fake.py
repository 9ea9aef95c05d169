"""A stand-in :data:`Renderer` for tests: deterministic bytes, NOT a PDF.

The real engine (certificates.render: WeasyPrint, IPAmj明朝, signing) is being written alongside
and is not wired into issuance yet. Never hand these bytes to a resident.
"""

from __future__ import annotations

import json

from .data import CertificateData

MAGIC = b"FAKE-CERTIFICATE-NOT-A-PDF\n"


def fake_renderer(data: CertificateData) -> bytes:
    return MAGIC + json.dumps(data.as_dict(), ensure_ascii=False, sort_keys=True).encode()


def read_fake(content: bytes) -> dict:
    """The data a fake rendering carries (tests check what would have been printed)."""
    assert content.startswith(MAGIC)
    return json.loads(content[len(MAGIC) :].decode())
