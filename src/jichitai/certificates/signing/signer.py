"""The signer interface: PDF bytes in, PAdES-signed PDF bytes out.

:class:`FileSigner` holds the municipality's key in a file (the demo); an HSM implementation only
has to provide ``sign``. The signature is a PAdES baseline (ETSI.CAdES.detached) over the whole
file, added as an incremental update so the rendered bytes stay as they were.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Protocol

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from .keys import KeyPaths

FIELD = "JichitaiSignature"


class Signer(Protocol):
    def sign(self, pdf: bytes) -> bytes: ...


def metadata(reason: str = "証明書の発行") -> signers.PdfSignatureMetadata:
    return signers.PdfSignatureMetadata(
        field_name=FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        md_algorithm="sha256",
    )


class FileSigner:
    """Signs with a key and certificate from PEM files (the CA certificate goes in the chain)."""

    def __init__(self, paths: KeyPaths) -> None:
        loaded = signers.SimpleSigner.load(
            str(paths.key), str(paths.cert), ca_chain_files=(str(paths.ca_cert),)
        )
        if loaded is None:
            raise ValueError(f"署名鍵を読み込めません: {Path(paths.key).name}")
        self._signer = loaded
        # room for the CMS: its certificates plus signature and attributes with a wide margin;
        # fixed, so pyHanko need not make a dummy signature first to estimate it (half the time)
        certs = [loaded.signing_cert, *loaded.cert_registry]
        self._reserve = 2 * ((sum(len(c.dump()) for c in certs) + 8192) // 2)  # pyHanko: even

    def sign(self, pdf: bytes) -> bytes:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        out = signers.sign_pdf(
            writer, metadata(), signer=self._signer, bytes_reserved=self._reserve
        )
        return out.getvalue()
