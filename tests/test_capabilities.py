"""Generated capability suite: every URL route and every API operation × every role × three
situations, checked against the one capability table (``accounts.capabilities``).

Situations (the data is always municipality A's):

* ``own``: the role is held in A and the session acts for A;
* ``other``: the role is held only in B and the session is tampered to act for A: no
  TenantContext at all (web: redirect to login / the municipality selector; API: 401);
* ``delegated``: the role is held in B and B acts for A under a valid 代行 grant: the roles of
  the ACTING municipality (B) count.

Allowed = past the guard (not 401/403, not sent to login or the selector, never 5xx; a GET
screen answers 200). Refused = 403 (web: the Japanese error page; API: ``forbidden``).

A route that declares no capability fails ``test_every_route_declares_a_capability_or_is_not_tenant_work``
unless it is listed, with its reason, in ``NOT_TENANT_WORK``. API operations come from the
permission table and the OpenAPI document, so a new endpoint cannot be missed either.

Users, grants and sessions are made once for the module (one outer transaction, rolled back at
the end); each case runs in its own savepoint with a fresh client carrying a stored session key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone

from jichitai.accounts.capabilities import CAPABILITIES, roles_for
from jichitai.accounts.models import Role
from jichitai.api.permissions import ENDPOINT_CAPABILITY, EXTRA_CAPABILITY
from jichitai.api.v1 import api
from jichitai.tenancy.context import TenantContext, activate
from tests.conftest import rolled_back_after

ROLES: tuple[str, ...] = tuple(Role.values)
SITUATIONS = ("own", "other", "delegated")
MARKER = "権能確認"  # the family name of A's residents: must never reach a refused staff member
MARKER_SUPPORT = "CAPSUPPORT"  # the person under 支援措置 (factory row)
A_NAME, B_NAME = "権能甲村", "権能乙町"

# Routes that are not tenant work: they declare no capability on purpose. Each one says why.
NOT_TENANT_WORK: dict[str, str] = {
    "verify:certificate": "証明書の照合 (public): answers from the code alone, no personal data",
    "verify:index": "証明書の照合 (public): the form to type a code, leads to verify:certificate",
    "accounts:login": "ログイン (password): before any municipality is chosen",
    "accounts:second_factor": "二要素認証: before any municipality is chosen",
    "accounts:choose_municipality": "団体の選択: lists only the staff member's own choices and grants",
    "accounts:logout": "ログアウト",
    "accounts:devices": "the staff member's own second-factor devices (verified_required)",
    "accounts:totp_add": "enrol an authenticator app for oneself (verified_required)",
    "accounts:security_key_add": "enrol a security key for oneself (verified_required)",
    "accounts:device_remove": "remove one's own device (verified_required)",
    "accounts:password_change": "one's own password (verified_required; [1380]#3)",
    "web:help": "オンラインヘルプ ([1400]#2): static text, no tenant data",
    "web:screen_print": "画面の印刷 ([1420]#5): logs the print of a screen the staff member already sees (tenant_required; no data returned)",
    "web:home": "ホーム: the chosen municipality and one's own roles, no resident data (tenant_required)",
    "api:openapi-json": "the API's OpenAPI document (rights published as x-required-capability)",
    "api:openapi-view": "Swagger UI of the API",
    "api:api-root": "django-ninja's root route of /api/v1/: serves nothing",
}

# Web routes that declare a capability: the methods to try (GET for screens, POST for writes) and
# the capability the route must declare (a change of a route's rights is a change of this table).
WEB_ROUTES: dict[str, tuple[tuple[str, ...], str]] = {
    "registry:search": (("get",), "registry.read"),
    "tax:person": (("get",), "tax.manage"),
    "tax:person_enter": (("post",), "tax.manage"),
    "seals:index": (("get",), "seals.manage"),
    "seals:register": (("get", "post"), "seals.manage"),
    "seals:abolish": (("post",), "seals.manage"),
    "seals:lost": (("post",), "seals.manage"),
    "seals:change": (("post",), "seals.manage"),
    "certificates:counter": (("get",), "certificates.issue"),
    "certificates:issue": (("post",), "certificates.issue"),
    "certificates:preview": (("post",), "certificates.issue"),
    "certificates:history": (("get",), "certificates.issue"),
    "certificates:dispose": (("post",), "certificates.issue"),
    "certificates:history_search": (("get",), "certificates.issue"),
    "certificates:ledger": (("get",), "certificates.ledger"),
    "certificates:ledger_csv": (("get",), "certificates.ledger"),
    "certificates:fees": (("get", "post"), "certificates.fees"),
    "certificates:authority": (("get",), "certificates.authority"),
    "certificates:authority_add": (("post",), "certificates.authority"),
    "certificates:authority_end": (("post",), "certificates.authority"),
    "certificates:seal_upload": (("post",), "certificates.authority"),
    "certificates:issuer_choice": (("post",), "certificates.authority"),
    "certificates:overflow": (("get",), "certificates.issue"),
    "certificates:intake": (("get", "post"), "certificates.issue"),
    "certificates:overflow_check": (("post",), "certificates.issue"),
    "registry:person": (("get",), "registry.read"),
    "registry:person_my_number": (("post",), "registry.my_number"),
    "registry:household": (("get",), "registry.read"),
    "registry:removed_search": (("get",), "registry.read"),
    "registry:batch": (("get",), "registry.batch"),
    "registry:batch_job": (("get", "post"), "registry.batch"),
    "registry:batch_schedule": (("post",), "registry.batch"),
    "registry:batch_schedule_stop": (("post",), "registry.batch"),
    "registry:batch_runs": (("get",), "registry.batch"),
    "registry:batch_run": (("get",), "registry.batch"),
    "registry:batch_run_file": (("get",), "registry.batch"),
    "registry:person_moji": (("get",), "registry.read"),
    "registry:moji": (("get",), "registry.read"),
    "registry:moji_pick": (("get",), "registry.read"),
    "registry:person_records": (("get",), "registry.read"),
    "registry:person_records_post": (("post",), "registry.enter"),
    "registry:workstation": (("get", "post"), "registry.read"),
    "registry:addresses": (("get",), "registry.read"),
    "registry:address_pick": (("get",), "registry.read"),
    "registry:event_menu": (("get",), "registry.enter"),
    "registry:event_form": (("get", "post"), "registry.enter"),
    "registry:koseki_intake": (("get", "post"), "registry.enter"),
    "registry:csv_intake": (("get", "post"), "registry.enter"),
    "registry:person_row": (("get",), "registry.enter"),
    "registry:katagaki_pick": (("get",), "registry.enter"),
    "registry:approvals": (("get",), "registry.approve"),
    "registry:approve_bulk": (("post",), "registry.approve"),
    "registry:approve": (("post",), "registry.approve"),
    "registry:reject": (("post",), "registry.approve"),
    "registry:support": (("get", "post"), "registry.support_measure"),
    "registry:support_extend": (("post",), "registry.support_manage"),
    "registry:support_end": (("post",), "registry.support_manage"),
    "registry:support_detail": (("get",), "registry.support_measure"),
    "registry:support_update": (("post",), "registry.support_manage"),
    "registry:holds": (("get", "post"), "registry.hold_set"),
    "registry:euc": (("get",), "registry.euc"),
    "registry:euc_run": (("post",), "registry.euc"),
    "registry:euc_batch": (("post",), "registry.euc"),
    "registry:euc_batches": (("get",), "registry.euc"),
    "registry:euc_batch_file": (("post",), "registry.euc"),
    "registry:euc_logs": (("get",), "audit.search"),
    "registry:euc_logs_run": (("post",), "audit.search"),
    "registry:hold_release": (("post",), "registry.hold_release"),
    "registry:hold_temporary": (("post",), "registry.hold_temporary_release"),
    "registry:not_arrived": (("get",), "registry.read"),
    "registry:not_arrived_csv": (("get",), "registry.read"),
    "registry:approve_all": (("post",), "registry.approve"),
    "registry:provisional_list": (("get",), "registry.enter"),
    "registry:bulk_entry": (("get", "post"), "registry.enter"),
    "registry:entry_sheet": (("get",), "registry.enter"),
    "registry:withdraw": (("post",), "registry.enter"),
    "registry:receipt_notice": (("get",), "registry.enter"),
    # 通知書の印刷 (issue 12): the PDF of the document a screen shows, and the 支援措置期間終了通知
    "registry:receipt_notice_pdf": (("post",), "registry.enter"),
    "registry:entry_sheet_pdf": (("post",), "registry.enter"),
    "registry:resident_code_notices_pdf": (("post",), "registry.enter"),
    "registry:inquiry_pdf": (("post",), "registry.enter"),
    "registry:inquiries_pdf": (("post",), "registry.enter"),
    "registry:support_notice_pdf": (("post",), "registry.support_manage"),
    "registry:support_start_notice_pdf": (("post",), "registry.support_manage"),
    "registry:support_ending": (("get",), "registry.support_manage"),
    "registry:support_ending_pdf": (("post",), "registry.support_manage"),
    "registry:statistics": (("get",), "registry.statistics"),
    "registry:statistics_csv": (("get",), "registry.statistics"),
    "registry:statistics_xlsx": (("get",), "registry.statistics"),
    "audit:search": (("get",), "audit.search"),
    "audit:reports": (("get",), "audit.search"),
    "audit:report_csv": (("get",), "audit.search"),
    "staff:list": (("get",), "accounts.manage_staff"),
    "staff:create": (("get", "post"), "accounts.manage_staff"),
    "staff:bulk": (("get", "post"), "accounts.manage_staff"),
    "staff:grants_csv": (("get",), "accounts.manage_staff"),
    "staff:capabilities": (("get",), "accounts.manage_staff"),
    "staff:detail": (("get",), "accounts.manage_staff"),
    "staff:edit": (("post",), "accounts.manage_staff"),
    "staff:active": (("post",), "accounts.manage_staff"),
    "staff:grant": (("post",), "accounts.manage_staff"),
    "staff:revoke": (("post",), "accounts.manage_staff"),
    "staff:display": (("post",), "accounts.set_rights"),
    "staff:operations": (("post",), "accounts.set_rights"),
    "staff:password_reset": (("post",), "accounts.manage_staff"),
    "staff:factor_reset": (("post",), "accounts.manage_staff"),
    "migration:index": (("get", "post"), "migration.run"),
    "migration:run": (("post",), "migration.run"),
    "migration:line": (("get",), "migration.run"),
    "migration:reconciliation_pdf": (("get",), "migration.run"),
    "migration:gaiji_worklist": (("get",), "migration.run"),
    # 災害宣言・代行の記録・縮退運転 (issue 14): administrators of the stricken municipality only
    "continuity:index": (("get",), "continuity.manage"),
    "continuity:declare": (("get", "post"), "continuity.manage"),
    "continuity:detail": (("get",), "continuity.manage"),
    "continuity:report_csv": (("get",), "continuity.manage"),
    "continuity:extend": (("post",), "continuity.manage"),
    "continuity:end": (("post",), "continuity.manage"),
    "continuity:revoke": (("post",), "continuity.manage"),
    "continuity:degraded": (("get", "post"), "continuity.manage"),
    "continuity:replication": (("get",), "continuity.manage"),
}

# Capabilities that a 代行 grant does not lend: the table says so (docs/audit.md: auditing is not
# 代行 business).
NOT_DELEGATED = frozenset(name for name, c in CAPABILITIES.items() if not c.delegable)


def allowed(role: str, situation: str, capabilities: frozenset[str] | set[str]) -> bool:
    """The expectation, from the capability table alone."""
    if situation == "other":
        return False
    if situation == "delegated" and capabilities & NOT_DELEGATED:
        return False
    return all(role in roles_for(c) for c in capabilities)


# ---- the routes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespace:name
    pattern: str
    params: tuple[str, ...]
    callback: Any

    @property
    def capability(self) -> str | None:
        return getattr(self.callback, "capability", None)

    @property
    def operation(self) -> str | None:
        """The API operation id of an /api/ route (django-ninja names its routes by them)."""
        op = self.name.removeprefix("api:")
        return op if self.name.startswith("api:") and op in ENDPOINT_CAPABILITY else None


def _walk(resolver: URLResolver | None = None, prefix: str = "", ns: str = "") -> list[Route]:
    resolver = resolver or get_resolver()
    out: list[Route] = []
    for p in resolver.url_patterns:
        pattern = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            out.extend(_walk(p, pattern, f"{ns}:{p.namespace}".strip(":") if p.namespace else ns))
        elif isinstance(p, URLPattern):
            params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", pattern))
            out.append(Route(f"{ns}:{p.name}".strip(":"), pattern, params, p.callback))
    return out


ROUTES = _walk()
API_ROUTES = [r for r in ROUTES if r.name.startswith("api:")]
WEB_CAPABILITY_ROUTES = [r for r in ROUTES if r.capability is not None]
ALLOWLISTED = [r for r in ROUTES if r.name in NOT_TENANT_WORK]


def _openapi_operations(schema: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """operation id → (method, path) from an OpenAPI document."""
    return {op["operationId"]: (method, path) for path, item in schema["paths"].items()
            for method, op in item.items()}


OPERATIONS = _openapi_operations(api.get_openapi_schema())
# Extra capabilities asked by a query parameter: the operation and the query that asks.
EXTRA_REQUESTS: dict[str, tuple[str, str]] = {"show_my_number": ("get_person", "show_my_number=1")}


def test_every_route_declares_a_capability_or_is_not_tenant_work() -> None:
    assert ROUTES and WEB_CAPABILITY_ROUTES and API_ROUTES
    undeclared = [
        f"{r.name} ({r.pattern})" for r in ROUTES
        if r.capability is None and r.operation is None and r.name not in NOT_TENANT_WORK
    ]
    assert not undeclared, (
        "declare a capability (@requires_capability) on these routes, or list them in "
        f"NOT_TENANT_WORK with the reason: {undeclared}"
    )
    both = [r.name for r in ROUTES if r.name in NOT_TENANT_WORK and (
        r.capability is not None or r.operation is not None)]
    assert not both, f"routes with a capability must not be allowlisted: {both}"
    assert set(NOT_TENANT_WORK) <= {r.name for r in ROUTES}, "stale NOT_TENANT_WORK entries"


def test_declared_capabilities_are_the_expected_ones() -> None:
    declared = {r.name: r.capability for r in WEB_CAPABILITY_ROUTES}
    assert declared == {name: cap for name, (_, cap) in WEB_ROUTES.items()}, (
        "a route's capability changed or a route is new: update WEB_ROUTES (method and capability)"
    )
    assert all(cap in CAPABILITIES for cap in declared.values())


def test_every_api_operation_is_in_the_table_and_the_openapi_document(client: Client, db: None) -> None:
    doc = client.get("/api/v1/openapi.json")
    assert doc.status_code == 200
    served = _openapi_operations(doc.json())
    assert served == OPERATIONS, "the served OpenAPI document differs from the one the cases were made from"
    assert set(served) == set(ENDPOINT_CAPABILITY), "declare every endpoint in ENDPOINT_CAPABILITY (and only those)"
    assert {r.operation for r in API_ROUTES if r.name not in NOT_TENANT_WORK} == set(ENDPOINT_CAPABILITY)
    for op, (method, path) in served.items():
        entry = doc.json()["paths"][path][method]
        assert entry["x-required-capability"] == ENDPOINT_CAPABILITY[op], op
        assert set(entry["x-required-roles"]) == roles_for(ENDPOINT_CAPABILITY[op]), op
    assert set(EXTRA_REQUESTS) == set(EXTRA_CAPABILITY)


# ---- the module's world: A's data, and one session per role × situation ----------------------


@dataclass
class World:
    a: Any
    b: Any
    ids: dict[str, Any]  # path parameter → value
    sessions: dict[tuple[str, str], str] = field(default_factory=dict)  # (role, situation) → session key

    def client(self, role: str, situation: str) -> Client:
        c = Client()
        c.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[(role, situation)]
        return c


def _ctx(m: Any) -> TenantContext:
    return TenantContext(municipality_id=m.pk, acting_municipality_id=m.pk, purpose="test")


def _municipality(consortium: Any, first5: str, name: str) -> Any:
    from jichitai.codes import municipality_code_check_digit
    from jichitai.tenancy.models import Municipality

    return Municipality.objects.create(
        consortium=consortium, code=first5 + str(municipality_code_check_digit(first5)), name=name,
        kana="ケンノウ", prefecture="テスト県", population_class="village",
    )


def _session(staff: Any, municipality: Any, acting: Any, grant: Any = None) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff, name="test", confirmed=True)
    c = Client()
    c.force_login(staff)
    s = c.session
    s["otp_device_id"] = device.persistent_id
    s["jichitai_municipality_id"] = municipality.pk
    s["jichitai_acting_municipality_id"] = acting.pk
    if grant is not None:
        s["jichitai_grant_id"] = grant.pk
    s.save()
    return s.session_key


def _build() -> World:
    from jichitai.accounts.models import RoleGrant, Staff
    from jichitai.registry import events
    from jichitai.tenancy.models import Consortium, DelegationGrant

    from .isolation_factories import FACTORIES
    from .registry.conftest import _office, move_in_family

    consortium = Consortium.objects.create(code="cap-test", name="権能試験協議会")
    a = _municipality(consortium, "99851", A_NAME)
    b = _municipality(consortium, "99852", B_NAME)
    office = _office(a, "cap")
    with activate(office.ctx()):
        move_in_family(office, family=MARKER)
        from jichitai.registry.models import Person

        head = Person.objects.for_read(screen="テスト").filter(family_name=MARKER).order_by("pk").first()
        event = events.submit_event(
            "name_change", {"person_id": head.pk, "family_name": MARKER + "改", "family_name_kana": "ケンノウ"},
            effective_date=dt.date(2024, 1, 10), reported_date=dt.date(2024, 1, 10), entered_by=office.clerk,
        ).event
    with activate(_ctx(a)):
        measure = FACTORIES["registry.SupportMeasure"](MARKER_SUPPORT)
        hold = FACTORIES["registry.Hold"](MARKER + "抑止")
        run_file = FACTORIES["jobs.RunFile"](MARKER)
        schedule = FACTORIES["jobs.Schedule"](MARKER)
    now = timezone.now()
    with activate(_ctx(a)):
        declaration = FACTORIES["tenancy.DisasterDeclaration"]("災害宣言試験")
    grant = DelegationGrant.objects.create(
        grantor=a, grantee=b, valid_from=now - dt.timedelta(hours=1), valid_until=now + dt.timedelta(days=1),
        legal_basis="災害時相互応援協定", declared_by=office.approver,
    )
    target = Staff.objects.create(username="cap-target", consortium=consortium, home_municipality=a,
                                  display_name="権能 対象")
    target_grant = RoleGrant.objects.create(staff=target, municipality=a, role="clerk")
    world = World(a, b, {
        "person_id": head.pk, "household_id": head.household_id, "event_id": event.pk,
        "measure_id": measure.pk, "hold_id": hold.pk, "kind": "move_in", "pk": 999999, "history_id": 999999, "entry_id": 999999,
        "staff_id": target.pk, "grant_id": target_grant.pk, "topic": "person", "report": "off_hours",
        "job": "registry.removed_archive", "schedule_id": schedule.pk, "run_id": run_file.run_id, "file_id": run_file.pk,
        "code": "ABCD-EFGH-IJKL-MNOP",  # verify:certificate (an unknown code: 404)
        "token": _migration_upload(a), "file_no": 0, "line": 2,  # migration:run, migration:line
        "batch_id": 999999,  # registry:euc_batch_file (none: 404 where allowed)
        "declaration_id": declaration.pk,  # continuity:detail and its changes
    })
    for role in ROLES:
        for situation in SITUATIONS:
            staff = Staff.objects.create(username=f"cap-{situation}-{role}", consortium=consortium,
                                         display_name=f"権能 {situation}")
            holder = a if situation == "own" else b
            RoleGrant.objects.create(staff=staff, municipality=holder, role=role)
            if situation == "delegated":
                key = _session(staff, a, b, grant)
            else:
                key = _session(staff, a, a)  # "other": tampered to act for A without a role there
            world.sessions[(role, situation)] = key
    return world


def _migration_upload(m: Any) -> str:
    """A データ移行 upload of municipality ``m`` (one file: a header and one row)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jichitai.web.migration import uploads

    content = "宛名番号,氏_日本人,名_日本人\r\n000000010006,山田,花子\r\n".encode()
    upload = uploads.save(m.code, [SimpleUploadedFile("jumin.csv", content)], None,
                          layout="kihon-1.0-jumin", encoding="")
    return upload.token


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module and rolled back after it."""
    with rolled_back_after(django_db_blocker):
        yield _build()


# ---- helpers --------------------------------------------------------------------------------


def _fill(template: str, ids: dict[str, Any], style: str) -> str:
    """A concrete path: ``<conv:name>`` (Django) or ``{name}`` (OpenAPI) filled from ``ids``."""
    rx = r"<(?:\w+:)?(\w+)>" if style == "django" else r"\{(\w+)\}"

    def value(m: re.Match[str]) -> str:
        name = m.group(1)
        assert name in ids, f"no value for path parameter {name!r}: add it to the World ids"
        return str(ids[name])

    path = re.sub(rx, value, template)
    return path if path.startswith("/") else "/" + path


def _sent_away(resp: Any) -> bool:
    """Redirected to the login or to the municipality selector (no TenantContext)."""
    location = resp.get("Location", "") if resp.status_code in (301, 302, 303) else ""
    return location.startswith(("/accounts/login/", "/accounts/choose-municipality/"))


def _body(resp: Any) -> str:
    return (b"".join(resp) if getattr(resp, "streaming", False) else resp.content).decode("utf-8", "replace")


def _web_cases() -> list[Any]:
    cases = []
    for r in WEB_CAPABILITY_ROUTES:
        methods = WEB_ROUTES.get(r.name, (("undeclared",), ""))[0]
        for method in methods:
            for role in ROLES:
                for situation in SITUATIONS:
                    cases.append(pytest.param(r, method, role, situation,
                                              id=f"{r.name}-{method}-{role}-{situation}"))
    return cases


def _api_cases() -> list[Any]:
    cases = []
    for op in sorted(OPERATIONS):
        for role in ROLES:
            for situation in SITUATIONS:
                cases.append(pytest.param(op, "", role, situation, id=f"api:{op}-{role}-{situation}"))
    for extra, (op, _) in sorted(EXTRA_REQUESTS.items()):
        for role in ROLES:
            for situation in SITUATIONS:
                cases.append(pytest.param(op, extra, role, situation, id=f"api:{op}+{extra}-{role}-{situation}"))
    return cases


# Bodies and queries that make a well-formed request; an operation not listed gets ``{}``.
API_BODIES: dict[str, Any] = {
    "approve_events": lambda ids: {"event_ids": [ids["event_id"]]},
    "reject_event": lambda ids: {"reason": "書類不備"},
}
API_QUERIES: dict[str, str] = {"search_persons": "name=" + MARKER}


def api_call(client: Client, op: str, ids: dict[str, Any], extra_query: str = "", key: str = "cap-1") -> Any:
    method, template = OPERATIONS[op]
    path = _fill(template, ids, "openapi")
    query = "&".join(q for q in (API_QUERIES.get(op, ""), extra_query) if q)
    if query:
        path += "?" + query
    if method == "get":
        return client.get(path)
    body = API_BODIES[op](ids) if op in API_BODIES else {}
    return getattr(client, method)(path, body, content_type="application/json", headers={"Idempotency-Key": key})


@contextmanager
def undone() -> Iterator[None]:
    """Whatever the request changed (session included) is rolled back after it."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# GET screens that need a query to be meaningful (without it they answer 400, a clear error)
