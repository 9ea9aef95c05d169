"""The signer interface: PDF bytes in, PAdES-signed PDF bytes out.

:class:`FileSigner` holds the municipality's key in a file (the demo); an HSM implementation only
has to provide ``sign``. The signature is a PAdES baseline (ETSI.CAdES.detached) over the whole
file, added as an incremental update so the rendered bytes stay as they were.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Protocol

from asn1crypto import tsp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import attributes, fields, signers
from pyhanko.sign.general import as_signing_certificate_v2

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


class _SigningCertificate(attributes.CMSAttributeProvider):
    attribute_type = "signing_certificate_v2"

    def __init__(self, value: tsp.SigningCertificateV2) -> None:
        self.value = value

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        return self.value


class PadesSignedAttributes(attributes.SignedAttributeProviderSpec):
    """The signed attributes pyHanko gives a PAdES baseline B-B signature (content-type and
    message-digest are its own; signing-certificate-v2 here), with signing-certificate-v2 made
    once per key: asn1crypto re-serializes a freshly built one hundreds of times, about 7 ms of a
    signature's 10."""

    def __init__(self, cert: object) -> None:
        built = as_signing_certificate_v2(cert)  # type: ignore[arg-type]
        self.value = tsp.SigningCertificateV2.load(built.dump())  # parsed: serialized as is

    def signed_attr_providers(
        self, data_digest: bytes, digest_algorithm: str
    ) -> list[attributes.CMSAttributeProvider]:
        return [_SigningCertificate(self.value)]


class FileSigner:
    """Signs with a key and certificate from PEM files (the CA certificate goes in the chain)."""

    def __init__(self, paths: KeyPaths) -> None:
        loaded = signers.SimpleSigner.load(
            str(paths.key), str(paths.cert), ca_chain_files=(str(paths.ca_cert),)
        )
        if loaded is None:
            raise ValueError(f"署名鍵を読み込めません: {Path(paths.key).name}")
        loaded.signed_attr_prov_spec = PadesSignedAttributes(loaded.signing_cert)
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
