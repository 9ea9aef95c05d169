"""証明書交付 through the API: ``POST /certificates`` → the PDF, or a JSON refusal in Japanese.

The call is bound to its ``Idempotency-Key``: with the staff member's id it becomes the
issuance's 請求ID, so the copies are
checked against it (``finalize``) and a second call with the same key is refused (409) instead of
printing the same certificate twice; a reprint is a new request with a new key and a new number.
Refusals: a person not found, another municipality's or protected by a 支援措置 → 404 with the
same words; the requester rules → 403; a malformed request → 422.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Header, Schema, Status

from jichitai.certificates import counter, overflow, printing
from jichitai.certificates.issuance import (
    CertificateRequest,
    IssuanceMismatch,
    IssuanceRefused,
    Options,
    Requester,
    Station,
)
from jichitai.certificates.models import Issuance
from jichitai.certificates.render import UndrawableCharactersError
from jichitai.registry.events.requests import MAX_ID

from .errors import ApiError
from .events import _key
from .routing import WRITE_ERRORS, endpoint
from .schemas import ErrorItem, ErrorOut

KEY_PREFIX = "api:"
REQUEST_ID_MAX = Issuance._meta.get_field("request_id").max_length
ALREADY_ISSUED = (
    "この請求（Idempotency-Key）では既に交付しています。再印刷は新しいキーで請求してください。"
)
FORM_CODES = frozenset(
    {
        "kind",
        "requester_kind",
        "no_subject",
        "copies",
        "fee_exemption",
        "items",
        "card_number",
        "fiscal_year",
    }
)


class RequesterIn(Schema):
    kind: str = Field(description="self / household / agent / third_party / official")
    person_id: int | None = Field(None, ge=1, le=MAX_ID, description="本人・同一世帯の住民ID")
    name: str = Field("", max_length=200, description="代理人・第三者の氏名、公用の請求機関")
    power_of_attorney: bool = Field(False, description="代理人: 委任状を確認した")
    principal_id: int | None = Field(None, ge=1, le=MAX_ID, description="代理人: 委任者の住民ID")
    purpose: str = Field("", max_length=400, description="第三者: 請求の事由／公用: 根拠")


class OptionsIn(Schema):
    household_form: bool = Field(True, description="世帯連記式 (false: 個人票)")
    whole_household: bool = False
    head_and_relationship: bool = False
    honseki: bool = False
    resident_code: bool = False
    my_number: bool = False
    foreign_items: bool = False
    alias_history: bool = False
    history: bool = Field(False, description="履歴の有無: 異動の経過を記載する")
    special_history: bool = Field(
        False, description="特別養子縁組・その解消・性別の変更の履歴も記載する（既定: 記載しない）"
    )
    copies: int = Field(1, ge=1, le=100)


class StationIn(Schema):
    terminal: str = Field("", max_length=50)
    printer: str = Field("", max_length=50)
    place: str = Field("", max_length=100)
    tray: str = Field("", max_length=50, description="トレー（ホッパ）")


class CertificateIn(Schema):
    kind: str = Field(
        description="juminhyo (住民票の写し) / joshu (除票の写し) / kisai (住民票記載事項証明書) / "
        "joshu_kisai (住民票除票記載事項証明書) / tenshutsu (転出証明書) / tenshutsu_junzuru "
        "(転出証明書に準ずる証明書)"
    )
    subject_ids: list[int] = Field(min_length=1, max_length=50, description="対象者の住民ID")
    requester: RequesterIn
    options: OptionsIn = Field(default_factory=OptionsIn)
    station: StationIn = Field(default_factory=StationIn)
    hold_confirmed: bool = Field(False, description="抑止（アラート）を確認した")
    output: str = Field(
        "",
        pattern="^(|paper|pdf)$",
        description="出力: paper (紙: inline で開いて印刷) / pdf (ファイル: attachment); "
        "空は団体別設定の既定",
    )
    fee_exemption: str = Field(
        "", max_length=12, description="手数料の減免事由（設定のID、なしは空）"
    )
    params: dict[str, str] = Field(
        default_factory=dict,
        description="種別ごとの入力（記載事項証明書: items=証明する事項のキー（カンマ区切り）, "
        "omit_katagaki=1 で方書を省略; 転出証明書の再交付: reissue=1; 印鑑登録証明書: card_number="
        "印鑑登録証の番号; 課税・所得・非課税証明書: fiscal_year=年度（2025 / 令和7年度））",
    )
    overflow_confirmed: bool = Field(False, description="文字溢れ（別紙に全文を印字）を確認した")


def _refusal(exc: IssuanceRefused) -> Status:
    codes = set(exc.codes)
    status = 404 if "not_found" in codes else 422 if codes <= FORM_CODES else 403
    items = [ErrorItem(rule=r.code, message=r.message) for r in exc.refusals]
    return Status(status, ErrorOut(errors=items))


def bound_request_id(staff_id: int, key: str) -> str:
    """The 請求ID of an API call: the staff member's own key (keys of two staff never collide),
    hashed when it would not fit the 交付履歴's column."""
    plain = f"{KEY_PREFIX}{staff_id}:{key}"
    if len(plain) <= REQUEST_ID_MAX:
        return plain
    return (KEY_PREFIX + hashlib.sha256(plain.encode()).hexdigest())[:REQUEST_ID_MAX]


