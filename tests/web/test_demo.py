"""The demo consortium: idempotent, valid 地方公共団体コード, printed logins that work."""

from __future__ import annotations

import argparse
import time

import pytest

from jichitai import demo
from jichitai.accounts.models import RoleGrant, Staff
from jichitai.cli.demo import _sizes
from jichitai.codes import is_valid_municipality_code
from jichitai.tenancy.models import Consortium, Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_demo(monkeypatch, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return demo.seed_demo()


def test_seed_is_idempotent_and_repairs(fast_demo):
    counts = (Consortium.objects.count(), Municipality.objects.count(), Staff.objects.count(),
              RoleGrant.objects.count())
    Staff.objects.filter(username="kenmu").update(failed_logins=4)
    again = demo.seed_demo([300, 2000, 9000])
    assert (Consortium.objects.count(), Municipality.objects.count(), Staff.objects.count(),
            RoleGrant.objects.count()) == counts
    assert Staff.objects.get(username="kenmu").failed_logins == 0
    assert [size for _, size in again.municipalities] == [300, 2000, 9000]


def test_three_municipalities_of_very_different_size_with_valid_codes(fast_demo):
    assert fast_demo.consortium.name == "みらい広域連携協議会"
    munis = fast_demo.municipalities
    assert [m.population_class for m, _ in munis] == ["village", "town", "city"]
    sizes = [s for _, s in munis]
    assert sizes == [330, 600, 1_200]  # small by default: the first start stays under a minute
    assert sizes[0] < sizes[1] < sizes[2]
    assert all(is_valid_municipality_code(m.code) for m, _ in munis)


def test_printed_secret_is_the_stored_device_and_gives_the_current_code(fast_demo):
    import base64
    import hashlib
    import hmac
    import struct

    login = next(x for x in fast_demo.logins if x.username == "yamaai.clerk")
    key = base64.b32decode(login.totp_secret)
    now = time.time()
    digest = hmac.new(key, struct.pack(">Q", int(now // 30)), hashlib.sha1).digest()
    o = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[o:o + 4])[0] & 0x7FFFFFFF) % 1_000_000
    assert demo.current_code("yamaai.clerk", at=now) == f"{code:06d}"
    assert login.otpauth_uri.startswith("otpauth://totp/") and login.totp_secret in login.otpauth_uri


def test_demo_login_works_and_village_clerk_cannot_choose_the_town(client, fast_demo):
    village, town, _ = (m for m, _ in fast_demo.municipalities)
    client.post("/accounts/login/", {"username": "yamaai.clerk", "password": demo.DEMO_PASSWORD})
    r = client.post("/accounts/second-factor/",
                    {"factor": "totp", "token": demo.current_code("yamaai.clerk")})
    assert r["Location"] == "/"
    assert client.post("/accounts/choose-municipality/", {"choice": f"m{town.pk}"}).status_code == 403
    assert "山あい村" in client.get("/").content.decode()


def test_sizes_option():
    assert _sizes("330,20_000,280000") == (330, 20_000, 280_000)
    for bad in ("1,2", "a,b,c", "0,1,2"):
        with pytest.raises(argparse.ArgumentTypeError):
            _sizes(bad)
