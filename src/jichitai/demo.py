"""デモ協議会 (the demo consortium): fictitious municipalities, staff, roles and TOTP devices.

One domain function, :func:`seed_demo`, idempotent: running it again repairs the demo to the state
described here (passwords, roles, unlocked accounts, TOTP keys) without duplicating anything.
The TOTP secrets are derived from a public constant so that the printed logins work on every
machine — this module must never be used to create real accounts. Municipality names are
fictitious and their codes use prefecture number 99, which no real prefecture has; the check digit
is still valid (:func:`jichitai.codes.is_valid_municipality_code`).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from base64 import b32encode
from binascii import unhexlify
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from jichitai.accounts.auth import unlock
from jichitai.accounts.factors import REGISTRY
from jichitai.accounts.models import Role, RoleGrant, Staff
from jichitai.codes import municipality_code_check_digit
from jichitai.tenancy.models import Consortium, Municipality, PopulationClass

CONSORTIUM_CODE = "mirai"
CONSORTIUM_NAME = "みらい広域連携協議会"
PREFECTURE = "みらい県"
DEMO_PASSWORD = "mirai-demo-2025"
DEVICE_NAME = "デモ用認証アプリ"
# Transaction sizes of the two loaders, smaller than their defaults so that the progress bar
# moves about once a second (see populate_municipality).
EVENTS_BATCH = 50
BULK_BATCH = 5_000
# Public on purpose: the demo's TOTP secrets must be the same everywhere. Never reuse.
_TOTP_SEED = b"jichitai-cloud demo TOTP seed (public, demo only)"


@dataclass(frozen=True)
class DemoMunicipality:
    """A fictitious member municipality and the resident count the demo aims for."""

    key: str
    first5: str
    name: str
    kana: str
    population_class: PopulationClass
    default_size: int

    @property
    def code(self) -> str:
        return self.first5 + str(municipality_code_check_digit(self.first5))


MUNICIPALITIES: tuple[DemoMunicipality, ...] = (
    # default sizes keep the first start under a minute through the event path; the real-scale
    # picture is --sizes 330,20000,280000 --bulk
    DemoMunicipality("village", "99383", "山あい村", "ヤマアイムラ", PopulationClass.VILLAGE, 330),
    DemoMunicipality("town", "99342", "港町", "ミナトマチ", PopulationClass.TOWN, 600),
    DemoMunicipality("city", "99202", "中央市", "チュウオウシ", PopulationClass.CITY, 1_200),
)
DEFAULT_SIZES: tuple[int, ...] = tuple(m.default_size for m in MUNICIPALITIES)


@dataclass(frozen=True)
class DemoStaff:
    username: str
    display_name: str
    roles: tuple[tuple[str, Role], ...]  # (municipality key, role)


def _in(key: str, *roles: Role) -> tuple[tuple[str, Role], ...]:
    return tuple((key, r) for r in roles)


_SUPPORT_DESK = (Role.CLERK, Role.APPROVER, Role.SUPPORT_MEASURE)


def _everywhere(role: Role) -> tuple[tuple[str, Role], ...]:
    return tuple((m.key, role) for m in MUNICIPALITIES)


# Every role in every member, so a newcomer can try everything (README, "make demo"). The
# 支援措置担当 enter and approve too, two per office: an event about a protected person is
# approved only by staff with need-to-know, and never by the person who entered it. The
# 個人番号利用事務担当 is a clerk too, to compare screens with the plain clerk of the same office.
STAFF: tuple[DemoStaff, ...] = (
    # the first six are used by tests and the browser tests: keep their names and roles
    DemoStaff("yamaai.clerk", "山田 花子", _in("village", Role.CLERK)),
    DemoStaff("minato.approver", "港 一郎", _in("town", Role.APPROVER)),
    DemoStaff("chuo.admin", "中央 次郎", _in("city", Role.MUNICIPALITY_ADMIN)),
    DemoStaff("kenmu", "兼務 さくら", (("village", Role.CLERK), ("town", Role.CLERK))),
    DemoStaff("kansa", "監査 太郎", _everywhere(Role.AUDITOR)),
    DemoStaff("kyogikai.admin", "協議 和子", _everywhere(Role.CONSORTIUM_ADMIN)),
    # 山あい村
    DemoStaff("yamaai.approver", "谷口 誠", _in("village", Role.APPROVER)),
    DemoStaff("yamaai.admin", "森 美穂", _in("village", Role.MUNICIPALITY_ADMIN)),
    DemoStaff("yamaai.mynumber", "川上 直樹", _in("village", Role.CLERK, Role.MY_NUMBER_ACCESS)),
    DemoStaff("yamaai.shien", "林 由美子", _in("village", *_SUPPORT_DESK)),
    DemoStaff("yamaai.shien2", "小池 拓也", _in("village", *_SUPPORT_DESK)),
    DemoStaff("yamaai.shoukai", "岡本 千尋", _in("village", Role.CLERK, Role.SUPPORT_INQUIRY)),
    # 港町
    DemoStaff("minato.clerk", "浜田 陽菜", _in("town", Role.CLERK)),
    DemoStaff("minato.admin", "岬 修", _in("town", Role.MUNICIPALITY_ADMIN)),
    DemoStaff("minato.mynumber", "潮田 翔太", _in("town", Role.CLERK, Role.MY_NUMBER_ACCESS)),
    DemoStaff("minato.shien", "波多野 恵", _in("town", *_SUPPORT_DESK)),
    DemoStaff("minato.shien2", "沖田 剛", _in("town", *_SUPPORT_DESK)),
    DemoStaff("minato.shoukai", "灘 俊介", _in("town", Role.CLERK, Role.SUPPORT_INQUIRY)),
    # 中央市
    DemoStaff("chuo.clerk", "中村 結衣", _in("city", Role.CLERK)),
    DemoStaff("chuo.approver", "本田 賢治", _in("city", Role.APPROVER)),
    DemoStaff("chuo.mynumber", "市川 大輔", _in("city", Role.CLERK, Role.MY_NUMBER_ACCESS)),
    DemoStaff("chuo.shien", "高木 真理", _in("city", *_SUPPORT_DESK)),
    DemoStaff("chuo.shien2", "大野 早苗", _in("city", *_SUPPORT_DESK)),
    DemoStaff("chuo.shoukai", "北村 彩", _in("city", Role.CLERK, Role.SUPPORT_INQUIRY)),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    password: str
    totp_secret: str  # base32, as typed into an authenticator app
    otpauth_uri: str
    roles: str  # e.g. "山あい村:窓口担当、港町:窓口担当・決裁者・支援措置担当"


@dataclass(frozen=True)
class DemoSeed:
    consortium: Consortium
    municipalities: list[tuple[Municipality, int]]  # with the configured target size
    logins: list[DemoLogin]


def totp_key_hex(username: str) -> str:
    """The demo TOTP key of ``username`` (20 bytes, hex), derived from the public seed."""
    return hmac.new(_TOTP_SEED, username.encode(), hashlib.sha1).hexdigest()


def totp_secret_base32(username: str) -> str:
    return b32encode(unhexlify(totp_key_hex(username))).decode()


def current_code(username: str, at: float | None = None) -> str:
    """The code the staff member's authenticator shows now (from the stored device)."""
    device = (
        TOTPDevice.objects.filter(user__username=username, confirmed=True)
        .order_by("pk")
        .first()
    )
    if device is None:
        raise LookupError(f"no TOTP device for {username!r}")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


