"""Auditor search: by person, staff, time and category; auditors only; own municipality only;
and every search is itself logged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from jichitai.audit.models import AuditEntry
from jichitai.audit.recording import record, record_read
from jichitai.audit.search import NotAnAuditor, SearchCriteria, search
from jichitai.tenancy.context import TenantContext, activate

from .conftest import ctx

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tenants: Any, staff_factory: Any) -> dict[str, Any]:
    clerk_a = staff_factory("clerk-a", tenants.a, "clerk")
    auditor_a = staff_factory("auditor-a", tenants.a, "auditor")
    clerk_b = staff_factory("clerk-b", tenants.b, "clerk")
    with activate(ctx(tenants.a, staff_id=clerk_a.pk)):
        record_read("person", [101, 102], screen="住民照会")
        record("print", "printed", subject_type="person", subject_id=101, screen="証明書発行")
    with activate(ctx(tenants.b, staff_id=clerk_b.pk)):
        record_read("person", [101], screen="乙町の住民照会")  # same id, other municipality
    return {"clerk_a": clerk_a, "auditor_a": auditor_a, "clerk_b": clerk_b}


def test_auditor_finds_every_access_to_a_person_in_own_municipality_only(tenants: Any, people: Any) -> None:
    with activate(ctx(tenants.a, staff_id=people["auditor_a"].pk)):
        page = search(SearchCriteria(subject_type="person", subject_id="101"))
    assert page.total == 2
    assert [(r.entry.category, r.entry.screen) for r in page.rows] == [("print", "証明書発行"), ("read", "住民照会")]
    assert all(r.entry.municipality_id == tenants.a.pk for r in page.rows)
    assert "clerk-a が person 101 を閲覧" in page.rows[1].message


def test_search_by_staff_time_and_category_with_pages(tenants: Any, people: Any) -> None:
    now = timezone.now()
    with activate(ctx(tenants.a, staff_id=people["auditor_a"].pk)):
        assert search(SearchCriteria(username="clerk-a", category="read")).total == 2
        assert search(SearchCriteria(since=now + timedelta(hours=1))).total == 0
        assert search(SearchCriteria(until=now - timedelta(hours=1))).total == 0
        p2 = search(SearchCriteria(username="clerk-a"), page=2, per_page=2)
        assert (p2.number, p2.num_pages, p2.total, p2.has_previous, p2.has_next) == (2, 2, 3, True, False)


def test_the_search_itself_is_logged(tenants: Any, people: Any) -> None:
    with activate(ctx(tenants.a, staff_id=people["auditor_a"].pk)):
        search(SearchCriteria(subject_id="101"))
        [e] = AuditEntry.objects.filter(action="audit_search")
    assert (e.username, e.subject_id, e.detail["count"]) == ("auditor-a", "101", 2)


def test_only_auditors_of_the_acting_municipality_may_search(tenants: Any, people: Any) -> None:
    with activate(ctx(tenants.a, staff_id=people["clerk_a"].pk)), pytest.raises(NotAnAuditor):
        search(SearchCriteria())
    with activate(ctx(tenants.b, staff_id=people["auditor_a"].pk)), pytest.raises(NotAnAuditor):
        search(SearchCriteria())  # auditor in A, not in B


def test_an_auditor_acting_under_a_delegation_grant_may_not_search(tenants: Any, people: Any, staff_factory: Any) -> None:
    from jichitai.tenancy.models import DelegationGrant

    auditor_b = staff_factory("auditor-b", tenants.b, "auditor")
    now = timezone.now()
    grant = DelegationGrant.objects.create(
        grantor=tenants.a, grantee=tenants.b, valid_from=now - timedelta(hours=1),
        valid_until=now + timedelta(days=1), legal_basis="災害時相互応援協定", declared_by=auditor_b,
    )
    dctx = TenantContext(municipality_id=tenants.a.pk, acting_municipality_id=tenants.b.pk,
                         staff_id=auditor_b.pk, grant_id=grant.pk)
    with activate(dctx), pytest.raises(NotAnAuditor):
        search(SearchCriteria())


# ---- the screen ------------------------------------------------------------------------------


def _login(client: Any, staff: Any, municipality: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff, name="test", confirmed=True)
    client.force_login(staff)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session["jichitai_acting_municipality_id"] = municipality.pk
    session["jichitai_municipality_id"] = municipality.pk
    session.save()


def test_search_screen_in_japanese_shows_own_entries_only(client: Any, tenants: Any, people: Any) -> None:
    _login(client, people["auditor_a"], tenants.a)
    resp = client.get("/audit/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "監査ログ検索" in body and '<label for="id_subject_id">' in body
    resp = client.get("/audit/", {"subject_id": "101", "subject_type": "person", "username": "",
                                  "since": "", "until": "", "category": ""})
    body = resp.content.decode()
    assert resp.status_code == 200 and "検索結果（2 件）" in body
    assert "証明書発行" in body and "乙町の住民照会" not in body and tenants.b.name not in body


def test_search_screen_rejects_a_bad_range_in_japanese(client: Any, tenants: Any, people: Any) -> None:
    _login(client, people["auditor_a"], tenants.a)
    resp = client.get("/audit/", {"since": "2030-01-02", "until": "2030-01-01"})
    assert "開始日は終了日以前" in resp.content.decode()


def test_search_screen_is_forbidden_to_a_clerk(client: Any, tenants: Any, people: Any) -> None:
    _login(client, people["clerk_a"], tenants.a)
    assert client.get("/audit/").status_code == 403


def test_search_screen_sends_anonymous_users_to_login(client: Any, db: None) -> None:
    resp = client.get("/audit/")
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
