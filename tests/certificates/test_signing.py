"""Signed certificates (issue 12 item 6): pdfsig (poppler) reports an issued PDF as validly signed
over the whole document and a changed one as not; pyHanko trusts it with the consortium CA only."""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from jichitai.certificates.issuance import IssuanceRefused, Requester, issue
from jichitai.certificates.models import PrintLog
from jichitai.certificates.render import render_certificate
from jichitai.certificates.render.engine import render_pdf
from jichitai.certificates.signing import (
    FileSigner,
    enabled,
    init_municipality,
    municipality_signer,
    signed_renderer,
)
from jichitai.tenancy.context import activate

from .conftest import family, request

CONSORTIUM = "デモ共同利用団体"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: Any) -> Any:
    data = tmp_path_factory.mktemp("signing")
    return data, init_municipality(data, "131016", "千代田区", CONSORTIUM)


@pytest.fixture(scope="module")
def signed(keys: Any) -> bytes:
    pdf = render_pdf("<html><body><p>住民票の写し 署名の試験</p></body></html>")
    return FileSigner(keys[1]).sign(pdf)


def pdfsig(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.pdf"
        path.write_bytes(pdf)
        return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def whole_and_valid(report: str) -> bool:
    return "Total document signed" in report and "Signature is Valid." in report


def trusted(pdf: bytes, ca_pem: Path) -> bool:
    root = x509.load_pem_x509_certificate(ca_pem.read_bytes())
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    ctx = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(root.public_bytes(Encoding.DER))]
    )
    (sig,) = PdfFileReader(BytesIO(pdf)).embedded_signatures
    status = validate_pdf_signature(sig, ctx)
    return bool(status.bottom_line)


def test_keys_are_a_consortium_ca_and_a_municipality_certificate(keys: Any) -> None:
    data, paths = keys
    cert = x509.load_pem_x509_certificate(paths.cert.read_bytes())
    ca = x509.load_pem_x509_certificate(paths.ca_cert.read_bytes())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "千代田区"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == CONSORTIUM
    assert cert.issuer == ca.subject and ca.issuer == ca.subject
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert paths.key.stat().st_mode & 0o077 == 0  # the private key is the owner's only
    # a second init keeps the keys (a re-run of the demo must not invalidate issued copies)
    assert init_municipality(data, "131016", "千代田区", CONSORTIUM).cert.read_bytes() == (
        paths.cert.read_bytes()
    )


def test_pdfsig_reports_a_signed_pdf_valid_over_the_whole_document(signed: bytes) -> None:
    report = pdfsig(signed)
    assert whole_and_valid(report), report
    assert "CN=千代田区" in report and "ETSI.CAdES.detached" in report


def test_pdfsig_reports_a_changed_byte_as_invalid(signed: bytes) -> None:
    changed = bytearray(signed)
    at = changed.index(b"stream") + 40  # inside the first content stream: in the signed range
    changed[at] ^= 0x01
    report = pdfsig(bytes(changed))
    assert "Digest Mismatch" in report and "Signature is Valid." not in report, report


def test_pdfsig_reports_an_incremental_update_as_not_covering_the_document(signed: bytes) -> None:
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    text = generic.StreamObject(stream_data=b"BT /F1 24 Tf 50 50 Td (FORGED) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(text))
    out = BytesIO()
    writer.write(out)
    report = pdfsig(out.getvalue())
    assert "Not total document signed" in report and not whole_and_valid(report), report


def test_pyhanko_trusts_the_consortium_ca_and_no_other(keys: Any, signed: bytes, tmp_path) -> None:
    assert trusted(signed, keys[1].ca_cert)
    other = init_municipality(tmp_path, "131016", "千代田区", "別の共同利用団体")
    assert not trusted(signed, other.ca_cert)


def _signed_attrs(pdf: bytes) -> dict[str, bytes]:
    (sig,) = PdfFileReader(BytesIO(pdf)).embedded_signatures
    return {a["type"].native: a["values"].dump() for a in sig.signer_info["signed_attrs"]}


def test_the_signed_attributes_are_pyhankos_own_for_pades(keys: Any) -> None:
    """The signing-certificate-v2 made once per key (signer.PadesSignedAttributes) is the one
    pyHanko builds for every signature, and nothing is added or left out."""
    from pyhanko.sign import signers

    from jichitai.certificates.signing.signer import metadata

    pdf = render_pdf("<html><body><p>住民票の写し</p></body></html>")
    ours = FileSigner(keys[1])
    first, second = ours.sign(pdf), ours.sign(pdf)  # the kept value serves every signature
    plain = signers.SimpleSigner.load(
        str(keys[1].key), str(keys[1].cert), ca_chain_files=(str(keys[1].ca_cert),)
    )
    theirs = signers.sign_pdf(
        IncrementalPdfFileWriter(BytesIO(pdf)), metadata(), signer=plain
    ).getvalue()
    mine, default = _signed_attrs(first), _signed_attrs(theirs)
    assert set(mine) == set(default) == {"content_type", "message_digest", "signing_certificate_v2"}
    assert mine["signing_certificate_v2"] == default["signing_certificate_v2"]
    assert whole_and_valid(pdfsig(second)) and trusted(second, keys[1].ca_cert)


def test_one_signer_signs_many_documents(keys: Any) -> None:
    # Speed is a benchmark (make bench-certificates, signed_certificates_per_second), not a timed test.
    pdf = render_pdf("<html><body><p>住民票の写し</p></body></html>")
    signer = FileSigner(keys[1])
    signed = [signer.sign(pdf) for _ in range(3)]
    assert all(whole_and_valid(pdfsig(doc)) for doc in signed)


def test_the_option_is_on_in_the_demo_settings() -> None:
    assert enabled()


@pytest.mark.django_db
def test_issuance_stores_and_hands_out_the_signed_pdf(keys: Any, office, office_b) -> None:
    data, _ = keys
    init_municipality(data, office.municipality.code, office.municipality.name, CONSORTIUM)
    renderer = signed_renderer(
        render_certificate, municipality_signer(office.municipality.code, data)
    )
    with activate(office.ctx()):
        head, wife, _son = family(office)
        req = request([head.pk], requester=Requester("self", person_id=head.pk))
        issued = issue(req, staff=office.clerk, renderer=renderer)
        (copy,) = issued.copies
        log = PrintLog.objects.get(issuance_id=issued.history_id)
    assert log.sha256 == hashlib.sha256(copy.content).hexdigest()  # the hash of the signed bytes
    report = pdfsig(copy.content)
    assert whole_and_valid(report) and f"CN={office.municipality.name}" in report, report
    assert trusted(copy.content, keys[1].ca_cert)
    with activate(office_b.ctx(office_b.clerk)):
        with pytest.raises(IssuanceRefused):  # another municipality's resident is not signed for
            issue(request([head.pk]), staff=office_b.clerk, renderer=renderer)


@pytest.mark.django_db
def test_cli_creates_keys_for_every_municipality(tmp_path, office, office_b, monkeypatch) -> None:
    from jichitai.cli import main

    monkeypatch.setenv("JICHITAI_DATA_DIR", str(tmp_path))  # restored after the test
    assert main(["certificates", "keys", "init", "--data-dir", str(tmp_path)]) == 0
    for m in (office.municipality, office_b.municipality):
        cert = x509.load_pem_x509_certificate(
            (tmp_path / "signing" / m.code / "signing.pem").read_bytes()
        )
        assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == m.name


# the verification code, page and API: tests/certificates/test_verification.py
