"""法第30条の46転入・法第30条の47届出 ([910], [920]): 中長期在留者等 written like a 国外転入, the
従前の住所 blank allowed; only the four 区分 the law names; another municipality's rows unreachable."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry import events
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import RegistryEvent
from jichitai.registry.reasons import classify
from jichitai.tenancy.context import activate

from .conftest import apply, people, person_spec

D = dt.date
pytestmark = pytest.mark.django_db


def _foreigner(ref: str = "p1", **kw: Any) -> dict[str, Any]:
    spec = person_spec(
        ref,
        "グエン",
        "ヴァン",
        "1990-02-02",
        kw.pop("rel", "世帯主"),
        resident_type="foreign",
        nationality="ベトナム",
        honseki="",
        hittousha="",
        **kw,
    )
    spec.pop("became_foreign_resident_on")  # the 異動日 stands for it unless stated
    return spec


def _entry(office: Any, kind: str, persons: list[dict[str, Any]], **req: Any) -> Any:
    return apply(
        office,
        kind,
        {
            "household": {"new": {"address_id": office.address.pk, "banchi": "3番地"}},
            "persons": persons,
            **req,
        },
        D(2024, 5, 1),
    )


@pytest.mark.std("910#1", "910#2")
def test_30_46_writes_a_mid_long_resident_with_a_blank_previous_address(office, office_b) -> None:
    with activate(office.ctx()):
        event = _entry(office, "move_in_30_46", [_foreigner()])
        (p,) = people()
        assert (p.status, p.resident_type, p.foreign_category, p.previous_address) == (
            "resident",
            "foreign",
            "mid_long",
            "",
        )
        assert (p.became_resident_on, p.address_set_on, p.became_foreign_resident_on) == (
            D(2024, 5, 1),
        ) * 3
        assert p.residence_card_no == "AB12345678CD"
        assert classify(event.kind).label == "国外転入等"
        pid = p.pk
    with activate(office_b.ctx()), pytest.raises(RegistryError):  # another municipality: not found
        events.submit_event(
            "resident_code_change",
            {"person_id": pid},
            effective_date=D(2024, 6, 1),
            reported_date=None,
            entered_by=office_b.clerk,
        )


@pytest.mark.std("910#1")
def test_30_46_with_a_stated_previous_address_keeps_it(office) -> None:
    with activate(office.ctx()):
        _entry(
            office,
            "move_in_30_46",
            [
                _foreigner(
                    foreign_category="special_permanent",
                    residence_status="",
                    residence_card_no="",
                    special_permanent_cert_no="XY12345678ZZ",
                )
            ],
            previous_address="大韓民国",
        )
        (p,) = people()
        assert (p.previous_address, p.foreign_category) == ("大韓民国", "special_permanent")


@pytest.mark.std("920#1", "920#2")
def test_30_47_keeps_the_earlier_address_date_and_a_blank_previous_address(office) -> None:
    with activate(office.ctx()):
        event = _entry(
            office,
            "entry_30_47",
            [
                _foreigner(
                    foreign_category="temporary_refuge",
                    residence_status="",
                    residence_card_no="",
                    landing_period="6月",
                )
            ],
            address_set_on="2024-03-10",
        )
        (p,) = people()
        assert (p.address_set_on, p.became_resident_on, p.previous_address) == (
            D(2024, 3, 10),
            D(2024, 5, 1),
            "",
        )
        assert RegistryEvent.objects.get(pk=event.pk).kind == "entry_30_47"


@pytest.mark.parametrize(
    "who",
    [
        {"resident_type": "japanese"},
        {"foreign_category": "transit_birth"},
    ],
)
def test_only_the_four_categories_of_the_law(office, who: dict[str, Any]) -> None:
    with activate(office.ctx()):
        spec = (
            _foreigner()
            if "foreign_category" in who
            else person_spec("p1", "山田", "一郎", "1990-01-01", "世帯主")
        )
        spec.update(who)
        with pytest.raises(RegistryError) as err:
            _entry(office, "move_in_30_46", [spec])
        assert err.value.violations[0].field == "foreign_category"
        assert people() == []


def test_the_address_date_is_30_47s_and_not_after_the_event(office) -> None:
    with activate(office.ctx()):
        for kind, day in (("move_in_30_46", "2024-03-10"), ("entry_30_47", "2024-06-01")):
            with pytest.raises(RegistryError):
                _entry(office, kind, [_foreigner()], address_set_on=day)
        assert people() == []


def test_the_plain_move_in_still_wants_the_previous_address(office) -> None:
    with activate(office.ctx()), pytest.raises(RegistryError):
        _entry(office, "move_in_abroad", [_foreigner()])