# The synthetic residents arrive as a migration would: entered and approved by two system
# accounts that cannot log in (no usable password, no second factor).
LOADER_ENTRY = "demo.loader.entry"
LOADER_APPROVE = "demo.loader.approve"


def _loader_staff(consortium: Consortium, munis: Sequence[Municipality]) -> tuple[Staff, Staff]:
    pair = []
    for username, name, role in ((LOADER_ENTRY, "データ移行（入力）", Role.CLERK),
                                 (LOADER_APPROVE, "データ移行（決裁）", Role.APPROVER)):
        staff, _ = Staff.objects.get_or_create(
            username=username, defaults={"consortium": consortium, "display_name": name}
        )
        if staff.has_usable_password():
            staff.set_unusable_password()
            staff.save()
        for m in munis:
            RoleGrant.objects.get_or_create(staff=staff, municipality=m, role=role)
        pair.append(staff)
    return pair[0], pair[1]


def resident_count(municipality: Municipality) -> int:
    """住民 (status resident) of one municipality, read under its own context."""
    from jichitai.registry.models import Person
    from jichitai.tenancy.context import activate
    from jichitai.tenancy.services import own_context

    with activate(own_context(municipality, purpose="demo")):
        return Person.objects.filter(status="resident").count()


def populate_municipality(
    seed: DemoSeed, municipality: Municipality, size: int, *,
    progress: Callable[[int, int], None] | None = None, bulk: bool = False,
) -> Any:
    """Fill one demo municipality with ``size`` synthetic residents, as a migration would: through
    the register's event path (転入 entered and approved, some later 転居, so there is history), or
    with ``bulk`` the migration-style bulk loader. ``progress(done, total)`` after each batch."""
    from jichitai.importer import load_bulk, load_via_events

    entry, approve = _loader_staff(seed.consortium, [m for m, _ in seed.municipalities])
    if bulk:
        return load_bulk(municipality, size, seed=0, clerk=entry, approver=approve,
                         batch=BULK_BATCH, progress=progress)
    return load_via_events(municipality, size, seed=0, clerk=entry, approver=approve,
                           batch=EVENTS_BATCH, progress=progress)