WEB_QUERIES = {"registry:address_pick": "target=f-previous_address"}


def web_call(client: Client, route: Route, method: str, ids: dict[str, Any]) -> Any:
    path = _fill(route.pattern, ids, "django")
    if method == "get" and route.name in WEB_QUERIES:
        path += "?" + WEB_QUERIES[route.name]
    return client.get(path) if method == "get" else client.post(path, {})


# ---- the matrix -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method", "role", "situation"), _web_cases())
def test_web_route(route: Route, method: str, role: str, situation: str, world: World) -> None:
    assert route.name in WEB_ROUTES, f"{route.name}: add the route to WEB_ROUTES with its method"
    resp = web_call(world.client(role, situation), route, method, world.ids)
    what = f"{method.upper()} {route.pattern} as {role} ({situation})"
    assert resp.status_code < 500, f"{what} -> {resp.status_code}"
    if allowed(role, situation, {route.capability}):
        assert resp.status_code not in (401, 403) and not _sent_away(resp), f"{what} refused: {resp.status_code}"
        if method == "get":
            assert resp.status_code == 200, f"{what} -> {resp.status_code}"
    elif situation == "other":
        assert _sent_away(resp), f"{what} got past the guard without a context: {resp.status_code}"
        assert MARKER not in _body(resp) and A_NAME not in _body(resp)
    else:
        assert resp.status_code == 403, f"{what} -> {resp.status_code}, expected 403"
        assert "権限がありません" in _body(resp), f"{what}: not the Japanese error page"
        assert MARKER not in _body(resp)


