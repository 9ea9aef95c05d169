"""Adding and removing one's own second factors (TOTP device via QR / otpauth URI)."""

from __future__ import annotations

import re
from base64 import b32decode
from binascii import hexlify

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from jichitai.accounts.models import Role
from tests.accounts.support import full_login, password_step, totp_code, totp_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_staff, muni_a):
    return make_staff("tanaka", [(muni_a, Role.CLERK)])


def test_add_a_totp_device_shows_qr_and_uri_and_needs_a_valid_code(client, staff):
    full_login(client, staff)
    page = client.get("/accounts/devices/totp/add/")
    html = page.content.decode()
    assert "<svg" in html and "otpauth://totp/jichitai-cloud%3Atanaka?secret=" in html
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', html).group(1)
    pending = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert hexlify(b32decode(secret)).decode() == pending.key
    r = client.post("/accounts/devices/totp/add/", {"device_id": pending.pk, "token": "000000"})
    assert r.status_code == 400 and "確認コードが正しくありません。" in r.content.decode()
    r = client.post(
        "/accounts/devices/totp/add/", {"device_id": pending.pk, "token": totp_code(pending)}
    )
    assert r["Location"] == "/accounts/devices/"
    assert TOTPDevice.objects.filter(user=staff, confirmed=True).count() == 2


def test_an_unconfirmed_device_is_not_a_second_factor(client, staff):
    full_login(client, staff)
    client.get("/accounts/devices/totp/add/")
    pending = TOTPDevice.objects.get(user=staff, confirmed=False)
    client.post("/accounts/logout/")
    password_step(client, staff.username)
    r = totp_step(client, totp_code(pending))
    assert r.status_code == 401


def test_cannot_confirm_another_staff_members_device(client, make_staff, staff, muni_b):
    other = make_staff("other", [(muni_b, Role.CLERK)])
    from jichitai.accounts.factors import REGISTRY

    foreign = REGISTRY["totp"].start_enrollment(other)
    full_login(client, staff)
    r = client.post("/accounts/devices/totp/add/", {"device_id": foreign.pk, "token": totp_code(foreign)}, follow=True)
    assert "有効期限が切れました" in r.content.decode()
    foreign.refresh_from_db()
    assert not foreign.confirmed


def test_remove_a_device_with_htmx_but_never_the_last_one(client, staff):
    from jichitai.accounts.factors import REGISTRY

    second = REGISTRY["totp"].enroll_with_key(staff, "ab" * 20, name="予備")
    full_login(client, staff)
    r = client.post(f"/accounts/devices/totp/{second.pk}/remove/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "<table>" in r.content.decode()
    assert "認証手段を削除しました。" in r.content.decode()
    assert not TOTPDevice.objects.filter(pk=second.pk).exists()
    last = TOTPDevice.objects.get(user=staff)
    r = client.post(f"/accounts/devices/totp/{last.pk}/remove/", follow=True)
    assert "最後の二要素認証は削除できません。" in r.content.decode()
    assert TOTPDevice.objects.filter(pk=last.pk).exists()


def test_cannot_remove_another_staff_members_device(client, make_staff, staff, muni_b):
    other = make_staff("other", [(muni_b, Role.CLERK)])
    full_login(client, staff)
    r = client.post(f"/accounts/devices/totp/{other.totp_device.pk}/remove/", follow=True)
    assert "指定された認証手段が見つかりません。" in r.content.decode()
    assert TOTPDevice.objects.filter(pk=other.totp_device.pk).exists()
