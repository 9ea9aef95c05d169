"""Random valid registers as interchange records, built from the synthetic generator's households.

``RegisterBuilder`` applies 異動 in date order (転入, 転居, 世帯変更, 氏名変更, 転出, 死亡) and gives every
person it touches a history entry with their full state afterwards, as a source system's history
rows say it. ``registers()`` is the hypothesis strategy.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from jichitai.importer import HistoryEntry, PersonRecord, Source
from jichitai.importer.synthetic import person_spec
from jichitai.registry import numbering
from jichitai.synthetic import generate_households

CODE = "470015"  # a generator code (prefecture 47); the register's municipality is the test's
CATEGORIES = {  # 法第30条の45 区分 → the items it may not leave blank
    "mid_long": {
        "residence_status": "技術・人文知識・国際業務",
        "residence_card_no": "AB12345678CD",
    },
    "special_permanent": {
        "special_permanent_cert_no": "CD87654321EF",
        "residence_status": "",
        "residence_card_no": "",
    },
    "temporary_refuge": {"landing_period": "6月", "residence_status": "", "residence_card_no": ""},
    "provisional_stay": {
        "provisional_stay_period": "2024年4月1日から6月",
        "residence_status": "",
        "residence_card_no": "",
    },
    "transit_birth": {"residence_status": "", "residence_card_no": ""},
    "transit_loss": {"residence_status": "", "residence_card_no": ""},
}
TOWNS = (
    ("0001001", "本町一丁目", "100-0001"),
    ("0002000", "栄町", "100-0002"),
    ("0003002", "緑町二丁目", "100-0003"),
)
RENAMES = (("佐藤", "サトウ"), ("鈴木", "スズキ"), ("田中", "タナカ"))


@dataclass
class _Person:
    atena: str
    state: dict[str, Any]
    household_no: str
    history: list[HistoryEntry] = field(default_factory=list)


@dataclass
class _Household:
    no: str
    town: tuple[str, str, str]
    banchi: str
    katagaki: str = ""


class RegisterBuilder:
    def __init__(self, first_atena: int = 1000, first_household: int = 500) -> None:
        self.persons: dict[str, _Person] = {}
        self.households: dict[str, _Household] = {}
        self._atena = itertools.count(first_atena)
        self._household = itertools.count(first_household)
        self.line = itertools.count(2)

    def _entry(self, p: _Person, reason: str, on: dt.date) -> None:
        hh = self.households[p.household_no]
        household = {
            "household_no": hh.no,
            "town_code": hh.town[0],
            "town_name": hh.town[1],
            "banchi": hh.banchi,
            "katagaki": hh.katagaki,
            "postal_code": hh.town[2],
        }
        p.history.append(
            HistoryEntry(
                seq=len(p.history) + 1,
                reason=reason,
                effective_on=on,
                reported_on=on,
                person=dict(p.state),
                household=household,
                source=Source("jumin.csv", next(self.line)),
            )
        )

    def full(self, atena: str) -> bool:
        return len(self.persons[atena].history) >= 4

    def resident(self, atena: str) -> bool:
        return self.persons[atena].state.get("status", "resident") == "resident"

    def members(self, household_no: str) -> list[str]:
        return [
            a
            for a, p in self.persons.items()
            if p.household_no == household_no and self.resident(a)
        ]

    def move_in(
        self, specs: list[dict[str, Any]], on: dt.date, town: int, banchi: str, katagaki: str = ""
    ) -> str:
        no = numbering.household_no(next(self._household))
        self.households[no] = _Household(no, TOWNS[town], banchi, katagaki)
        for spec in specs:
            atena = numbering.atena_no(next(self._atena))
            state = {k: v for k, v in spec.items() if k != "ref"}
            for k in (
                "birth_date",
                "residence_end_date",
                "became_foreign_resident_on",
                "alias_recorded_on",
            ):
                if isinstance(state.get(k), str):
                    state[k] = dt.date.fromisoformat(state[k])
            state.update(
                status="resident",
                became_resident_on=on,
                address_set_on=on,
                reported_on=on,
                previous_address="東京都千代田区千代田1番1号",
            )
            p = self.persons[atena] = _Person(atena, state, no)
            self._entry(p, "move_in", on)
        return no

    def move_within(self, household_no: str, on: dt.date, town: int, banchi: str) -> None:
        hh = self.households[household_no]
        hh.town, hh.banchi, hh.katagaki = TOWNS[town], banchi, ""
        for a in self.members(household_no):
            p = self.persons[a]
            p.state.update(address_set_on=on, reported_on=on)
            self._entry(p, "move_within", on)

    def name_change(self, atena: str, on: dt.date, family: tuple[str, str]) -> None:
        p = self.persons[atena]
        p.state.update(family_name=family[0], family_name_kana=family[1])
        self._entry(p, "name_change", on)

    def household_change(self, atena: str, on: dt.date) -> None:
        """The person leaves for a household of their own at the same address (世帯分離)."""
        p = self.persons[atena]
        old = self.households[p.household_no]
        no = numbering.household_no(next(self._household))
        self.households[no] = _Household(no, old.town, old.banchi, "別棟")
        p.household_no = no
        p.state.update(relationship="世帯主", reported_on=on)
        self._entry(p, "household_split", on)

    def remove(self, atena: str, on: dt.date, how: str) -> None:
        p = self.persons[atena]
        if how == "move_out":
            p.state.update(
                status="moved_out",
                removed_on=on,
                move_out_destination="大阪府大阪市北区梅田1丁目1番1号",
            )
            self._entry(p, "move_out_confirmed", on)
        else:
            p.state.update(status="dead", removed_on=on)
            self._entry(p, "death", on)

    def records(self) -> list[PersonRecord]:
        return [
            PersonRecord(a, tuple(p.history), p.history[0].source)
            for a, p in sorted(self.persons.items())
        ]


def synthetic_specs(seed: int, households: int, code: str = CODE) -> list[list[dict[str, Any]]]:
    """Person specs of synthetic households (identity numbers follow the generator ``code``)."""
    out = []
    for h in itertools.islice(generate_households(code, households * 4, seed), households):
        out.append([person_spec(m, f"p{n}") for n, m in enumerate(h.members)][:3])
    return out


def foreign(spec: dict[str, Any], category: str, since: dt.date) -> dict[str, Any]:
    """A synthetic person made a foreign resident of ``category``."""
    out = {
        **spec,
        "resident_type": "foreign",
        "nationality": spec.get("nationality") or "ベトナム",
        "honseki": "",
        "hittousha": "",
        "foreign_category": category,
        "became_foreign_resident_on": since.isoformat(),
    }
    out.update(CATEGORIES[category])
    return out


OPS = ("move_within", "name_change", "household_change", "move_out", "death")


@st.composite
def registers(draw: Any, max_households: int = 4) -> list[PersonRecord]:
    seed = draw(st.integers(0, 10_000))
    n = draw(st.integers(1, max_households))
    specs = synthetic_specs(seed, n)
    b = RegisterBuilder()
    day = dt.date(2015, 4, 1)
    for hh in specs:
        day += dt.timedelta(days=draw(st.integers(1, 40)))
        category = draw(st.sampled_from(["", *CATEGORIES]))
        members = [foreign(s, category, day) if category else s for s in hh]
        members = [m for m in members if dt.date.fromisoformat(m["birth_date"]) <= day] or members[
            :0
        ]
        if not members:
            continue
        members[0]["relationship"] = "世帯主"
        b.move_in(members, day, draw(st.integers(0, 2)), f"{draw(st.integers(1, 30))}番地")
    for _ in range(draw(st.integers(0, 8))):
        day += dt.timedelta(days=draw(st.integers(1, 200)))
        live = [a for a in b.persons if b.resident(a) and not b.full(a)]
        if not live:
            break
        atena = draw(st.sampled_from(sorted(live)))
        op = draw(st.sampled_from(OPS))
        if op == "move_within":
            no = b.persons[atena].household_no
            if all(not b.full(a) for a in b.members(no)):
                b.move_within(no, day, draw(st.integers(0, 2)), f"{draw(st.integers(1, 30))}番地")
        elif op == "name_change":
            b.name_change(atena, day, draw(st.sampled_from(RENAMES)))
        elif op == "household_change":
            b.household_change(atena, day)
        else:
            b.remove(atena, day, op)
    return b.records()


# -- comparing what went in with what comes out ---------------------------------------------------


def comparable(
    records: list[PersonRecord], as_of: dt.date | None = None, *, restricted: bool = False
) -> dict[str, Any]:
    """atena_no → the history up to ``as_of`` in the form both sides compare (every item, seq 1…n)."""
    from jichitai.importer.records import full_household, full_person

    out: dict[str, Any] = {}
    for r in records:
        entries = [
            e for e in r.history if as_of is None or (e.effective_on or e.reported_on) <= as_of
        ]
        if not entries:
            continue
        rows = []
        for n, e in enumerate(entries, start=1):
            person = full_person(e.person)
            if not restricted:
                person["my_number"] = ""
            rows.append(
                (n, e.reason, e.effective_on, e.reported_on, person, full_household(e.household))
            )
        out[r.atena_no] = rows
    return out


def as_of_dates(records: list[PersonRecord]) -> list[dt.date]:
    """Dates on, between and before the history entries (and a day before the first)."""
    days = sorted({e.effective_on for r in records for e in r.history if e.effective_on})
    picks = {days[0] - dt.timedelta(days=1), days[0], days[-1], days[len(days) // 2]}
    picks |= {d + dt.timedelta(days=1) for d in days[:: max(1, len(days) // 3)]}
    return sorted(picks)


def database_state() -> dict[str, Any]:
    """Row counts of every register, audit, certificate, seal and tax table and the audit chain's
    head, in every municipality (each under its own context, as row-level security wants)."""
    from django.apps import apps

    from jichitai.audit.models import AuditChainHead
    from jichitai.tenancy.context import TenantContext, activate
    from jichitai.tenancy.models import Municipality, TenantModel

    out: dict[str, Any] = {}
    for m in Municipality.objects.order_by("pk"):
        with activate(
            TenantContext(municipality_id=m.pk, acting_municipality_id=m.pk, purpose="test")
        ):
            for label in ("registry", "audit", "certificates", "seals", "tax", "tenancy"):
                for model in apps.get_app_config(label).get_models():
                    if issubclass(model, TenantModel):
                        out[f"{m.code}:{model._meta.label}"] = model._base_manager.count()
            out[f"{m.code}:chain_head"] = list(
                AuditChainHead._base_manager.values_list("seq", "hash")
            )
    return out