@pytest.mark.django_db
@pytest.mark.parametrize(("op", "extra", "role", "situation"), _api_cases())
def test_api_operation(op: str, extra: str, role: str, situation: str, world: World) -> None:
    capabilities = {ENDPOINT_CAPABILITY[op]} | ({EXTRA_CAPABILITY[extra]} if extra else set())
    resp = api_call(world.client(role, situation), op, world.ids, EXTRA_REQUESTS[extra][1] if extra else "")
    what = f"{op}{'+' + extra if extra else ''} as {role} ({situation})"
    assert resp.status_code < 500, f"{what} -> {resp.status_code}"
    assert resp["Content-Type"].startswith("application/json"), what
    if allowed(role, situation, capabilities):
        assert resp.status_code not in (401, 403), f"{what} refused: {resp.json()}"
        if OPERATIONS[op][0] == "get":
            assert resp.status_code == 200, f"{what} -> {resp.status_code} {resp.json()}"
        return
    errors = resp.json()["errors"]
    if situation == "other":
        assert resp.status_code == 401 and errors[0]["rule"] == "unauthenticated", f"{what} -> {resp.status_code}"
    else:
        assert resp.status_code == 403 and errors[0]["rule"] == "forbidden", f"{what} -> {resp.status_code}"
        assert "権限がありません" in errors[0]["message"]
    assert MARKER not in _body(resp)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ALLOWLISTED, ids=[r.name for r in ALLOWLISTED])
