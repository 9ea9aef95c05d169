"""The load test's world: a consortium, its residents, its staff and one logged-in session each.

Runs in the benchmark's own process against the throwaway server, before the application starts:

- a consortium with one 市 of ``--residents`` residents and two small ones (町, 村), each filled
  with ``jichitai.importer.load_bulk`` (the same code path as ``bench/registry``), then analysed;
- ``--users`` clerks and ``--approvers`` approvers, shared out over the municipalities by
  population (largest remainder; each municipality gets at least one approver). Every clerk
  belongs to one approver's group (係), shown in its display name (``窓口 G03-0123``), so that
  an approver picks its own group's entries from the queue and two approvers do not race for
  the same event;
- one session per simulated user, made server-side by Django's own ``login`` and
  ``django_otp.login`` (password and TOTP verified = what the login screen stores), with the
  municipality chosen. A real login through the screens (password + TOTP code) is checked
  separately against the running server (:func:`login_probe`).

Nothing here measures; it never touches a database other than the one in ``os.environ``.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from typing import Any

BIG = ("472492", "ベンチ市", "ベンチシ", "city")  # 市 (city part 200-249): room for 2**20 residents
SMALL = (("473618", "ベンチ町", "ベンチチョウ", "town"), ("473626", "ベンチ村", "ベンチムラ", "village"))
PASSWORD = "load-test-password-2026"  # synthetic accounts on a throwaway server only
PROBE_USER = "load.login.probe"


@dataclass(frozen=True)
class SimUser:
    """One simulated user as handed to Locust: who, where, and the session cookie."""

    role: str  # clerk | approver
    username: str
    municipality: str  # code
    group: int  # the approver group (係) a clerk belongs to, or that an approver approves
    session: str  # sessionid cookie value


def as_owner() -> contextlib.AbstractContextManager[None]:
    """Migrations and VACUUM need the owner role where the database has one (tenancy.dbroles)."""
    try:
        from jichitai.tenancy.dbroles import as_owner as owner
    except ImportError:  # one role for everything
        return contextlib.nullcontext()
    return owner()


def share_out(total: int, weights: list[int], minimum: int = 0) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainder), each at least ``minimum``
    while ``total`` allows it."""
    n = len(weights)
    floor = [minimum if total >= minimum * n else 0] * n
    rest = total - sum(floor)
    exact = [rest * w / sum(weights) for w in weights]
    out = [f + int(e) for f, e in zip(floor, exact, strict=True)]
    order = sorted(range(n), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def create_municipalities(residents: int, small: int) -> list[tuple[Any, int]]:
    from jichitai.tenancy.models import Consortium, Municipality

    consortium, _ = Consortium.objects.get_or_create(code="load", defaults={"name": "負荷試験協議会"})
    out = []
    for (code, name, kana, cls), size in ((BIG, residents), *((s, small) for s in SMALL)):
        m, _ = Municipality.objects.get_or_create(code=code, defaults={
            "consortium": consortium, "name": name, "kana": kana, "prefecture": "沖縄県",
            "population_class": cls})
        out.append((m, size))
    return out


def _progress(name: str) -> Any:
    last = [time.perf_counter()]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 10 or done == total:
            print(f"    {name}: {done:>9,} / {total:,} residents", flush=True)
            last[0] = time.perf_counter()

    return progress


def load_residents(munis: list[tuple[Any, int]], seed: int) -> dict[str, Any]:
    """``load_bulk`` into each municipality (own loader clerk and approver), then ANALYZE."""
    from django.db import connection

    from jichitai.accounts.models import RoleGrant, Staff
    from jichitai.importer import load_bulk

    loaded: dict[str, Any] = {}
    for m, size in munis:
        clerk, _ = Staff.objects.get_or_create(username=f"load.loader.{m.code}.clerk")
        approver, _ = Staff.objects.get_or_create(username=f"load.loader.{m.code}.approver")
        for staff, role in ((clerk, "clerk"), (approver, "approver")):
            RoleGrant.objects.get_or_create(staff=staff, municipality=m, role=role)
        stats = load_bulk(m, size, seed, clerk=clerk, approver=approver,
                          progress=_progress(m.name))
        loaded[m.code] = {"residents": stats.residents, "households": stats.households,
                          "seconds": round(stats.seconds, 1)}
    if connection.vendor == "postgresql":
        with as_owner(), connection.cursor() as cur:
            cur.execute("VACUUM (ANALYZE) registry_person, registry_household")
            cur.execute("ANALYZE")
    return loaded


def _login_session(staff: Any, device: Any, municipality: Any) -> str:
    """A session as the login screens leave it: authenticated, second factor verified, the
    municipality chosen (``accounts.views._complete_login`` and ``_apply_choice``)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import login
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp import login as otp_login

    from jichitai.accounts import session as keys

    store = import_module(settings.SESSION_ENGINE).SessionStore
    request = HttpRequest()
    request.META.update(REMOTE_ADDR="127.0.0.1", HTTP_USER_AGENT="bench/load (server-side login)")
    request.session = store()
    request.user = AnonymousUser()  # as AuthenticationMiddleware leaves it; login() replaces it
    login(request, staff, backend="jichitai.accounts.backends.StaffBackend")
    otp_login(request, device)
    if request.session.get(DEVICE_ID_SESSION_KEY) != device.persistent_id:
        raise RuntimeError("django_otp.login did not record the device in the session")
    request.session[keys.SESSION_ACTING] = municipality.pk
    request.session[keys.SESSION_MUNICIPALITY] = municipality.pk
    request.session.save()
    return str(request.session.session_key)


def create_staff(munis: list[tuple[Any, int]], clerks: int, approvers: int) -> list[SimUser]:
    """The simulated staff (one TOTP device each) and one logged-in session per user."""
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jichitai.accounts.models import RoleGrant, Staff

    weights = [size for _m, size in munis]
    n_clerks = share_out(clerks, weights)
    n_approvers = share_out(approvers, weights, minimum=1)
    hashed = make_password(PASSWORD)  # one PBKDF2 run for all accounts
    users: list[SimUser] = []
    for (m, _size), nc, na in zip(munis, n_clerks, n_approvers, strict=True):
        groups = max(1, min(na, nc))
        people = [(f"load.{m.code}.c{i:04d}", "clerk", i % groups, f"窓口 G{i % groups:02d}-{i:04d}")
                  for i in range(nc)]
        people += [(f"load.{m.code}.a{i:02d}", "approver", i % groups, f"決裁 G{i % groups:02d}")
                   for i in range(na)]
        staff = Staff.objects.bulk_create([
            Staff(username=u, display_name=d, password=hashed, consortium=m.consortium)
            for u, _r, _g, d in people])
        RoleGrant.objects.bulk_create([RoleGrant(staff=s, municipality=m, role=r)
                                       for s, (_u, r, _g, _d) in zip(staff, people, strict=True)])
        devices = TOTPDevice.objects.bulk_create([TOTPDevice(user=s, name="認証アプリ", confirmed=True)
                                                  for s in staff])
        for s, d, (u, r, g, _d) in zip(staff, devices, people, strict=True):
            users.append(SimUser(r, u, m.code, g, _login_session(s, d, m)))
    return users


def create_probe(municipality: Any) -> tuple[str, str]:
    """One more clerk for the real login through the screens: (username, TOTP key hex)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jichitai.accounts.models import RoleGrant, Staff

    staff = Staff.objects.create(username=PROBE_USER, display_name="窓口 ログイン確認")
    staff.set_password(PASSWORD)
    staff.save(update_fields=["password"])
    RoleGrant.objects.create(staff=staff, municipality=municipality, role="clerk")
    device = TOTPDevice.objects.create(user=staff, name="認証アプリ", confirmed=True)
    return staff.username, device.key


def totp_code(key_hex: str, at: float | None = None) -> str:
    """The code an authenticator app shows now (django_otp's TOTP, as ``jichitai.demo``)."""
    from binascii import unhexlify

    from django_otp.oath import TOTP

    totp = TOTP(unhexlify(key_hex))
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def behind_proxy_policy() -> http.cookiejar.DefaultCookiePolicy:
    """The browser speaks HTTPS to nginx, which speaks HTTP to gunicorn: the load generator is
    both, so it returns ``Secure`` cookies over its plain-HTTP leg as the browser would."""
    return http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))


