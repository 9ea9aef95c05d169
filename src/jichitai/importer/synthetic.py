"""What a synthetic municipality loads: one plan per generated household (its 転入, and for some
a later 転居), the requests a clerk's form would send for them, and the 住所辞書 entries they need.

Shared by both loaders (through the event path and in bulk), so they agree row for row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from jichitai.codes import municipality_code_check_digit
from jichitai.registry.conventions import HEAD
from jichitai.synthetic import DEFAULT_AS_OF, generate_households
from jichitai.synthetic.addresses import PREFECTURES, derive_seed
from jichitai.synthetic.models import (
    SyntheticAddress,
    SyntheticHousehold,
    SyntheticPerson,
    kanji_number,
)
from jichitai.tenancy.context import TenantContext, activate, current_or_none

Progress = Callable[[int, int], None]
_SPREAD_YEARS = 20
PURPOSE = "住民データ投入（合成データ）"


@dataclass
class LoadStats:
    """What a load wrote: counts and the wall-clock seconds it took."""

    residents: int = 0
    households: int = 0
    events: int = 0
    moves: int = 0
    facts: int = 0
    seconds: float = 0.0
    skipped: int = 0  # households already loaded (load_via_events rerun)

    @property
    def rows(self) -> int:
        """Register rows written: persons, households, events and facts."""
        return self.residents + self.households + self.events + self.facts

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def residents_per_second(self) -> float:
        return self.residents / self.seconds if self.seconds else 0.0



def synthetic_code_for(code: str) -> str:
    """The generator code for a municipality: its own, or prefecture 47 with the same city part.

    The generator only knows prefectures 01-47 (its identifier blocks); fictitious codes such as
    the demo's 99xxx keep their city part — and so their capacity class — under prefecture 47.
    """
    first5 = code[:5]
    if first5.isdigit() and len(first5) == 5 and 1 <= int(first5[:2]) <= 47:
        return code
    mapped = "47" + first5[2:]
    return mapped + str(municipality_code_check_digit(mapped))


@dataclass(frozen=True)
class HouseholdPlan:
    household: SyntheticHousehold
    move_in: dt.date
    first_address: SyntheticAddress  # where the household moved in
    move_on: dt.date | None  # 転居 to household.address on this date (None: moved in there)

    @property
    def residents(self) -> int:
        return len(self.household.members)


def household_plans(
    source_code: str, residents: int, seed: int, effective_date: dt.date | None, history_share: float
) -> Iterator[HouseholdPlan]:
    horizon = max(DEFAULT_AS_OF, effective_date or DEFAULT_AS_OF)
    horizon = min(horizon, timezone.localdate())
    spread_from = DEFAULT_AS_OF.replace(year=DEFAULT_AS_OF.year - _SPREAD_YEARS)
    previous: SyntheticAddress | None = None
    for hh in generate_households(source_code, residents, seed):
        r = derive_seed("registry-load", source_code[:5], seed, hh.seq)
        u1 = (r & 0xFFFFFFFF) / 2**32
        u2 = ((r >> 32) & 0xFFFF) / 2**16
        u3 = (r >> 48) / 2**16
        youngest = max(m.birth_date for m in hh.members)
        if effective_date is None:
            lo = max(youngest, spread_from)
            days = (DEFAULT_AS_OF - lo).days
            move_in = lo + dt.timedelta(days=int(u1 * days)) if days > 0 else lo
        else:
            move_in = max(effective_date, youngest)
        move_on = None
        first = hh.address
        gap = (horizon - move_in).days
        if previous is not None and u2 < history_share and gap >= 2:
            move_on = move_in + dt.timedelta(days=1 + int(u3 * (gap - 1)))
            first = previous
        previous = hh.address
        yield HouseholdPlan(hh, move_in, first, move_on)


def chunks(plans: Iterable[HouseholdPlan], residents: int) -> Iterator[list[HouseholdPlan]]:
    chunk: list[HouseholdPlan] = []
    count = 0
    for plan in plans:
        chunk.append(plan)
        count += plan.residents
        if count >= residents:
            yield chunk
            chunk, count = [], 0
    if chunk:
        yield chunk


def _previous_address(hh: SyntheticHousehold, seed: int) -> str:
    """An invented 従前の住所 outside the municipality (転入 needs one)."""
    r = derive_seed("previous-address", seed, hh.seq)
    pref, city = PREFECTURES[r % len(PREFECTURES)]
    return f"{pref}{city}中央{1 + (r >> 8) % 9}丁目{1 + (r >> 16) % 30}番{1 + (r >> 24) % 20}号"


def _town_name(address: SyntheticAddress) -> str:
    return address.town_name + ("" if address.block is None else f"{kanji_number(address.block)}丁目")


def person_spec(p: SyntheticPerson, ref: str) -> dict[str, Any]:
    """A synthetic person as the 転入 request's person entry (the keys a clerk's form sends)."""
    foreign = p.nationality is not None
    return {
        "ref": ref,
        "family_name": p.family_name,
        "given_name": p.given_name,
        "family_name_kana": p.family_name_kana,
        "given_name_kana": p.given_name_kana,
        "birth_date": p.birth_date.isoformat(),
        "sex": p.sex,
        "relationship": p.relationship,
        "resident_type": "foreign" if foreign else "japanese",
        "honseki": p.honseki or "",
        "hittousha": p.hittousha or "",
        "my_number": p.my_number,
        "resident_code": p.resident_code,
        "nationality": p.nationality or "",
        "residence_status": p.residence_status or "",
        "residence_end_date": p.residence_period_end.isoformat() if p.residence_period_end else None,
        "residence_card_no": p.residence_card_number or "",
        "alias": p.alias or "",
        **_foreign_items(p),
    }


# the day the 外国人住民 rules of the 住民基本台帳法 came into force (before it: 外国人登録)
_FOREIGN_RESIDENTS_SINCE = dt.date(2012, 7, 9)


def _foreign_items(p: SyntheticPerson) -> dict[str, Any]:
    """[20], [60]: the 法第30条の45 区分 and the items it may not leave blank (the generator's
    特別永住者 carry their 特別永住者証明書の番号 where others carry the 在留カード番号)."""
    if p.nationality is None:
        return {}
    since = max(p.birth_date, _FOREIGN_RESIDENTS_SINCE).isoformat()
    alias = {"alias_recorded_on": since} if p.alias else {}
    if p.residence_status == "特別永住者":
        return {"foreign_category": "special_permanent", "residence_status": "",
                "residence_card_no": "", "special_permanent_cert_no": p.residence_card_number or "",
                "became_foreign_resident_on": since, **alias}
    return {"foreign_category": "mid_long", "became_foreign_resident_on": since, **alias}


def _address_request(address: SyntheticAddress, address_ids: Mapping[str, int]) -> dict[str, Any]:
    return {
        "address_id": address_ids[address.town_code],
        "banchi": address.lot,
        "katagaki": address.building or "",
    }


def move_in_request(
    plan_or_household: Any, address_ids: Mapping[str, int], seed: int = 0
) -> dict[str, Any]:
    """The 転入 request for a household (its first address), as ``submit_event`` receives it."""
    plan = plan_or_household
    hh = plan.household if isinstance(plan, HouseholdPlan) else plan
    address = plan.first_address if isinstance(plan, HouseholdPlan) else hh.address
    if hh.members[0].relationship != HEAD:  # the generator's promise; the planner needs it
        raise ValueError(f"household {hh.seq}: members[0] is not the 世帯主")
    return {
        "household": {"new": _address_request(address, address_ids)},
        "persons": [person_spec(p, f"p{i}") for i, p in enumerate(hh.members, start=1)],
        "previous_address": _previous_address(hh, seed),
    }


def move_request(person_ids: Sequence[int], address: SyntheticAddress,
                  address_ids: Mapping[str, int]) -> dict[str, Any]:
    return {"person_ids": list(person_ids), "address": _address_request(address, address_ids)}


def load_key(source_code: str, seed: int, seq: int, what: str) -> str:
    return f"synthetic:{source_code}:{seed}:{seq}:{what}"



def ensure_address_dictionary(addresses: Iterable[SyntheticAddress]) -> dict[str, int]:
    """Create the 住所辞書 entries (町字) the addresses need; returns town_code → AddressEntry id.

    Runs under the active TenantContext (the municipality whose dictionary it is). Existing
    entries are kept as they are. The generator has no 町字カナ, so ``kana`` stays blank.
    """
    from jichitai.registry.models import AddressEntry

    wanted: dict[str, SyntheticAddress] = {}
    for a in addresses:
        wanted.setdefault(a.town_code, a)
    if not wanted:
        return {}
    have = dict(
        AddressEntry.objects.filter(town_code__in=list(wanted)).values_list("town_code", "pk")
    )
    missing = [
        AddressEntry(town_code=code, name=_town_name(a), kana="", postal_code=a.postal_code)
        for code, a in sorted(wanted.items())
        if code not in have
    ]
    if missing:
        AddressEntry.objects.bulk_create(missing)
        have.update(
            AddressEntry.objects.filter(town_code__in=[e.town_code for e in missing])
            .values_list("town_code", "pk")
        )
    return have


class AddressCache:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def ensure(self, chunk: Sequence[HouseholdPlan]) -> dict[str, int]:
        new = [a for p in chunk for a in (p.first_address, p.household.address)
               if a.town_code not in self.ids]
        if new:
            self.ids.update(ensure_address_dictionary(new))
        return self.ids



@contextmanager
def as_staff(municipality: Any, staff: Any, purpose: str = PURPOSE) -> Iterator[TenantContext]:
    """The caller's context when one is active (same municipality), else one for ``staff``."""
    ctx = current_or_none()
    if ctx is not None:
        if ctx.municipality_id != municipality.pk:
            raise ValueError("the active TenantContext is another municipality's")
        yield ctx
        return
    with activate(TenantContext(
        municipality_id=municipality.pk, acting_municipality_id=municipality.pk,
        staff_id=getattr(staff, "pk", None), purpose=purpose,
    )) as new:
        yield new


def resolve_code(municipality: Any, source_code: str | None) -> str:
    return source_code or synthetic_code_for(municipality.code)