def test_routes_outside_tenant_work_never_fail_or_leak(route: Route, world: World) -> None:
    """No capability, so no matrix: never a 5xx, and nothing of A for a session without A."""
    for role in ROLES:
        for situation in SITUATIONS:
            for method in ("get", "post"):
                with undone():  # a POST to logout / login ends the stored session
                    resp = web_call(world.client(role, situation), route, method, world.ids)
                what = f"{method.upper()} {route.pattern} as {role} ({situation})"
                assert resp.status_code < 500, f"{what} -> {resp.status_code}"
                body = _body(resp)
                assert MARKER not in body and MARKER_SUPPORT not in body, f"{what} shows resident data"
                if route.name == "web:home" and situation == "other":  # tenant_required
                    assert _sent_away(resp) and A_NAME not in body, f"{what} -> {resp.status_code}"


# ---- navigation: a link iff its target may be opened -----------------------------------------

SHELL_LINKS = {"/registry/": "registry:search", "/audit/": "audit:search"}
REGISTRY_LINKS = {"/registry/": "registry:search", "/registry/events/new/": "registry:event_menu",
                  "/registry/approvals/": "registry:approvals", "/registry/support/": "registry:support"}


def _nav_links(html: str, css_class: str) -> set[str]:
    block = re.search(rf'<nav class="{css_class}".*?</nav>', html, re.S)
    return set(re.findall(r'href="([^"?#]+)', block.group(0))) if block else set()