def login_probe(base_url: str, username: str, key_hex: str, *, scheme: str = "http") -> dict[str, Any]:
    """Log in through the screens (password, then TOTP code), then open the register: the
    accounts made here work on the running server exactly like a staff member's."""
    jar = http.cookiejar.CookieJar(behind_proxy_policy())
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    origin = f"{scheme}://{urllib.parse.urlsplit(base_url).netloc}"
    opener.addheaders = [("X-Forwarded-Proto", scheme), ("X-Forwarded-For", "10.255.0.1")]

    def csrf_of(html: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return found.group(1) if found else ""

    def post(path: str, data: dict[str, str]) -> tuple[str, str]:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(base_url + path, body,
                                         headers={"Origin": origin, "Referer": origin + path})
        try:
            with opener.open(request, timeout=60) as resp:
                return resp.geturl(), resp.read().decode()
        except urllib.error.HTTPError as exc:
            text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", exc.read().decode(errors="replace")))
            raise RuntimeError(f"login probe: POST {path} answered {exc.code}: {text[:400]}") from None

    start = time.perf_counter()
    with opener.open(base_url + "/accounts/login/", timeout=60) as resp:
        page = resp.read().decode()
    url, page = post("/accounts/login/", {"username": username, "password": PASSWORD,
                                          "csrfmiddlewaretoken": csrf_of(page)})
    if "/accounts/second-factor/" not in url:
        raise RuntimeError(f"login probe: password step refused ({url})")
    url, page = post("/accounts/second-factor/", {"factor": "totp", "token": totp_code(key_hex),
                                                  "csrfmiddlewaretoken": csrf_of(page)})
    seconds = time.perf_counter() - start
    with opener.open(base_url + "/registry/", timeout=60) as resp:
        ok = resp.status == 200 and "/accounts/login/" not in resp.geturl()
    if not ok:
        raise RuntimeError(f"login probe: logged in at {url}, but /registry/ was refused")
    return {"login_seconds": round(seconds, 3), "after_login": urllib.parse.urlparse(url).path}


def build(args: Any) -> tuple[list[SimUser], dict[str, Any]]:
    """Migrate, load, create staff and sessions. Returns the users and what to record."""
    from django.core.management import call_command

    from jichitai.registry import rules

    with as_owner():
        call_command("migrate", verbosity=0)
    munis = create_municipalities(args.residents, args.small_residents)
    print(f"  loading residents (load_bulk): {', '.join(f'{m.name} {n:,}' for m, n in munis)}",
          flush=True)
    start = time.perf_counter()
    loaded = load_residents(munis, args.seed)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    users = create_staff(munis, args.users, args.approvers)
    probe = create_probe(munis[0][0])
    print(f"  {len(users):,} staff with one session each in {time.perf_counter() - start:.1f} s",
          flush=True)
    info = {"municipalities": loaded, "load_seconds": round(load_s, 1), "probe": probe,
            "today": rules.today().isoformat(),
            "staff": {m.code: {r: sum(1 for u in users if u.municipality == m.code and u.role == r)
                               for r in ("clerk", "approver")} for m, _n in munis}}
    return users, info


def world_json(users: list[SimUser], info: dict[str, Any], think: tuple[float, float]) -> dict[str, Any]:
    """What the locustfile reads (``LOAD_WORLD``)."""
    return {"users": [asdict(u) for u in users], "today": info["today"],
            "think": list(think)}
