"""Second factors (二要素認証) as a small typed plugin registry.

Each factor is a :class:`SecondFactor` subclass registered with :func:`register` under a ``kind``
(``"totp"``, ``"webauthn"``; an IC-card factor is meant to be the next one). A factor knows its
django-otp device model, how to verify a proof from the login form, and how a staff member enrolls
one. Factors never touch the session, the lockout counter or the audit signal: the login flow in
:mod:`jichitai.accounts.auth` does that once for all of them, so a new factor cannot forget it.
"""

from __future__ import annotations

import json
import secrets
from abc import ABC, abstractmethod
from binascii import hexlify
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import segno
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    UserVerificationRequirement,
)

from .errors import LoginRefused, SecondFactorRejected, SecurityKeyRejected
from .models import Staff, WebAuthnCredential


class EnrollmentRejected(LoginRefused):
    message = "登録を完了できませんでした。もう一度お試しください。"


class SecondFactor(ABC):
    """One kind of second factor. Subclasses are singletons held in :data:`REGISTRY`."""

    kind: ClassVar[str]
    label: ClassVar[str]
    device_model: ClassVar[type[Device]]

    def devices(self, staff: Staff) -> QuerySet[Any]:
        """The staff member's confirmed devices of this kind."""
        return self.device_model.objects.filter(user=staff, confirmed=True)

    def is_enrolled(self, staff: Staff) -> bool:
        return self.devices(staff).exists()

    @abstractmethod
    def verify(self, staff: Staff, proof: Mapping[str, Any]) -> Device:
        """Check ``proof`` (the form data of this factor); return the device or raise
        :class:`SecondFactorRejected`. Must be race-free (lock the device row)."""


REGISTRY: dict[str, SecondFactor] = {}


F = TypeVar("F", bound=type[SecondFactor])


def register(cls: F) -> F:
    if cls.kind in REGISTRY:
        raise ValueError(f"second factor {cls.kind!r} registered twice")
    REGISTRY[cls.kind] = cls()
    return cls


def get_factor(kind: str) -> SecondFactor:
    try:
        return REGISTRY[kind]
    except KeyError:
        raise SecondFactorRejected("この認証方式は利用できません。") from None


def enrolled_factors(staff: Staff) -> list[SecondFactor]:
    return [f for f in REGISTRY.values() if f.is_enrolled(staff)]


# --------------------------------------------------------------------------------------- TOTP


@dataclass(frozen=True)
class TotpProvisioning:
    """What a staff member needs to set up an authenticator app."""

    device: TOTPDevice
    secret_base32: str
    uri: str
    qr_svg: str


@register
class TotpFactor(SecondFactor):
    """ワンタイムパスワード (TOTP, RFC 6238) from an authenticator app, via django-otp.

    django-otp tolerates one 30-second step of clock drift and refuses a token at or before the
    last accepted one (``last_t``), so an observed code cannot be replayed.
    """

    kind = "totp"
    label = "認証アプリのワンタイムパスワード"
    device_model = TOTPDevice

    def verify(self, staff: Staff, proof: Mapping[str, Any]) -> Device:
        token = "".join(str(proof.get("token", "")).split())
        if not token:
            raise SecondFactorRejected("確認コードを入力してください。")
        if not (token.isascii() and token.isdigit() and len(token) == 6):
            raise SecondFactorRejected("確認コードは6桁の数字で入力してください。")
        with transaction.atomic():
            for device in self.devices(staff).select_for_update().order_by("pk"):
                if device.verify_token(token):
                    return device
        raise SecondFactorRejected()

    def start_enrollment(
        self, staff: Staff, *, name: str = "認証アプリ", key_hex: str | None = None
    ) -> TOTPDevice:
        """A new, unconfirmed device; it counts only after :meth:`confirm_enrollment`."""
        TOTPDevice.objects.filter(user=staff, confirmed=False).delete()
        key = key_hex or hexlify(secrets.token_bytes(20)).decode()
        return TOTPDevice.objects.create(user=staff, name=name, key=key, confirmed=False)

    def provisioning(self, device: TOTPDevice) -> TotpProvisioning:
        from base64 import b32encode

        uri = device.config_url
        svg = segno.make(uri, error="m").svg_inline(scale=4, title="TOTP設定用QRコード")
        return TotpProvisioning(
            device=device,
            secret_base32=b32encode(device.bin_key).decode(),
            uri=uri,
            qr_svg=svg,
        )

    def confirm_enrollment(self, staff: Staff, device_id: int, token: str) -> TOTPDevice:
        token = "".join(str(token).split())
        with transaction.atomic():
            device = (
                TOTPDevice.objects.select_for_update()
                .filter(pk=device_id, user=staff, confirmed=False)
                .first()
            )
            if device is None:
                raise EnrollmentRejected("登録手続きの有効期限が切れました。最初からやり直してください。")
            if not (token.isdigit() and len(token) == 6) or not device.verify_token(token):
                raise SecondFactorRejected("確認コードが正しくありません。アプリに表示された6桁の数字を入力してください。")
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return device

    def enroll_with_key(self, staff: Staff, key_hex: str, *, name: str = "認証アプリ") -> TOTPDevice:
        """Administrative enrollment (demo, operators): a confirmed device with a known key."""
        device, _ = TOTPDevice.objects.update_or_create(
            user=staff, name=name, defaults={"key": key_hex, "confirmed": True}
        )
        return device


