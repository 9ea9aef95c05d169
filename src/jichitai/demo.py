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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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


STAFF: tuple[DemoStaff, ...] = (
    DemoStaff("yamaai.clerk", "山田 花子", (("village", Role.CLERK),)),
    DemoStaff("minato.approver", "港 一郎", (("town", Role.APPROVER),)),
    DemoStaff("chuo.admin", "中央 次郎", (("city", Role.MUNICIPALITY_ADMIN),)),
    DemoStaff("kenmu", "兼務 さくら", (("village", Role.CLERK), ("town", Role.CLERK))),
    DemoStaff(
        "kansa", "監査 太郎",
        (("village", Role.AUDITOR), ("town", Role.AUDITOR), ("city", Role.AUDITOR)),
    ),
    DemoStaff(
        "kyogikai.admin", "協議 和子",
        tuple((m.key, Role.CONSORTIUM_ADMIN) for m in MUNICIPALITIES),
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    password: str
    totp_secret: str  # base32, as typed into an authenticator app
    otpauth_uri: str
    roles: str  # e.g. "山あい村:窓口担当、港町:窓口担当"


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


def populate_demo(
    seed: DemoSeed, *, progress: Any = None, bulk: bool = False
) -> list[tuple[Municipality, Any]]:
    """Fill each demo municipality with synthetic residents through the register's event path
    (転入 entered and approved, some later 転居), so the demo has history. Skips a municipality
    that already has residents, so a second start is quick."""
    from jichitai.importer import load_bulk, load_via_events
    from jichitai.registry.models import Person
    from jichitai.tenancy.context import activate
    from jichitai.tenancy.services import own_context

    munis = [m for m, _ in seed.municipalities]
    entry, approve = _loader_staff(seed.consortium, munis)
    results = []
    for muni, size in seed.municipalities:
        with activate(own_context(muni, purpose="demo")):
            existing = Person.objects.filter(status="resident").count()
        if existing:
            results.append((muni, None))
            continue
        if bulk:
            stats = load_bulk(muni, size, seed=0, clerk=entry, approver=approve)
        else:
            stats = load_via_events(
                muni, size, seed=0, clerk=entry, approver=approve,
                progress=(lambda done, total, m=muni: progress(m, done, total)) if progress else None,
            )
        results.append((muni, stats))
    return results


def seed_demo(sizes: Sequence[int] | None = None) -> DemoSeed:
    """Create or repair the demo consortium. ``sizes`` are target resident counts, in
    :data:`MUNICIPALITIES` order (recorded for the generator; no residents are created here)."""
    sizes = tuple(sizes or DEFAULT_SIZES)
    if len(sizes) != len(MUNICIPALITIES) or any(s <= 0 for s in sizes):
        raise ValueError(f"sizes needs {len(MUNICIPALITIES)} positive numbers, got {sizes!r}")
    totp = REGISTRY["totp"]
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
        logins = []
        for person in STAFF:
            staff, created = Staff.objects.get_or_create(
                username=person.username,
                defaults={"consortium": consortium, "display_name": person.display_name},
            )
            staff.consortium = consortium
            staff.display_name = person.display_name
            staff.is_active = True
            if created or not staff.check_password(DEMO_PASSWORD):
                staff.set_password(DEMO_PASSWORD)
            staff.save()
            unlock(staff)
            wanted = {(munis[k].pk, str(r)) for k, r in person.roles}
            have = set(
                RoleGrant.objects.filter(staff=staff).values_list("municipality_id", "role")
            )
            for muni_id, role in have - wanted:
                RoleGrant.objects.filter(staff=staff, municipality_id=muni_id, role=role).delete()
            for muni_id, role in sorted(wanted - have):
                RoleGrant.objects.create(staff=staff, municipality_id=muni_id, role=role)
            device = totp.enroll_with_key(staff, totp_key_hex(person.username), name=DEVICE_NAME)  # type: ignore[attr-defined]
            logins.append(
                DemoLogin(
                    username=person.username,
                    display_name=person.display_name,
                    password=DEMO_PASSWORD,
                    totp_secret=totp_secret_base32(person.username),
                    otpauth_uri=device.config_url,
                    roles="、".join(f"{munis[k].name}:{Role(r).label}" for k, r in person.roles),
                )
            )
    return DemoSeed(
        consortium=consortium,
        municipalities=[(munis[m.key], size) for m, size in zip(MUNICIPALITIES, sizes, strict=True)],
        logins=logins,
    )
