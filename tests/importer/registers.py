"""Random valid registers as interchange records, built from the synthetic generator's households.

``RegisterBuilder`` applies 異動 in date order (転入, 職権記載, 30条46・47, 出生, 転居,
住所一括変更・軽微な修正, 世帯分離・合併・変更, 世帯主変更, 氏名変更, 通称の記載, 誤記修正・職権修正,
住民票コードの変更, 本籍の一括変更, 国籍喪失・帰化・国籍取得, 転出, 死亡, 失踪, 職権消除) and gives every
person it touches a history entry with their full state afterwards, as a source system's history
rows say it. ``registers()`` is the hypothesis strategy.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from jichitai.importer import PersonRecord
from jichitai.importer.synthetic_records import (  # noqa: F401 - the tests' names for them
    CATEGORIES,
    CODE,
    RENAMES,
    TOWNS,
    RegisterBuilder,
    foreign,
    synthetic_specs,
)

BABY_CODE = "470031"
OPS = (
    "move_within",
    "name_change",
    "household_change",
    "household_merge",
    "head_change",
    "alias",
    "correction",
    "ex_officio_correction",
    "nationality_change",
    "renumber",
    "resident_code_change",
    "honseki_renumbering",
    "move_out",
    "move_out_abroad",
    "death",
    "disappearance",
    "ex_officio_deletion",
    "birth",
)


@st.composite
def registers(draw: Any, max_households: int = 4) -> list[PersonRecord]:
    seed = draw(st.integers(0, 10_000))
    n = draw(st.integers(1, max_households))
    specs = synthetic_specs(seed, n)
    # 出生: specs for newborns, from another generator municipality (identity numbers its own)
    babies = [s for hh in synthetic_specs(seed, 3, BABY_CODE) for s in hh]
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
        abroad = draw(st.booleans())
        b.move_in(
            members, day, draw(st.integers(0, 2)), f"{draw(st.integers(1, 30))}番地",
            abroad=abroad, reason=draw(st.sampled_from(  # 30条46: from abroad; 30条47: already here
                (["", "move_in_30_46"] if abroad else ["", "entry_30_47"]) if category
                else [""] if abroad else ["", "ex_officio_entry"]
            )),
        )  # fmt: skip
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
        elif op == "household_merge":  # 世帯合併・世帯変更; else a 世帯分離 first, then back
            if not b.household_merge(atena, day) and len(b.persons[atena].history) < 3:
                b.household_change(atena, day)
                day += dt.timedelta(days=draw(st.integers(1, 30)))
                b.household_merge(atena, day)
        elif op in ("resident_code_change", "honseki_renumbering"):
            b.renew(atena, day, op)
        elif op == "renumber":
            no = b.persons[atena].household_no
            if all(not b.full(a) for a in b.members(no)):
                b.renumber(no, day, f"{draw(st.integers(31, 60))}番地",
                           draw(st.sampled_from(["address_renumbering", "minor_correction"])))
        elif op == "head_change":
            b.head_change(b.persons[atena].household_no, day)
        elif op == "alias":
            b.alias(atena, day)
        elif op == "nationality_change":
            b.nationality_change(atena, day)
        elif op in ("correction", "ex_officio_correction"):
            b.correction(atena, day, op)
        elif op == "birth":
            if babies:
                b.birth(b.persons[atena].household_no, day, babies.pop())
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
