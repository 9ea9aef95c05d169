"""Demo key material: a consortium CA and one signing key + certificate per municipality.

Files live under ``<data dir>/signing/`` (never in git); production replaces the file key with an
HSM behind :class:`~.signer.Signer`. EC P-256 keeps signatures small and signing fast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CA_CERT = "consortium-ca.pem"
CA_KEY = "consortium-ca.key"
VALID_DAYS = 3650


@dataclass(frozen=True)
class KeyPaths:
    key: Path
    cert: Path
    ca_cert: Path


def signing_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "signing"


def _name(common: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.touch(mode=0o600)
    path.write_bytes(pem)


def _build(
    subject: x509.Name,
    issuer: x509.Name,
    public: ec.EllipticCurvePublicKey,
    signer_key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    usage = x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,  # nonRepudiation: the municipality stands behind the copy
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if not ca:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()),
            critical=False,
        )
    return builder.sign(signer_key, hashes.SHA256())


def init_ca(data_dir: Path, consortium: str) -> Path:
    """The consortium CA (kept if it exists). Returns its certificate's path."""
    out = signing_dir(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    cert_path = out / CA_CERT
    if cert_path.exists():
        return cert_path
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(f"{consortium} 認証局", consortium)
    cert = _build(name, name, key.public_key(), key, ca=True)
    _write_key(out / CA_KEY, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path


def _load_ca(data_dir: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    out = signing_dir(data_dir)
    cert = x509.load_pem_x509_certificate((out / CA_CERT).read_bytes())
    key = serialization.load_pem_private_key((out / CA_KEY).read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return cert, key


def key_paths(data_dir: Path, code: str) -> KeyPaths:
    out = signing_dir(data_dir)
    return KeyPaths(out / code / "signing.key", out / code / "signing.pem", out / CA_CERT)


def init_municipality(data_dir: Path, code: str, name: str, consortium: str) -> KeyPaths:
    """A municipality's signing key and certificate (CN = its name, O = the consortium)."""
    init_ca(data_dir, consortium)
    paths = key_paths(data_dir, code)
    if paths.cert.exists():
        return paths
    ca_cert, ca_key = _load_ca(data_dir)
    paths.key.parent.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _build(_name(name, consortium), ca_cert.subject, key.public_key(), ca_key, ca=False)
    _write_key(paths.key, key)
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return paths
