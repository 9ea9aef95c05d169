"""Verification codes: made when a copy is issued, looked up by anyone holding the code."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass

import segno
from django.utils import timezone

from jichitai.wareki import format_date

from .models import VerificationCode

CODE_BYTES = 10  # 80 bits: not guessable, 16 base32 characters


def new_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalize(code: str) -> str:
    """What a person types (lower case, spaces, no hyphens) to the stored form."""
    flat = "".join(c for c in code.upper() if c.isalnum())
    return "-".join(flat[i : i + 4] for i in range(0, len(flat), 4))


def register(
    contents: list[bytes], *, municipality_code: str, municipality_name: str, title: str
) -> list[str]:
    """One code per copy handed out, with the hash of the (signed) bytes."""
    codes = []
    for content in contents:
        code = new_code()
        VerificationCode.objects.create(
            code=code,
            municipality_code=municipality_code,
            municipality_name=municipality_name,
            title=title,
            sha256=hashlib.sha256(content).hexdigest(),
        )
        codes.append(code)
    return codes


def revoke(code: str, reason: str) -> None:
    VerificationCode.objects.filter(code=normalize(code), revoked_at=None).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )


@dataclass(frozen=True)
class Verdict:
    genuine: bool
    title: str = ""
    issued_on: str = ""  # 和暦
    issuer: str = ""
    revoked: bool = False
    revoked_on: str = ""
    matches: bool | None = None  # the uploaded PDF's hash, when one was uploaded

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items()}


def verify(code: str, pdf: bytes | None = None) -> Verdict:
    row = VerificationCode.objects.filter(code=normalize(code)).first()
    if row is None:
        return Verdict(genuine=False)
    local = timezone.localtime(row.issued_at).date()
    revoked = timezone.localtime(row.revoked_at).date() if row.revoked_at else None
    matches = None
    if pdf is not None:
        matches = secrets.compare_digest(hashlib.sha256(pdf).hexdigest(), row.sha256)
    return Verdict(
        genuine=True,
        title=row.title,
        issued_on=format_date(local),
        issuer=row.municipality_name,
        revoked=revoked is not None,
        revoked_on=format_date(revoked) if revoked else "",
        matches=matches,
    )


def qr_svg(url: str) -> str:
    """The QR code (segno) of the verification URL, as inline SVG for the certificate template."""
    return segno.make(url, error="m").svg_inline(scale=2)
