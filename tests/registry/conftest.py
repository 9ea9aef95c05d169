"""Register fixtures: a clerk and an approver in municipality A (and B), an address dictionary."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import pytest

from jichitai.tenancy.context import TenantContext, activate


@dataclass
class Office:
    municipality: Any
    clerk: Any
    approver: Any
    address: Any
    address2: Any

    def ctx(self, staff: Any = None) -> TenantContext:
        m = self.municipality.pk
        return TenantContext(
            municipality_id=m, acting_municipality_id=m,
            staff_id=getattr(staff or self.clerk, "pk", None), purpose="test",
        )


def _office(municipality: Any, suffix: str) -> Office:
    from jichitai.accounts.models import RoleGrant, Staff
    from jichitai.registry.models import AddressEntry

    clerk = Staff.objects.create(username=f"clerk-{suffix}", display_name="窓口 花子")
    approver = Staff.objects.create(username=f"approver-{suffix}", display_name="決裁 太郎")
    RoleGrant.objects.create(staff=clerk, municipality=municipality, role="clerk")
    RoleGrant.objects.create(staff=approver, municipality=municipality, role="approver")
    RoleGrant.objects.create(staff=approver, municipality=municipality, role="clerk")
    with activate(TenantContext(municipality_id=municipality.pk, acting_municipality_id=municipality.pk)):
        addr = AddressEntry.objects.create(town_code="001", name="本町一丁目", kana="ホンマチ")
        addr2 = AddressEntry.objects.create(town_code="002", name="栄町二丁目", kana="サカエマチ")
    return Office(municipality, clerk, approver, addr, addr2)


@pytest.fixture
def office(tenants: Any) -> Office:
    return _office(tenants.a, "a")


@pytest.fixture
def office_b(tenants: Any) -> Office:
    return _office(tenants.b, "b")


def numbered(n: int) -> str:
    """A number written in kanji for test names (a name may not hold digits: registry.inputs)."""
    return "".join("十一二三四五六七八九"[int(d)] for d in str(n))
_RESIDENT_CODES = itertools.count(10_000_000_001)


def resident_code() -> str:
    """A fresh 住民票コード for a test person ([60]: never blank for a resident)."""
    return f"{next(_RESIDENT_CODES):011d}"


FOREIGN_DEFAULTS = {  # [20], [60]: a 中長期在留者's items that may not be blank
    "foreign_category": "mid_long", "residence_status": "技術・人文知識・国際業務",
    "residence_card_no": "AB12345678CD", "became_foreign_resident_on": "2015-04-01",
}


def person_spec(ref: str, family: str, given: str, birth: str, rel: str, **kw: Any) -> dict[str, Any]:
    spec = {
        "ref": ref, "family_name": family, "given_name": given,
        "family_name_kana": kw.pop("family_kana", "タカハシ"), "given_name_kana": kw.pop("given_kana", "イチロウ"),
        "birth_date": birth, "sex": kw.pop("sex", "1"), "relationship": rel,
        "resident_type": "japanese", "honseki": "テスト県甲村1番地", "hittousha": family + given,
        "resident_code": resident_code(),
    }
    if kw.get("resident_type") == "foreign":
        spec.update(FOREIGN_DEFAULTS)
    spec.update(kw)
    return spec


D = dt.date


def apply(office: Office, kind: str, req: dict[str, Any], effective: dt.date, **kw: Any) -> Any:
    """Submit as the clerk and approve as the approver (two people, as the law wants)."""
    from jichitai.registry import events

    sub = events.submit_event(
        kind, req, effective_date=effective, reported_date=kw.pop("reported", effective),
        entered_by=office.clerk, **kw,
    )
    return events.approve_event(sub.event.pk, approver=office.approver)


def move_in_family(office: Office, effective: dt.date = dt.date(2020, 4, 1), family: str = "髙橋") -> Any:
    return apply(office, "move_in", {
        "household": {"new": {"address_id": office.address.pk, "banchi": "1番地2"}},
        "persons": [
            person_spec("p1", family, "一郎", "1980-05-01", "世帯主"),
            person_spec("p2", family, "花子", "1982-07-07", "妻", sex="2", given_kana="ハナコ"),
            person_spec("p3", family, "太郎", "2010-01-15", "子", given_kana="タロウ"),
        ],
        "previous_address": "東京都千代田区千代田1番1号",
    }, effective)


def people(**filters: Any) -> list[Any]:
    from jichitai.registry.models import Person

    return list(Person.objects.for_read(screen="テスト").filter(**filters).order_by("pk"))
