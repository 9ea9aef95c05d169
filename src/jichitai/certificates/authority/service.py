"""Maintaining 認証者, 電子公印 and each kind's choice: every rule of [290], [310], [1050], [1060]
that a stored row must satisfy, with Japanese messages."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from typing import Any

from django.db import transaction

from jichitai.tenancy.context import current
from jichitai.tenancy.models import Municipality, MunicipalSetting, PopulationClass

from .images import ImageProblem, prepare
from .models import (
    FORBIDDEN_TEXTS,
    Authority,
    AuthorityChoice,
    AuthorityRole,
    IssuerChoice,
    OfficialSeal,
    SealColor,
    SealKind,
)

WARD_SETTING = "certificates.ward"  # 団体別設定 of a 指定都市: the 区 whose 区長 certifies
BLANKS = " \u3000\t\r\n"


class AuthorityError(ValueError):
    """A refused 認証者・公印 entry; ``message`` is Japanese, ``field`` the form field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def municipality() -> Municipality:
    return Municipality.objects.get(pk=current().municipality_id)


def issuing_ward() -> str:
    """The 区 of a 指定都市 whose 区長 certifies (団体別設定 ``certificates.ward``), else ""."""
    row = MunicipalSetting.objects.filter(key=WARD_SETTING).first()
    return str(row.value).strip(BLANKS) if row is not None and row.value else ""


def _ward(m: Municipality, ward: str) -> str:
    ward = ward.strip(BLANKS)
    if ward and m.population_class != PopulationClass.DESIGNATED_CITY:
        raise AuthorityError("区長を登録できるのは指定都市だけです。", "ward")
    if ward and not ward.endswith("区"):
        raise AuthorityError("区の名称は「〇〇区」と入力してください。", "ward")
    return ward


def _title(m: Municipality, title: str) -> str:
    title = title.strip(BLANKS)
    if not title:
        raise AuthorityError("職名を入力してください（例: 長、長職務代理者　副市長）。", "title")
    # [1050]#5: the prefecture and the municipality are always printed from the register of
    # municipalities; a title carrying them would print them twice or hide an omission
    for part in (m.prefecture, m.name):
        if part and part in title:
            raise AuthorityError(
                f"職名には都道府県名・団体名（{part}）を含めないでください（印字の際に必ず付きます）。",
                "title",
            )
    return title


def add_authority(
    role: str,
    name: str,
    valid_from: dt.date,
    *,
    title: str = "",
    valid_until: dt.date | None = None,
    ward: str = "",
    staff: Any = None,
) -> Authority:
    """Registers a 認証者 ([310]#1–#3); refuses a blank name ([310]#4)."""
    m = municipality()
    if role not in AuthorityRole.values:
        raise AuthorityError("認証者の区分は市区町村長か職務代理者を選んでください。", "role")
    name = name.strip(BLANKS)
    if not name:
        raise AuthorityError("認証者の氏名を入力してください（氏名を空欄にはできません）。", "name")
    if valid_until is not None and valid_until < valid_from:
        raise AuthorityError("期間の終了日は開始日以後にしてください。", "valid_until")
    default = "長" if role == AuthorityRole.MAYOR else "長職務代理者"
    return Authority.objects.create(
        role=role,
        ward=_ward(m, ward),
        title=_title(m, title or default),
        name=name,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=staff,
    )


def end_authority(authority_id: int, until: dt.date) -> Authority:
    row = Authority.objects.filter(pk=authority_id).first()
    if row is None:
        raise AuthorityError("認証者が見つかりません。")
    if until < row.valid_from:
        raise AuthorityError("期間の終了日は開始日以後にしてください。", "valid_until")
    row.valid_until = until
    row.save(update_fields=["valid_until"])
    return row


def upload_seal(
    kind: str,
    data: bytes,
    size_mm: Decimal,
    *,
    color: str = SealColor.BLACK,
    ward: str = "",
    staff: Any = None,
) -> OfficialSeal:
    """Registers an 電子公印 image ([290]#1, [1050]#2–#3). There are four kinds and no office:
    a 支所・出張所's own 公印 cannot be registered ([1050]#4)."""
    if kind not in SealKind.values:
        raise AuthorityError(
            "公印の種類は市区町村長印・職務代理者印・証明書専用印・カード券面用印から選んでください"
            "（支所・出張所の専用公印は登録できません）。",
            "kind",
        )
    if color not in SealColor.values or (color == SealColor.RED and kind != SealKind.CARD):
        raise AuthorityError(
            "赤色にできるのはカード券面用印だけです。電子公印は黒色です。", "color"
        )
    ward = _ward(municipality(), ward)
    try:
        image = prepare(data, size_mm, color)
    except ImageProblem as exc:
        raise AuthorityError(str(exc), "image") from exc
    return OfficialSeal.objects.create(
        kind=kind,
        ward=ward,
        image=image.png,
        image_sha256=image.sha256,
        width_px=image.width_px,
        height_px=image.height_px,
        width_mm=image.width_mm,
        height_mm=image.height_mm,
        color=color,
        uploaded_by=staff,
    )


def check_fixed_text(text: str) -> str:
    """The fixed text as printed, or AuthorityError: never 「附票通知」「規定により免除」 ([1060]#2),
    however spaced or written in other widths."""
    text = text.strip(BLANKS)
    folded = "".join(
        c for c in unicodedata.normalize("NFKC", text) if not c.isspace() and c.isprintable()
    )
    for forbidden in FORBIDDEN_TEXTS:
        if forbidden in folded:
            raise AuthorityError(f"「{forbidden}」は証明書に印字できません。", "fixed_text")
    if len(text) > 100:
        raise AuthorityError("固定文言は100文字以内にしてください。", "fixed_text")
    return text


def set_choice(
    kind: str,
    *,
    authority: str = AuthorityChoice.AUTO,
    print_seal: bool = True,
    seal_kind: str = "",
    fixed_text: str = "",
) -> IssuerChoice:
    """A certificate kind's 認証者, 公印印字の有無, 公印の種類 and fixed text ([1050]#1, #2)."""
    from .. import kinds

    if kinds.get(kind) is None:
        raise AuthorityError("証明書の種別を選んでください。", "kind")
    if authority not in AuthorityChoice.values:
        raise AuthorityError("認証者を選んでください。", "authority")
    if seal_kind and seal_kind not in SealKind.values:
        raise AuthorityError("公印の種類を選んでください。", "seal_kind")
    text = check_fixed_text(fixed_text)
    with transaction.atomic():
        row, _ = IssuerChoice.objects.update_or_create(
            kind=kind,
            defaults={
                "authority": authority,
                "print_seal": print_seal,
                "seal_kind": seal_kind if print_seal else "",
                "fixed_text": text,
            },
        )
    return row