def populate_demo(
    seed: DemoSeed, *, progress: Callable[[Municipality, int, int], None] | None = None,
    bulk: bool = False,
) -> list[tuple[Municipality, Any]]:
    """Fill every demo municipality (see :func:`populate_municipality`). Skips a municipality that
    already has residents (its stats are None), so a second start is quick."""
    results: list[tuple[Municipality, Any]] = []
    for muni, size in seed.municipalities:
        if resident_count(muni):
            results.append((muni, None))
            continue
        each = (lambda done, total, m=muni: progress(m, done, total)) if progress else None
        results.append((muni, populate_municipality(seed, muni, size, progress=each, bulk=bulk)))
    return results


class _DemoPassword:
    """The demo password's hash, made once and shared by every demo account.

    PBKDF2 costs a quarter of a second per hash or check; with one shared encoded hash (the
    password is the same, public one anyway) seeding costs one hash, and a rerun one check.
    """

    def __init__(self) -> None:
        self._encoded: str | None = None
        self._checked: dict[str, bool] = {}

    def encoded(self) -> str:
        if self._encoded is None:
            self._encoded = make_password(DEMO_PASSWORD)
            self._checked[self._encoded] = True
        return self._encoded

    def is_current(self, encoded: str) -> bool:
        """Whether ``encoded`` is the demo password with the hasher and cost configured now."""
        if encoded not in self._checked:
            try:
                up_to_date = not identify_hasher(encoded).must_update(encoded)
            except ValueError:  # unusable or from a hasher no longer configured
                up_to_date = False
            self._checked[encoded] = up_to_date and check_password(DEMO_PASSWORD, encoded)
        return self._checked[encoded]


def _role_text(roles: Sequence[tuple[str, Role]], munis: dict[str, Municipality]) -> str:
    """e.g. "山あい村:窓口担当、港町:窓口担当・決裁者" (grouped per municipality, table order)."""
    per_muni: dict[str, list[str]] = {}
    for key, role in roles:
        per_muni.setdefault(key, []).append(str(Role(role).label))
    return "、".join(f"{munis[k].name}:{'・'.join(labels)}" for k, labels in per_muni.items())