# ----------------------------------------------------------------------------------- WebAuthn


@dataclass(frozen=True)
class Ceremony:
    """Options for ``navigator.credentials.create/get`` and the single-use challenge to keep."""

    options: dict[str, Any]
    challenge: str  # base64url


def _rp_id() -> str:
    return str(settings.JICHITAI_WEBAUTHN_RP_ID)


def _origins() -> list[str]:
    return [o.strip() for o in str(settings.JICHITAI_WEBAUTHN_ORIGIN).split(",") if o.strip()]


def _user_handle(staff: Staff) -> bytes:
    return f"jichitai-staff:{staff.pk}".encode()


def _transports(values: Any) -> list[AuthenticatorTransport]:
    out = []
    for v in values or []:
        try:
            out.append(AuthenticatorTransport(v))
        except ValueError:
            continue
    return out


@register
class SecurityKeyFactor(SecondFactor):
    """セキュリティキー (WebAuthn / FIDO2), py_webauthn 3.x.

    The signature counter must increase on every assertion (py_webauthn refuses otherwise, and the
    stored counter is updated under a row lock so two concurrent assertions cannot both pass).
    """

    kind = "webauthn"
    label = "セキュリティキー"
    device_model = WebAuthnCredential

    # login ---------------------------------------------------------------------------------
    def authentication_options(self, staff: Staff) -> Ceremony:
        allow = [
            PublicKeyCredentialDescriptor(
                id=base64url_to_bytes(c.credential_id), transports=_transports(c.transports)
            )
            for c in self.devices(staff)
        ]
        opts = generate_authentication_options(
            rp_id=_rp_id(),
            allow_credentials=allow,
            user_verification=UserVerificationRequirement.DISCOURAGED,
        )
        return Ceremony(json.loads(options_to_json(opts)), bytes_to_base64url(opts.challenge))

    def verify(self, staff: Staff, proof: Mapping[str, Any]) -> Device:
        challenge = proof.get("challenge")
        raw = proof.get("credential")
        if not challenge or not raw:
            raise SecurityKeyRejected()
        try:
            data = json.loads(raw) if isinstance(raw, str) else dict(raw)
            cred_id = str(data.get("id", ""))
        except (ValueError, TypeError):
            raise SecurityKeyRejected() from None
        with transaction.atomic():
            cred = self.devices(staff).select_for_update().filter(credential_id=cred_id).first()
            if cred is None:
                raise SecurityKeyRejected("このセキュリティキーは登録されていません。")
            try:
                verified = verify_authentication_response(
                    credential=data,
                    expected_challenge=base64url_to_bytes(str(challenge)),
                    expected_rp_id=_rp_id(),
                    expected_origin=_origins(),
                    credential_public_key=bytes(cred.public_key),
                    credential_current_sign_count=cred.sign_count,
                )
            except (WebAuthnException, ValueError, KeyError, TypeError):
                raise SecurityKeyRejected() from None
            # py_webauthn already refuses a non-increasing counter; say it twice for the reader.
            if (verified.new_sign_count or cred.sign_count) and verified.new_sign_count <= cred.sign_count:
                raise SecurityKeyRejected("セキュリティキーの署名カウンタが不正です（複製の疑い）。")
            cred.sign_count = verified.new_sign_count
            cred.last_used_at = timezone.now()
            cred.save(update_fields=["sign_count", "last_used_at"])
            return cred

    # enrollment -----------------------------------------------------------------------------
    def registration_options(self, staff: Staff) -> Ceremony:
        opts = generate_registration_options(
            rp_id=_rp_id(),
            rp_name=str(settings.JICHITAI_WEBAUTHN_RP_NAME),
            user_name=staff.get_username(),
            user_id=_user_handle(staff),
            user_display_name=staff.display_name or staff.get_username(),
            attestation=AttestationConveyancePreference.NONE,
            authenticator_selection=AuthenticatorSelectionCriteria(
                user_verification=UserVerificationRequirement.DISCOURAGED
            ),
            exclude_credentials=[
                PublicKeyCredentialDescriptor(id=base64url_to_bytes(c.credential_id))
                for c in self.devices(staff)
            ],
        )
        return Ceremony(json.loads(options_to_json(opts)), bytes_to_base64url(opts.challenge))

    def complete_registration(
        self, staff: Staff, credential: str | Mapping[str, Any], challenge: str, name: str
    ) -> WebAuthnCredential:
        try:
            data = json.loads(credential) if isinstance(credential, str) else dict(credential)
            verified = verify_registration_response(
                credential=data,
                expected_challenge=base64url_to_bytes(challenge),
                expected_rp_id=_rp_id(),
                expected_origin=_origins(),
            )
        except (WebAuthnException, ValueError, KeyError, TypeError):
            raise EnrollmentRejected("セキュリティキーを登録できませんでした。もう一度お試しください。") from None
        transports = data.get("response", {}).get("transports") or []
        try:
            with transaction.atomic():
                return WebAuthnCredential.objects.create(
                    user=staff,
                    name=(name or "セキュリティキー")[:64],
                    confirmed=True,
                    credential_id=bytes_to_base64url(verified.credential_id),
                    public_key=verified.credential_public_key,
                    sign_count=verified.sign_count,
                    transports=[str(t) for t in transports][:8],
                )
        except IntegrityError:
            raise EnrollmentRejected("このセキュリティキーはすでに登録されています。") from None
