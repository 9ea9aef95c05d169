"""[80]#1: the 異動日 of a 出生 or 死亡 may be written as a 不詳日 (kept as written with an internal date,
like 生年月日); every other 異動 takes a calendar day."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.registry import selectors
from jichitai.registry.errors import RegistryError
from jichitai.registry.events import submit_event
from jichitai.registry.models import Person, RegistryEvent
from jichitai.tenancy.context import activate

from .conftest import D, apply, move_in_family, people, person_spec

pytestmark = pytest.mark.django_db


def _birth(office: Any, text: str, effective: Any) -> Any:
    head = people()[0]
    child = person_spec("c1", head.family_name, "次郎", "", "子", given_kana="ジロウ")
    child.pop("birth_date")
    return apply(office, "birth", {"household_id": head.household_id, "person": child,
                                   "effective_date_text": text}, effective, reported=D(2024, 6, 20))


@pytest.mark.std("80#1", "80#4")
def test_a_birth_date_unknown_in_part_is_the_childs_birth_date_as_written(office: Any, office_b: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        event = _birth(office, "令和6年5月頃", D(2024, 5, 1))
        assert event.effective_date == D(2024, 5, 1) and event.effective_date_text == "令和6年5月頃"
        child = Person.objects.without_read_log("test").get(given_name="次郎")
        assert (child.birth_date, child.birth_date_text) == (D(2024, 5, 1), "令和6年5月頃")
        (snap,) = [h for h in selectors.history(child.pk) if h["event_id"] == event.pk]
        assert snap["effective_date_text"] == "令和6年5月頃"
    with activate(office_b.ctx()):
        assert not RegistryEvent.objects.filter(effective_date_text="令和6年5月頃").exists()


@pytest.mark.std("80#1")
def test_a_death_date_unknown_in_part_is_kept_as_written_beside_the_removal_date(office: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        child = people()[2]
        event = apply(office, "death", {"person_id": child.pk, "effective_date_text": "令和6年5月日不詳"},
                      D(2024, 5, 1), reported=D(2024, 6, 1))
        assert event.effective_date_text == "令和6年5月日不詳"
        row = Person.objects.without_read_log("test").get(pk=child.pk)
        assert (row.status, row.removed_on, row.removed_on_text) == ("dead", D(2024, 5, 1), "令和6年5月日不詳")


@pytest.mark.std("80#1")
def test_a_plain_day_written_is_no_text_and_a_mismatch_names_the_internal_date(office: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        event = _birth(office, "令和6年5月3日", D(2024, 5, 3))
        assert event.effective_date_text == ""  # a calendar day needs no text
        wife = people()[1]
        with pytest.raises(RegistryError) as exc:
            apply(office, "death", {"person_id": wife.pk, "effective_date_text": "令和6年頃"}, D(2024, 5, 1),
                  reported=D(2024, 6, 1))
        (v,) = exc.value.violations
        assert v.field == "effective_date_text" and "2024-01-01" in v.message


@pytest.mark.std("80#1")
@pytest.mark.parametrize(("kind", "req", "field", "words"), [
    ("death", {"effective_date_text": "令和6年13月頃"}, "effective_date_text", "異動日（記載どおり）"),
    ("name_change", {"family_name": "青木", "effective_date_text": "令和6年頃"}, "effective_date_text", ""),
])
def test_a_bad_text_or_another_kind_is_refused(office: Any, kind: str, req: dict[str, Any], field: str,
                                               words: str) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        person = people()[2]
        with pytest.raises(RegistryError) as exc:
            submit_event(kind, {"person_id": person.pk, **req}, effective_date=D(2024, 5, 1),
                         reported_date=D(2024, 6, 1), entered_by=office.clerk)
        assert any(field in (v.field or "") and words in v.message for v in exc.value.violations), \
            exc.value.violations