def _seed_staff(
    person: DemoStaff, consortium: Consortium, munis: dict[str, Municipality],
    password: _DemoPassword,
) -> DemoLogin:
    """Create or repair one demo account: password, unlocked, exactly its roles, its TOTP key."""
    staff, created = Staff.objects.get_or_create(
        username=person.username,
        defaults={"consortium": consortium, "display_name": person.display_name},
    )
    staff.consortium = consortium
    staff.display_name = person.display_name
    staff.is_active = True
    staff.must_change_password = False  # a demo account always logs in with the published password
    homes = {k for k, _ in person.roles}  # 所属団体: the one municipality its roles are in, if one
    staff.home_municipality = munis[next(iter(homes))] if len(homes) == 1 else None
    if created or not password.is_current(staff.password):
        staff.password = password.encoded()
    staff.save()
    unlock(staff)
    wanted = {(munis[k].pk, str(r)) for k, r in person.roles}
    have = set(RoleGrant.objects.filter(staff=staff).values_list("municipality_id", "role"))
    for muni_id, role in have - wanted:
        RoleGrant.objects.filter(staff=staff, municipality_id=muni_id, role=role).delete()
    for muni_id, role in sorted(wanted - have):
        RoleGrant.objects.create(staff=staff, municipality_id=muni_id, role=role)
    totp = REGISTRY["totp"]
    device = totp.enroll_with_key(staff, totp_key_hex(person.username), name=DEVICE_NAME)  # type: ignore[attr-defined]
    return DemoLogin(
        username=person.username,
        display_name=person.display_name,
        password=DEMO_PASSWORD,
        totp_secret=totp_secret_base32(person.username),
        otpauth_uri=device.config_url,
        roles=_role_text(person.roles, munis),
    )


def _seed_authority(municipality: Municipality) -> None:
    """A demo 認証者 and 電子公印, so the demo can issue certificates (docs/certificates.md)."""
    from jichitai.certificates.authority.demo import provision
    from jichitai.tenancy.context import activate
    from jichitai.tenancy.services import own_context

    with activate(own_context(municipality, purpose="demo")):
        provision()


def seed_demo(
    sizes: Sequence[int] | None = None, *, progress: Callable[[int, int], None] | None = None
) -> DemoSeed:
    """Create or repair the demo consortium. ``sizes`` are target resident counts, in
    :data:`MUNICIPALITIES` order (recorded for the generator; no residents are created here).
    ``progress(done, total)`` after each staff account."""
    sizes = tuple(sizes or DEFAULT_SIZES)
    if len(sizes) != len(MUNICIPALITIES) or any(s <= 0 for s in sizes):
        raise ValueError(f"sizes needs {len(MUNICIPALITIES)} positive numbers, got {sizes!r}")
    password = _DemoPassword()
    with transaction.atomic():
        consortium, _ = Consortium.objects.update_or_create(
            code=CONSORTIUM_CODE, defaults={"name": CONSORTIUM_NAME}
        )
        munis: dict[str, Municipality] = {}
        for spec in MUNICIPALITIES:
            munis[spec.key], _ = Municipality.objects.update_or_create(
                code=spec.code,
                defaults={
                    "consortium": consortium, "name": spec.name, "kana": spec.kana,
                    "prefecture": PREFECTURE, "population_class": spec.population_class,
                    "active": True,
                },
            )
            _seed_authority(munis[spec.key])
        logins = []
        for done, person in enumerate(STAFF, start=1):
            logins.append(_seed_staff(person, consortium, munis, password))
            if progress is not None:
                progress(done, len(STAFF))
    return DemoSeed(
        consortium=consortium,
        municipalities=[(munis[m.key], size) for m, size in zip(MUNICIPALITIES, sizes, strict=True)],
        logins=logins,
    )
