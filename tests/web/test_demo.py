"""The demo consortium: idempotent, valid 地方公共団体コード, printed logins that work, and an
account for every role in every member municipality so that a newcomer can try everything."""

from __future__ import annotations

import argparse
import time

import pytest

from jichitai import demo
from jichitai.accounts.capabilities import CAPABILITIES, capabilities_of, has_capability
from jichitai.accounts.models import Role, RoleGrant, Staff
from jichitai.cli.demo import _sizes, login_lines
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
    Staff.objects.filter(username="chuo.shien").update(password="md5$x$broken")
    RoleGrant.objects.filter(staff__username="minato.shien", role=Role.APPROVER).delete()
    untouched = Staff.objects.get(username="kansa").password
    again = demo.seed_demo([300, 2000, 9000])
    assert (Consortium.objects.count(), Municipality.objects.count(), Staff.objects.count(),
            RoleGrant.objects.count()) == counts
    assert Staff.objects.get(username="kenmu").failed_logins == 0
    assert Staff.objects.get(username="chuo.shien").check_password(demo.DEMO_PASSWORD)
    assert Staff.objects.get(username="kansa").password == untouched  # no needless rehash
    assert [size for _, size in again.municipalities] == [300, 2000, 9000]


def _roles_by_municipality(username: str) -> set[tuple[str, str]]:
    return set(RoleGrant.objects.filter(staff__username=username)
               .values_list("municipality__name", "role"))


def test_existing_demo_accounts_keep_their_roles(fast_demo):
    """Tests, browser tests and people's notes use these six; new accounts only add."""
    assert _roles_by_municipality("yamaai.clerk") == {("山あい村", "clerk")}
    assert _roles_by_municipality("minato.approver") == {("港町", "approver")}
    assert _roles_by_municipality("chuo.admin") == {("中央市", "municipality_admin")}
    assert _roles_by_municipality("kenmu") == {("山あい村", "clerk"), ("港町", "clerk")}
    assert _roles_by_municipality("kansa") == {(m, "auditor") for m in ("山あい村", "港町", "中央市")}
    assert _roles_by_municipality("kyogikai.admin") == {
        (m, "consortium_admin") for m in ("山あい村", "港町", "中央市")
    }


def test_every_role_and_every_capability_in_every_member_municipality(fast_demo):
    logins = [login.username for login in fast_demo.logins]
    assert sorted(logins) == sorted(s.username for s in demo.STAFF)
    staff = list(Staff.objects.filter(username__in=logins))
    for muni, _ in fast_demo.municipalities:
        roles = set(RoleGrant.objects.filter(staff__in=staff, municipality=muni)
                    .values_list("role", flat=True))
        assert roles == set(Role.values), muni.name
        caps = set().union(*(capabilities_of(s, muni.pk) for s in staff))
        assert caps == set(CAPABILITIES), muni.name


def test_support_measure_staff_can_enter_and_approve_their_cases(fast_demo):
    """Two per office: a protected person's 異動 is approved by need-to-know staff only, and never
    by the person who entered it."""
    for muni, _ in fast_demo.municipalities:
        holders = Staff.objects.filter(role_grants__municipality=muni,
                                       role_grants__role=Role.SUPPORT_MEASURE).distinct()
        assert holders.count() >= 2, muni.name
        for s in holders:
            assert {"registry.enter", "registry.approve", "registry.support_measure",
                    "registry.read"} <= capabilities_of(s, muni.pk), (muni.name, s.username)


def test_a_support_measure_case_runs_end_to_end_with_the_demo_accounts(fast_demo):
    from jichitai.registry import events, rules, support
    from jichitai.registry.models import Person
    from jichitai.tenancy.context import activate
    from jichitai.tenancy.services import own_context

    small = demo.seed_demo([3, 1, 1])
    village = small.municipalities[0][0]
    demo.populate_municipality(small, village, 3)
    shien, shien2, approver = (Staff.objects.get(username=u)
                               for u in ("yamaai.shien", "yamaai.shien2", "yamaai.approver"))
    today = rules.today()

    def as_(staff):
        return activate(own_context(village, staff_id=staff.pk, purpose="demo test"))

    with as_(shien):
        pid = Person.objects.filter(status="resident").order_by("pk").values_list("pk", flat=True)[0]
        support.start_measure(pid, start=today, reason="DV", against=[], staff=shien)
        event = events.submit_event("name_change", {"person_id": pid, "family_name": "山﨑"},
                                    effective_date=today, reported_date=None, entered_by=shien).event
    for who, rule in ((shien, "same_person"), (approver, "support_measure_approver")):
        with as_(who):
            refused = events.approve_events([event.pk], approver=who).refused[event.pk]
            assert refused.violations[0].rule == rule, who.username
    with as_(shien2):
        assert events.approve_event(event.pk, approver=shien2).status == "approved"


def test_the_largest_municipality_can_be_read_and_need_to_know_is_kept(fast_demo):
    city = next(m for m, _ in fast_demo.municipalities if m.population_class == "city")
    readers = [s.username for s in Staff.objects.filter(username__in=[x.username for x in fast_demo.logins])
               if has_capability(s, "registry.read", city.pk)]
    assert {"chuo.clerk", "chuo.approver", "chuo.mynumber", "chuo.shien"} <= set(readers)
    # 団体管理者, 監査担当 and 協議会管理者 do not read residents (capabilities.py: need to know)
    assert not {"chuo.admin", "kansa", "kyogikai.admin"} & set(readers)
    # the plain clerk and the 個人番号 clerk of one office differ only in 個人番号 (README table)
    clerk = capabilities_of(Staff.objects.get(username="chuo.clerk"), city.pk)
    my_number = capabilities_of(Staff.objects.get(username="chuo.mynumber"), city.pk)
    assert my_number - clerk == {"registry.my_number"}


def test_printed_login_lines_show_every_account_with_roles_per_municipality(fast_demo):
    import re

    row = re.compile(r"^\s+(\S+)\s+(\S+)\s+([A-Z2-7]{32})\s+(.+)$")  # as tests/browser read it
    printed = {m.group(1): m.group(4) for line in login_lines(fast_demo.logins)
               if (m := row.match(line))}
    assert set(printed) == {s.username for s in demo.STAFF}
    assert printed["kenmu"] == "山あい村:窓口担当、港町:窓口担当"
    assert printed["minato.shien"] == "港町:窓口担当・決裁者・支援措置担当"
    assert printed["yamaai.mynumber"] == "山あい村:窓口担当・個人番号利用事務担当"


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


def test_both_loaders_report_progress_with_counts_and_a_second_start_skips(fast_demo):
    small = demo.seed_demo([7, 9, 3])
    (village, _), (town, _), (city, _) = small.municipalities
    seen: dict[str, list[tuple[int, int]]] = {"events": [], "bulk": []}
    demo.populate_municipality(small, village, 7, progress=lambda d, t: seen["events"].append((d, t)))
    demo.populate_municipality(small, town, 9, bulk=True,
                               progress=lambda d, t: seen["bulk"].append((d, t)))
    assert seen["events"][-1] == (7, 7) and seen["bulk"][-1] == (9, 9)
    assert (demo.resident_count(village), demo.resident_count(town)) == (7, 9)
    loaded = demo.populate_demo(small)
    assert [stats is None for _, stats in loaded] == [True, True, False]  # filled ones skipped
    assert demo.resident_count(city) == 3