def _request(body: CertificateIn, request_id: str) -> CertificateRequest:
    if any(not 1 <= i <= MAX_ID for i in body.subject_ids):
        raise ApiError(404, "not_found", "請求された住民票が見つかりません。", "subject_ids")
    return CertificateRequest(
        kind=body.kind,
        subject_ids=tuple(dict.fromkeys(body.subject_ids)),
        requester=Requester(**body.requester.model_dump()),
        options=Options(**body.options.model_dump()),
        station=Station(**body.station.model_dump()),
        hold_confirmed=body.hold_confirmed,
        fee_exemption=body.fee_exemption,
        params={
            str(k)[:50]: str(v).strip()[:200]
            for k, v in list(body.params.items())[:20]
            if str(v).strip()
        }
        | ({"overflow_confirmed": "1"} if body.overflow_confirmed else {}),
        request_id=request_id,
    )


@endpoint(
    "post",
    "/certificates",
    "issue_certificate",
    response={200: None, **WRITE_ERRORS},
    summary="証明書交付（住民票の写し・除票の写し）: PDF を返す",
    tags=["certificates"],
)
def issue_certificate(
    request: HttpRequest,
    body: CertificateIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> Any:
    """200 ``application/pdf`` (several signed copies: ``application/zip`` of PDFs; ``Content-Disposition``
    names the 発行番号); refusals as JSON."""
    request_id = bound_request_id(request.user.pk, _key(idempotency_key))
    if Issuance.objects.filter(request_id=request_id).exists():
        raise ApiError(409, "already_issued", ALREADY_ISSUED, "Idempotency-Key")
    try:
        handout = counter.issue_pdf(_request(body, request_id), staff=request.user)
    except IssuanceRefused as exc:
        return _refusal(exc)
    except IssuanceMismatch as exc:
        raise ApiError(409, "mismatch", exc.message) from None
    except UndrawableCharactersError as exc:
        codes = "、".join(map(str, exc.codes))
        raise ApiError(422, "undrawable", counter.UNDRAWABLE.format(codes=codes)) from None
    except IntegrityError:  # the same key issued concurrently: one wins, the other is refused
        raise ApiError(409, "already_issued", ALREADY_ISSUED, "Idempotency-Key") from None
    response = HttpResponse(handout.pdf, content_type=handout.content_type)
    response["Content-Disposition"] = counter.content_disposition(
        handout.filename, handout.extension, printing.chosen_output(body.output) == printing.PDF
    )
    response["Cache-Control"] = "no-store"
    return overflow.name_list(response, handout.issued.history_id)  # [1420]#6
