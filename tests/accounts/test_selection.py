"""Choosing the municipality to act for; switching; 代行 under a delegation grant.

Tenancy rule: staff of municipality A try to choose, or reach, municipality B and are refused.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from jichitai.accounts.models import Role, RoleGrant
from jichitai.tenancy.models import DelegationGrant
from tests.accounts.support import full_login

pytestmark = pytest.mark.django_db

NOT_ALLOWED = "選択された団体で業務を行う権限がありません。"


@pytest.fixture
def two_muni_staff(make_staff, muni_a, muni_b):
    return make_staff("kenmu", [(muni_a, Role.CLERK), (muni_b, Role.APPROVER)])


def test_staff_with_two_municipalities_chooses_at_login(client, two_muni_staff, muni_a, muni_b):
    r = full_login(client, two_muni_staff)
    assert r["Location"] == "/accounts/choose-municipality/"
    assert client.get("/").status_code == 302  # no context yet
    page = client.get("/accounts/choose-municipality/").content.decode()
    assert "山あい村" in page and "港町" in page
    r = client.post("/accounts/choose-municipality/", {"choice": f"m{muni_b.pk}"}, follow=True)
    assert r.redirect_chain[-1][0] == "/"
    html = r.content.decode()
    assert "港町" in html and "決裁者" in html
    assert client.session["jichitai_acting_municipality_id"] == muni_b.pk


def test_municipality_without_role_is_refused_on_tampered_post(client, make_staff, muni_a, muni_b):
    staff = make_staff("clerk", [(muni_a, Role.CLERK)])
    full_login(client, staff)
    r = client.post("/accounts/choose-municipality/", {"choice": f"m{muni_b.pk}"})
    assert r.status_code == 403
    assert NOT_ALLOWED in r.content.decode()
    # still on municipality A, never on B
    assert client.session["jichitai_municipality_id"] == muni_a.pk
    assert "港町" not in client.get("/").content.decode()


@pytest.mark.parametrize("key", ["", "m999999", "g1", "x", "m", "1"])
def test_garbage_choice_is_refused(client, two_muni_staff, key):
    full_login(client, two_muni_staff)
    r = client.post("/accounts/choose-municipality/", {"choice": key})
    assert r.status_code == 403 and NOT_ALLOWED in r.content.decode()
    assert "jichitai_municipality_id" not in client.session


def test_staff_without_any_role_is_refused_in_japanese(client, make_staff):
    staff = make_staff("norole", [])
    r = full_login(client, staff, follow=True)
    assert "利用できる団体がありません（役割が付与されていません）。" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_inactive_municipality_cannot_be_chosen(client, two_muni_staff, muni_a, muni_b):
    muni_b.active = False
    muni_b.save()
    r = full_login(client, two_muni_staff)
    assert r["Location"] == "/"  # only A remains: auto-selected
    assert client.post("/accounts/choose-municipality/", {"choice": f"m{muni_b.pk}"}).status_code == 403


def test_switching_is_a_new_selection_with_a_new_session_key(client, two_muni_staff, muni_a, muni_b):
    full_login(client, two_muni_staff)
    client.post("/accounts/choose-municipality/", {"choice": f"m{muni_a.pk}"})
    key_a = client.session.session_key
    assert "山あい村" in client.get("/").content.decode()
    client.post("/accounts/choose-municipality/", {"choice": f"m{muni_b.pk}"})
    assert client.session.session_key != key_a
    assert client.session["jichitai_municipality_id"] == muni_b.pk
    assert "jichitai_grant_id" not in client.session
    home = client.get("/").content.decode()
    assert 'id="home-municipality">みらい県港町' in home


def test_role_revoked_after_selection_ends_the_session_even_with_roles_elsewhere(
    client, two_muni_staff, muni_a, muni_b
):
    full_login(client, two_muni_staff)
    client.post("/accounts/choose-municipality/", {"choice": f"m{muni_b.pk}"})
    RoleGrant.objects.filter(staff=two_muni_staff, municipality=muni_b).delete()
    r = client.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def _grant(grantor, grantee, declared_by, **kw):
    now = timezone.now()
    return DelegationGrant.objects.create(
        grantor=grantor, grantee=grantee, declared_by=declared_by,
        valid_from=kw.get("valid_from", now - timedelta(hours=1)),
        valid_until=kw.get("valid_until", now + timedelta(days=3)),
        legal_basis="災害対策基本法に基づく相互応援協定", revoked_at=kw.get("revoked_at"),
    )


def test_acting_for_another_municipality_under_a_valid_grant(client, make_staff, muni_a, muni_b):
    staff = make_staff("minato", [(muni_b, Role.CLERK)])
    grant = _grant(muni_a, muni_b, staff)  # 港町 may act for 山あい村
    r = full_login(client, staff)
    assert r["Location"] == "/accounts/choose-municipality/"
    page = client.get("/accounts/choose-municipality/").content.decode()
    assert "山あい村（みらい県港町として代行）" in page
    r = client.post("/accounts/choose-municipality/", {"choice": f"g{grant.pk}"}, follow=True)
    html = r.content.decode()
    assert "代行中" in html and "災害対策基本法" in html
    assert client.session["jichitai_municipality_id"] == muni_a.pk
    assert client.session["jichitai_acting_municipality_id"] == muni_b.pk
    assert client.session["jichitai_grant_id"] == grant.pk


def test_grant_in_the_wrong_direction_or_expired_or_revoked_is_refused(client, make_staff, muni_a, muni_b, muni_c):
    staff = make_staff("minato", [(muni_b, Role.CLERK)])
    wrong_way = _grant(muni_b, muni_a, staff)  # 山あい村 may act for 港町, not the reverse
    expired = _grant(muni_a, muni_b, staff, valid_from=timezone.now() - timedelta(days=3),
                     valid_until=timezone.now() - timedelta(days=1))
    revoked = _grant(muni_c, muni_b, staff, revoked_at=timezone.now())
    r = full_login(client, staff)
    assert r["Location"] == "/"  # only own municipality
    for g in (wrong_way, expired, revoked):
        r = client.post("/accounts/choose-municipality/", {"choice": f"g{g.pk}"})
        assert r.status_code == 403 and NOT_ALLOWED in r.content.decode()
    assert client.session["jichitai_municipality_id"] == muni_b.pk


def test_revoked_grant_ends_the_delegated_context(client, make_staff, muni_a, muni_b):
    staff = make_staff("minato", [(muni_b, Role.CLERK)])
    grant = _grant(muni_a, muni_b, staff)
    full_login(client, staff)
    client.post("/accounts/choose-municipality/", {"choice": f"g{grant.pk}"})
    assert client.get("/").status_code == 200
    DelegationGrant.objects.filter(pk=grant.pk).update(revoked_at=timezone.now())
    assert client.get("/").status_code == 302


def test_forged_session_keys_for_another_municipality_give_no_context(client, make_staff, muni_a, muni_b):
    staff = make_staff("clerk", [(muni_a, Role.CLERK)])
    full_login(client, staff)
    s = client.session
    s["jichitai_municipality_id"] = s["jichitai_acting_municipality_id"] = muni_b.pk
    s.save()
    r = client.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session  # no role behind it: the session ends
