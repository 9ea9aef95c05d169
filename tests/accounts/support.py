"""Shared test support for tests/accounts and tests/web (their conftests re-export the fixtures).

A consortium of three municipalities of very different size, a staff factory, TOTP codes computed
like an authenticator app would, and a software WebAuthn authenticator (EC P-256, attestation
"none") that exercises py_webauthn for real — nothing of the webauthn library is mocked.
"""

from __future__ import annotations

import json
import os
import re
import time
from base64 import urlsafe_b64encode
from hashlib import sha256
from typing import Any

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from jichitai.accounts.factors import REGISTRY
from jichitai.accounts.models import RoleGrant, Staff
from jichitai.codes import municipality_code_check_digit
from jichitai.tenancy.models import Consortium, Municipality

PASSWORD = "correct-horse-battery-staple"
RP_ID = "localhost"
ORIGIN = "http://localhost:8000"


def valid_code(first5: str) -> str:
    return first5 + str(municipality_code_check_digit(first5))


def totp_code(device: TOTPDevice, *, steps: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps`` periods later/earlier)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def b64url(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def webauthn_options(response: Any) -> dict[str, Any]:
    """The options the page embedded in <script id="webauthn-options" type="application/json">."""
    html = response.content.decode()
    m = re.search(r'<script id="webauthn-options" type="application/json">(.*?)</script>', html, re.S)
    assert m, "page has no webauthn options"
    return json.loads(m.group(1))


class SoftAuthenticator:
    """A security key in software: one EC P-256 credential, a sign counter, fmt "none"."""

    def __init__(self, origin: str = ORIGIN) -> None:
        self.origin = origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0

    def _cose_public_key(self) -> bytes:
        nums = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {1: 2, 3: -7, -1: 1, -2: nums.x.to_bytes(32, "big"), -3: nums.y.to_bytes(32, "big")}
        )

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin or self.origin,
             "crossOrigin": False},
            separators=(",", ":"),
        ).encode()

    def create(self, options: dict[str, Any], *, origin: str | None = None) -> dict[str, Any]:
        """navigator.credentials.create(): attestation object with fmt "none"."""
        rp_hash = sha256(options["rp"]["id"].encode()).digest()
        flags = bytes([0x01 | 0x40])  # user present, attested credential data
        attested = (
            bytes(16)  # AAGUID
            + len(self.credential_id).to_bytes(2, "big")
            + self.credential_id
            + self._cose_public_key()
        )
        auth_data = rp_hash + flags + self.sign_count.to_bytes(4, "big") + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["usb"],
            },
            "clientExtensionResults": {},
        }

    def get(
        self, options: dict[str, Any], *, origin: str | None = None, sign_count: int | None = None,
        rp_id: str | None = None,
    ) -> dict[str, Any]:
        """navigator.credentials.get(): an assertion signed with the credential's key."""
        if sign_count is None:
            self.sign_count += 1
            sign_count = self.sign_count
        rp_hash = sha256((rp_id or options["rpId"]).encode()).digest()
        auth_data = rp_hash + bytes([0x01]) + sign_count.to_bytes(4, "big")
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = self.key.sign(
            auth_data + sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": None,
            },
            "clientExtensionResults": {},
        }


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture(autouse=True)
def _fast_and_predictable(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # lockout is under test, not django-otp's throttle
    settings.JICHITAI_LOCKOUT_THRESHOLD = 5
    settings.JICHITAI_LOCKOUT_SECONDS = 1800
    settings.JICHITAI_THROTTLE_LIMIT = 5  # django-axes, per (client address, user name)
    settings.JICHITAI_THROTTLE_SECONDS = 900
    settings.JICHITAI_REAUTH_SECONDS = 300
    settings.JICHITAI_IDLE_TIMEOUT_SECONDS = 900
    settings.JICHITAI_WEBAUTHN_RP_ID = RP_ID
    settings.JICHITAI_WEBAUTHN_ORIGIN = ORIGIN


@pytest.fixture
def consortium(db: Any) -> Consortium:
    return Consortium.objects.create(code="test-kyogikai", name="テスト広域連携協議会")


def _muni(consortium: Consortium, first5: str, name: str, kana: str, cls: str) -> Municipality:
    return Municipality.objects.create(
        consortium=consortium, code=valid_code(first5), name=name, kana=kana,
        prefecture="みらい県", population_class=cls,
    )


@pytest.fixture
def muni_a(consortium: Consortium) -> Municipality:
    return _muni(consortium, "99381", "山あい村", "ヤマアイムラ", "village")


@pytest.fixture
def muni_b(consortium: Consortium) -> Municipality:
    return _muni(consortium, "99341", "港町", "ミナトマチ", "town")


@pytest.fixture
def muni_c(consortium: Consortium) -> Municipality:
    return _muni(consortium, "99201", "中央市", "チュウオウシ", "city")


@pytest.fixture
def make_staff(consortium: Consortium) -> Any:
    def make(
        username: str, roles: list[tuple[Municipality, str]] = (), *, totp: bool = True,  # type: ignore[assignment]
        display_name: str = "",
    ) -> Staff:
        staff = Staff.objects.create_user(
            username=username, password=PASSWORD, consortium=consortium,
            display_name=display_name or f"{username} 職員",
        )
        for muni, role in roles:
            RoleGrant.objects.create(staff=staff, municipality=muni, role=role)
        if totp:
            staff.totp_device = REGISTRY["totp"].enroll_with_key(  # type: ignore[attr-defined]
                staff, os.urandom(20).hex()
            )
        return staff

    return make


def password_step(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def totp_step(client: Client, token: str) -> Any:
    return client.post("/accounts/second-factor/", {"factor": "totp", "token": token})


def full_login(client: Client, staff: Staff, *, follow: bool = False) -> Any:
    r = password_step(client, staff.username)
    assert r.status_code == 302 and r["Location"] == "/accounts/second-factor/", r.content.decode()
    device = TOTPDevice.objects.filter(user=staff, confirmed=True).order_by("pk").first()
    return client.post(
        "/accounts/second-factor/", {"factor": "totp", "token": totp_code(device)}, follow=follow
    )
