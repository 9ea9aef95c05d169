"""Verification codes: one per copy handed out, printed on it, looked up by anyone holding it.

A code is 12 characters of Crockford's base32 (``0-9 A-Z`` without ``I L O U``), 60 random bits,
printed in three groups (``7K3M-Q9XD-2HBT``). What a person types is forgiven: case, spaces and
hyphens, and ``O``/``I``/``L`` read as ``0``/``1``/``1``. See docs/certificates.md "検証コード".
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import segno
from django.conf import settings
from django.utils import timezone

from jichitai.wareki import format_date

from .. import signing
from .models import VerificationCode

if TYPE_CHECKING:
    from ..issuance.service import Copy

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
LENGTH = 12  # 12 × 5 = 60 random bits
GROUP = 4
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1"})
PATH = "/verify/"

GARBLED = (
    "照合番号の形式が正しくありません。証明書に印字された12文字の英数字"
    "（例：7K3M-Q9XD-2HBT）をお確かめのうえ入力してください。"
)
UNKNOWN = "この照合番号の証明書は発行されていません。番号をお確かめください。"
NO_PUBLIC_URL = (
    "照合ページの公開URL（JICHITAI_PUBLIC_URL）が設定されていないため、発行できません。"
    "システム管理者に連絡してください。"
)


def enabled() -> bool:
    """Codes are printed exactly when copies are signed (one consortium option, docs)."""
    return signing.enabled()


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalize(typed: str) -> str | None:
    """What a person typed to the stored form, or None when it cannot be a code."""
    flat = "".join(c for c in typed.upper() if c not in " -\u3000\t").translate(_TYPED)
    if len(flat) != LENGTH or any(c not in ALPHABET for c in flat):
        return None
    return "-".join(flat[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def public_base() -> str:
    """JICHITAI_PUBLIC_URL without its trailing slash ("" when unset: issuance then refuses)."""
    return str(getattr(settings, "JICHITAI_PUBLIC_URL", "") or "").strip().rstrip("/")


def url_for(code: str) -> str:
    return f"{public_base()}{PATH}{code}"


def printed(code: str) -> dict[str, str]:
    """What goes into ``CertificateData.extra["verification"]`` (plain strings: the data is JSON)."""
    return {"code": code, "url": url_for(code), "base": public_base() + PATH}


def record(copies: Iterable[Copy], *, issuance: Any, municipality: Any) -> list[VerificationCode]:
    """The rows of the printed codes, each with the hash of its copy's final (signed) bytes."""
    rows = [
        VerificationCode(
            code=c.data.extra["verification"]["code"],
            municipality_code=municipality.code,
            municipality_name=f"{municipality.prefecture}{municipality.name}",
            title=c.data.title,
            number=c.number,
            issuance_id=issuance.pk,
            issued_at=issuance.issued_at,
            sha256=hashlib.sha256(c.content).hexdigest(),
        )
        for c in copies
        if "verification" in (c.data.extra or {})
    ]
    return VerificationCode.objects.bulk_create(rows)


def revoke_issuance(issuance_id: int, at: Any) -> int:
    """A disposed (処分) issuance: its codes say 失効 from ``at``. No reason is copied: the public
    table must not hold the clerk's free text, which may name the person."""
    return VerificationCode.objects.filter(issuance_id=issuance_id, revoked_at=None).update(
        revoked_at=at
    )


@dataclass(frozen=True)
class Verdict:
    genuine: bool
    message: str = ""
    title: str = ""
    issued_on: str = ""  # 和暦
    issuer: str = ""
    number: str = ""  # 発行番号
    revoked: bool = False
    revoked_on: str = ""
    matches: bool | None = None  # the uploaded PDF's hash, when one was uploaded

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def verify(typed: str, pdf: bytes | None = None) -> Verdict:
    code = normalize(typed[:64])
    if code is None:
        return Verdict(genuine=False, message=GARBLED)
    row = VerificationCode.objects.filter(code=code).first()
    if row is None:
        return Verdict(genuine=False, message=UNKNOWN)
    revoked = timezone.localtime(row.revoked_at).date() if row.revoked_at else None
    matches = None
    if pdf is not None:
        matches = secrets.compare_digest(hashlib.sha256(pdf).hexdigest(), row.sha256)
    return Verdict(
        genuine=True,
        title=row.title,
        issued_on=format_date(timezone.localtime(row.issued_at).date()),
        issuer=row.municipality_name,
        number=row.number,
        revoked=revoked is not None,
        revoked_on=format_date(revoked) if revoked else "",
        matches=matches,
    )


def qr_png(url: str) -> str:
    """The QR code (segno, level M) of ``url`` as a PNG data URI, one pixel per module: a page
    draws it (scaled by the stylesheet, no smoothing) in a fraction of the time an inline SVG of
    the same code takes."""
    return segno.make(url, error="m").png_data_uri(scale=4, border=4)