def _route_capability(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        pytest.fail(f"the navigation links to {path}, which is no route")
    return getattr(match.func, "capability", None)


@pytest.mark.django_db
@pytest.mark.parametrize("situation", ["own", "delegated"])
@pytest.mark.parametrize("role", ROLES)
def test_navigation_shows_a_link_iff_its_capability_is_held(role: str, situation: str, world: World) -> None:
    client = world.client(role, situation)
    home = client.get("/")
    assert home.status_code == 200
    shell = _nav_links(_body(home), "site-nav")
    assert shell, "the shell's navigation is missing"
    for href, name in SHELL_LINKS.items():
        expected = allowed(role, situation, {WEB_ROUTES[name][1]})
        assert (href in shell) == expected, f"shell link {href} for {role} ({situation}): expected {expected}"
    for href in shell:  # every link the shell shows leads to a screen the staff member may open
        cap = _route_capability(href)
        assert cap is None or allowed(role, situation, {cap}), f"shell links {href} ({cap}) for {role}"

    page = client.get("/registry/")
    if not allowed(role, situation, {"registry.read"}):
        assert page.status_code == 403 and 'class="registry-nav"' not in _body(page)
        return
    assert page.status_code == 200
    links = _nav_links(_body(page), "registry-nav")
    for href, name in REGISTRY_LINKS.items():
        expected = allowed(role, situation, {WEB_ROUTES[name][1]})
        assert (href in links) == expected, f"registry link {href} for {role} ({situation}): expected {expected}"
    for href in links:
        cap = _route_capability(href)
        assert cap is not None and allowed(role, situation, {cap}), f"registry nav links {href} for {role}"


# ---- 団体管理者: no resident data from any entry point ------------------------------------------


@pytest.mark.django_db
def test_municipality_admin_gets_no_resident_data_from_any_entry_point(world: World) -> None:
    from jichitai.audit.models import AuditEntry

    assert Role.MUNICIPALITY_ADMIN.value not in set().union(
        *(c.roles for n, c in CAPABILITIES.items() if n.startswith("registry."))
    ), "団体管理者 must hold no register capability (need to know)"

    def reads() -> int:
        with activate(_ctx(world.a)):
            return AuditEntry.objects.filter(category="read").count()

    before = reads()
    admin = Role.MUNICIPALITY_ADMIN.value
    client = world.client(admin, "own")
    seen: list[tuple[str, int, str]] = []
    for route in ROUTES:
        if route.operation is not None:
            continue  # the API operations: below
        for method in ("get", "post"):
            with undone():  # a POST to logout / login ends the session: a fresh client each time
                resp = web_call(world.client(admin, "own"), route, method, world.ids)
            seen.append((f"{method.upper()} {route.pattern}", resp.status_code, _body(resp)))
            if route.capability is not None and admin not in roles_for(route.capability):
                # 職員管理 (accounts.manage_staff) is theirs: it shows staff, never residents
                assert resp.status_code in (403, 405), (route.name, method, resp.status_code)
    for path in (f"/registry/?name={MARKER}", f"/registry/?name={MARKER}&page=2",
                 f"/registry/events/new/death/?household={world.ids['household_id']}",
                 f"/registry/support/?person_id={world.ids['person_id']}"):
        resp = client.get(path)
        seen.append((path, resp.status_code, _body(resp)))
        assert resp.status_code == 403, (path, resp.status_code)
    for op in sorted(OPERATIONS):
        for extra in ("", "show_my_number=1"):
            resp = api_call(client, op, world.ids, extra)
            seen.append((op + extra, resp.status_code, _body(resp)))
            assert resp.status_code == 403 and resp.json()["errors"][0]["rule"] == "forbidden", (op, resp.status_code)
    for what, status, body in seen:
        assert status < 500, (what, status)
        assert MARKER not in body and MARKER_SUPPORT not in body, f"{what} showed resident data to 団体管理者"
    assert reads() == before, "a read of resident data was logged for 団体管理者"
