"""認証者と公印 ([290], [310], [1050], [1060]): who certifies a certificate and which 電子公印 it bears.

:func:`issuer_block` is what every certificate template's issuer block
(``certificates/_issuer.html``) prints; issuance puts it into ``CertificateData.extra["issuer"]``
for every kind. A certificate without a registered 認証者, or whose chosen 公印 has no image, is not
issued: a 認証者 with a blank name ([310]#4) cannot be printed by falling back to nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django.db.models import Q

from jichitai.wareki import format_date

from .models import Authority, AuthorityChoice, AuthorityRole, IssuerChoice, OfficialSeal
from .service import check_fixed_text, issuing_ward

OFFICIAL_MARK = "公用"  # [1060]#1


class AuthorityMissing(LookupError):
    """No 認証者 or 公印 to print: issuance refuses with ``message``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _in_force(on: dt.date, ward: str) -> Any:
    return (
        Authority.objects.filter(ward=ward, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by("-valid_from", "-pk")
    )


def authority_on(on: dt.date, choice: str = AuthorityChoice.AUTO, ward: str = "") -> Authority:
    """The 認証者 in force on ``on``: with ``auto`` the 職務代理者 during a 職務代理者 period, else
    the 市区町村長 (区長) ([310]#2)."""
    rows = list(_in_force(on, ward).filter(role__in=(AuthorityRole.DEPUTY, AuthorityRole.MAYOR)))
    deputy = next((r for r in rows if r.role == AuthorityRole.DEPUTY), None)
    mayor = next((r for r in rows if r.role == AuthorityRole.MAYOR), None)
    found = {
        AuthorityChoice.AUTO: deputy or mayor,
        AuthorityChoice.MAYOR: mayor,
        AuthorityChoice.DEPUTY: deputy,
    }.get(choice)
    if found is None or not found.name.strip(" \u3000"):
        role = "職務代理者" if choice == AuthorityChoice.DEPUTY else "市区町村長"
        raise AuthorityMissing(
            f"{format_date(on)}に有効な認証者（{role}{'・' + ward if ward else ''}）が登録されていないため、"
            "証明書を発行できません。認証者・公印の設定で登録してください。"
        )
    return found


def job_title(m: Any, authority: Authority) -> str:
    """職名 with the prefecture, always ([1050]#1, #5): 東京都千代田区長, 神奈川県横浜市港北区長."""
    if not m.prefecture:
        raise AuthorityMissing("都道府県名が登録されていないため、職名を印字できません。")
    return f"{m.prefecture}{m.name}{authority.ward}{authority.title}"


def seal_src(seal: OfficialSeal) -> str:
    return "data:image/png;base64," + base64.b64encode(bytes(seal.image)).decode("ascii")


def _seal(kind: str, ward: str) -> OfficialSeal:
    seal = OfficialSeal.objects.filter(kind=kind, ward=ward).order_by("-uploaded_at", "-pk").first()
    if seal is None:
        from .models import SealKind

        raise AuthorityMissing(
            f"電子公印（{SealKind(kind).label}）の画像が登録されていないため、証明書を発行できません。"
        )
    return seal


def issuer_block(municipality: Any, kind: str, *, on: dt.date, official: bool = False) -> dict:
    """The 認証者 block of a certificate of ``kind`` issued on ``on``: 職名 (with the prefecture),
    氏名, the 電子公印 (a PNG data URI and its printed size in mm) unless the kind prints none, the
    kind's fixed text, and 「公用」 when ``official``. Raises :class:`AuthorityMissing`."""
    choice = IssuerChoice.objects.filter(kind=kind).first()
    ward = issuing_ward()
    who = authority_on(on, choice.authority if choice else AuthorityChoice.AUTO, ward)
    block = {
        "role": AuthorityRole(who.role).label,
        "title": job_title(municipality, who),
        "name": who.name,
        "seal": "",
        "seal_width_mm": "",
        "seal_height_mm": "",
        "fixed_text": check_fixed_text(choice.fixed_text) if choice else "",
        "official": OFFICIAL_MARK if official else "",
    }
    if choice is None or choice.print_seal:
        seal = _seal((choice.seal_kind if choice else "") or who.role, ward)
        block.update(
            seal=seal_src(seal),
            seal_width_mm=f"{seal.width_mm}",
            seal_height_mm=f"{seal.height_mm}",
        )
    return block
