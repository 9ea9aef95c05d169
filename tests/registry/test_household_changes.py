"""[720] 世帯変更等, [730] 世帯主変更による続柄設定, [740] 事実上の世帯主.

The four 世帯変更等 (世帯分離・世帯合併・世帯変更・世帯主変更) work; a 世帯変更等 never moves anyone, never
takes a 方書 spelled otherwise as the same, and never carries a 方書 correction with it (the
correction is its own, earlier 異動). Another municipality's households stay out of reach.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry import events, notes
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import Person, RegistryEvent
from jichitai.registry.selectors.snapshots import snapshots
from jichitai.tenancy.context import activate

from .conftest import apply, person_spec
from .test_snapshots import _protect

pytestmark = pytest.mark.django_db
D = dt.date


def _get(**kw: Any) -> Any:
    return Person.objects.without_read_log("test").get(**kw)


def _homes(office: Any, katagaki: str = "", other_katagaki: str = "") -> dict[str, Any]:
    """山田 (世帯主 太郎, 妻 花子, 子 一郎, 母 梅) and 佐藤 (世帯主 次郎) at 本町一丁目 5番地."""
    def home(people: list[dict[str, Any]], kata: str) -> None:
        apply(office, "move_in", {"household": {"new": {"address_id": office.address.pk, "banchi": "5番地",
                                                        "katagaki": kata}},
                                  "persons": people, "previous_address": "大阪府大阪市北区1番"}, D(2024, 1, 10))

    home([person_spec("p1", "山田", "太郎", "1970-01-01", "世帯主"),
          person_spec("p2", "山田", "花子", "1972-02-02", "妻", sex="2"),
          person_spec("p3", "山田", "一郎", "2000-03-03", "子"),
          person_spec("p4", "山田", "梅", "1945-04-04", "母", sex="2")], katagaki)
    home([person_spec("p1", "佐藤", "次郎", "1975-05-05", "世帯主")], other_katagaki or katagaki)
    return {p.given_name: p for p in Person.objects.without_read_log("test").all()}


def _refused(office: Any, kind: str, req: dict[str, Any]) -> list[Any]:
    with pytest.raises(RegistryError) as exc:
        events.submit_event(kind, req, effective_date=D(2024, 2, 1), reported_date=None, entered_by=office.clerk)
    return exc.value.violations


# --- [720]#1: the four 世帯変更等 ----------------------------------------------------------------------

@pytest.mark.std("720#1")
def test_household_change_moves_some_members_into_another_household(office) -> None:
    with activate(office.ctx()):
        m = _homes(office)
        apply(office, "household_change", {"person_ids": [m["一郎"].pk], "to_household_id": m["次郎"].household_id,
                                           "relationships": {str(m["一郎"].pk): "同居人"}}, D(2024, 2, 1))
        ichiro = _get(pk=m["一郎"].pk)
        assert (ichiro.household_id, ichiro.relationship) == (m["次郎"].household_id, "同居人")
        assert _get(pk=m["太郎"].pk).household.head_id == m["太郎"].pk
        assert snapshots(ichiro.pk, staff=office.clerk).rows[-1].reason == "世帯変更"


@pytest.mark.std("720#1")
def test_household_change_of_the_head_names_who_heads_the_household_left(office) -> None:
    with activate(office.ctx()):
        m = _homes(office)
        apply(office, "household_change", {
            "person_ids": [m["太郎"].pk], "to_household_id": m["次郎"].household_id, "remaining_head_id": m["花子"].pk,
            "relationships": {str(m["太郎"].pk): "同居人", str(m["一郎"].pk): "子", str(m["梅"].pk): "夫の母"}},
            D(2024, 2, 1))
        hanako = _get(pk=m["花子"].pk)
        assert hanako.relationship == "世帯主" and hanako.household.head_id == hanako.pk
        assert _get(pk=m["梅"].pk).relationship == "夫の母"
        assert _get(pk=m["太郎"].pk).household_id == m["次郎"].household_id


@pytest.mark.std("720#1")
def test_household_change_refuses_the_whole_household_and_missing_relationships(office) -> None:
    with activate(office.ctx()):
        m = _homes(office)
        (v,) = _refused(office, "household_change", {"person_ids": [m["次郎"].pk],
                                                     "to_household_id": m["太郎"].household_id,
                                                     "relationships": {str(m["次郎"].pk): "同居人"}})
        assert v.rule == "whole_household" and "世帯合併" in v.message
        (v,) = _refused(office, "household_change", {"person_ids": [m["一郎"].pk],
                                                     "to_household_id": m["次郎"].household_id})
        assert v.rule == "relationship_required"
        (v,) = _refused(office, "household_change", {"person_ids": [m["一郎"].pk],
                                                     "to_household_id": m["次郎"].household_id,
                                                     "relationships": {str(m["一郎"].pk): "同居人",
                                                                       str(m["次郎"].pk): "同居人"}})
        assert v.rule == "not_member"
        assert _get(pk=m["次郎"].pk).relationship == "世帯主"


@pytest.mark.std("720#1")
def test_split_merge_change_and_head_change_all_go_through(office) -> None:
    with activate(office.ctx()):
        m = _homes(office)
        apply(office, "household_split", {"person_ids": [m["一郎"].pk]}, D(2024, 2, 1))
        split = _get(pk=m["一郎"].pk).household_id
        assert split not in (m["太郎"].household_id, m["次郎"].household_id)
        apply(office, "household_merge", {"from_household_id": split, "to_household_id": m["次郎"].household_id,
                                          "relationships": {str(m["一郎"].pk): "同居人"}}, D(2024, 2, 2))
        apply(office, "household_change", {"person_ids": [m["梅"].pk], "to_household_id": m["次郎"].household_id,
                                           "relationships": {str(m["梅"].pk): "同居人"}}, D(2024, 2, 3))
        apply(office, "head_change", {"household_id": m["次郎"].household_id, "new_head_id": m["梅"].pk,
                                      "relationships": {str(m["次郎"].pk): "同居人", str(m["一郎"].pk): "同居人"}},
              D(2024, 2, 4))
        reasons = [r.reason for r in snapshots(m["一郎"].pk, staff=office.clerk).rows]
        assert reasons[-3:] == ["世帯分離", "世帯合併", "世帯主変更"]
        assert [r.reason for r in snapshots(m["梅"].pk, staff=office.clerk).rows][-2:] == ["世帯変更", "世帯主変更"]


# --- [720]#3–#5 must not -----------------------------------------------------------------------

@pytest.mark.std("720#3")
@pytest.mark.parametrize("kind", ["household_merge", "household_change"])
def test_a_katagaki_spelled_otherwise_is_not_taken_as_the_same(office, kind: str) -> None:
    with activate(office.ctx()):
        m = _homes(office, katagaki="栄ハイツ101", other_katagaki="栄ハイツ101号室")
        req = ({"from_household_id": m["次郎"].household_id, "to_household_id": m["太郎"].household_id,
                "relationships": {str(m["次郎"].pk): "同居人"}} if kind == "household_merge" else
               {"person_ids": [m["一郎"].pk], "to_household_id": m["次郎"].household_id,
                "relationships": {str(m["一郎"].pk): "同居人"}})
        (v,) = _refused(office, kind, req)
        assert v.rule == "address_change_in_household_change" and "方書" in v.message
        assert not RegistryEvent.objects.filter(kind=kind).exists()
        assert _get(pk=m["一郎"].pk).household.katagaki == "栄ハイツ101"
        assert _get(pk=m["次郎"].pk).household.katagaki == "栄ハイツ101号室"


@pytest.mark.std("720#4")
@pytest.mark.parametrize("kind", ["household_merge", "household_change", "household_split", "head_change"])
def test_a_household_change_cannot_carry_a_katagaki_correction(office, kind: str) -> None:
    with activate(office.ctx()):
        m = _homes(office, katagaki="栄ハイツ101", other_katagaki="栄ハイツ101号室")
        base = {"household_merge": {"from_household_id": m["次郎"].household_id,
                                    "to_household_id": m["太郎"].household_id,
                                    "relationships": {str(m["次郎"].pk): "同居人"}},
                "household_change": {"person_ids": [m["一郎"].pk], "to_household_id": m["次郎"].household_id,
                                     "relationships": {str(m["一郎"].pk): "同居人"}},
                "household_split": {"person_ids": [m["一郎"].pk]},
                "head_change": {"household_id": m["太郎"].household_id, "new_head_id": m["花子"].pk,
                                "relationships": {str(m["太郎"].pk): "夫"}}}[kind]
        for extra in ({"katagaki": "栄ハイツ101"}, {"address": {"address_id": office.address.pk, "banchi": "5番地",
                                                             "katagaki": "栄ハイツ101"}},
                      {"changes": {"katagaki": "栄ハイツ101"}}):
            found = _refused(office, kind, {**base, **extra})
            assert {v.rule for v in found} == {"unknown_item"}
        assert not RegistryEvent.objects.exclude(kind="move_in").exists()
        assert _get(pk=m["次郎"].pk).household.katagaki == "栄ハイツ101号室"


@pytest.mark.std("720#5")
def test_the_katagaki_fix_is_its_own_earlier_event_never_one_with_the_merge(office) -> None:
    """The 方書 fix and the 世帯合併 cannot be one 異動 (#4), so no combined 異動 exists to be sent in
    any order: the fix is entered, approved and logged first, the merge after it."""
    with activate(office.ctx()):
        m = _homes(office, katagaki="栄ハイツ101", other_katagaki="栄ハイツ101号室")
        merge = {"from_household_id": m["次郎"].household_id, "to_household_id": m["太郎"].household_id,
                 "relationships": {str(m["次郎"].pk): "同居人"}}
        assert _refused(office, "household_merge", merge)[0].rule == "address_change_in_household_change"
        apply(office, "move_within", {"person_ids": [m["次郎"].pk], "address": {
            "address_id": office.address.pk, "banchi": "5番地", "katagaki": "栄ハイツ101"}}, D(2024, 2, 1))
        apply(office, "household_merge", merge, D(2024, 2, 1))
        log = list(RegistryEvent.objects.filter(status="approved").exclude(kind="move_in").order_by("approval_seq")
                   .values_list("kind", flat=True))
        assert log == ["move_within", "household_merge"]
        assert [r.reason for r in snapshots(m["次郎"].pk, staff=office.clerk).rows][-2:] == ["転居", "世帯合併"]


# --- [730] 世帯主変更による続柄設定 --------------------------------------------------------------------

@pytest.mark.std("730#1")
def test_a_head_change_sets_the_members_relationships(office) -> None:
    with activate(office.ctx()):
        m = _homes(office)
        apply(office, "head_change", {"household_id": m["太郎"].household_id, "new_head_id": m["花子"].pk,
                                      "relationships": {str(m["太郎"].pk): "夫", str(m["梅"].pk): "夫の母"}},
              D(2024, 2, 1))
        got = {n: _get(pk=m[n].pk).relationship for n in ("太郎", "花子", "一郎", "梅")}
        assert got == {"太郎": "夫", "花子": "世帯主", "一郎": "子", "梅": "夫の母"}


@pytest.mark.std("730#1")
def test_a_head_change_sets_no_relationship_outside_its_household(office) -> None:
    with activate(office.ctx()):
        m = _homes(office)
        (v,) = _refused(office, "head_change", {"household_id": m["太郎"].household_id, "new_head_id": m["花子"].pk,
                                                "relationships": {str(m["太郎"].pk): "夫", str(m["次郎"].pk): "同居人"}})
        assert v.rule == "not_member"
        assert _get(pk=m["次郎"].pk).relationship == "世帯主"


def test_a_household_change_into_another_municipality_is_refused(office, office_b) -> None:
    with activate(office_b.ctx()):
        other = _homes(office_b)["次郎"]
    with activate(office.ctx()):
        m = _homes(office)
        found = _refused(office, "household_change", {"person_ids": [m["一郎"].pk],
                                                      "to_household_id": other.household_id,
                                                      "relationships": {str(m["一郎"].pk): "同居人"}})
        assert found[0].rule == "not_found"
    with activate(office_b.ctx()):
        assert Person.objects.without_read_log("test").filter(household_id=other.household_id).count() == 1


# --- [740] 事実上の世帯主 -----------------------------------------------------------------------------

@pytest.mark.std("740#1")
def test_the_de_facto_head_is_kept_and_written_in_the_biko(office) -> None:
    with activate(office.ctx()):
        m = _homes(office)
        for name in ("花子", "一郎"):
            apply(office, "ex_officio_correction", {"person_id": m[name].pk,
                                                    "changes": {"de_facto_head": "スミス　ジョン"}}, D(2024, 3, 1))
        assert _get(pk=m["一郎"].pk).de_facto_head == "スミス　ジョン"
        assert notes.certificate_column(m["一郎"].pk)["notes"] == ["事実上の世帯主　スミス　ジョン"]
        assert notes.certificate_column(m["太郎"].pk)["notes"] == []
        last = snapshots(m["一郎"].pk, staff=office.clerk).rows[-1]
        assert (last.reason, last.changed) == ("職権修正", ("de_facto_head",))
        apply(office, "ex_officio_correction", {"person_id": m["一郎"].pk, "changes": {"de_facto_head": ""}},
              D(2024, 4, 1))
        assert notes.certificate_column(m["一郎"].pk)["notes"] == []


def test_the_de_facto_head_of_a_protected_person_is_not_shown_without_need_to_know(office) -> None:
    with activate(office.ctx()):
        m = _homes(office)
        apply(office, "ex_officio_correction", {"person_id": m["一郎"].pk,
                                                "changes": {"de_facto_head": "施設長　山本"}}, D(2024, 3, 1))
        officer = _protect(office, m["一郎"].pk)
        masked = snapshots(m["一郎"].pk, staff=office.clerk)
        assert masked.masked and "施設長" not in repr(masked)
        with pytest.raises(RegistryError):
            notes.remarks_and_notes(m["一郎"].pk, staff=office.clerk)
        assert snapshots(m["一郎"].pk, staff=officer).rows[-1].row["de_facto_head"] == "施設長　山本"


def test_another_municipalitys_de_facto_head_cannot_be_set(office, office_b) -> None:
    with activate(office_b.ctx()):
        other = _homes(office_b)["一郎"]
    with activate(office.ctx()), pytest.raises(RegistryError):
        events.submit_event("ex_officio_correction", {"person_id": other.pk, "changes": {"de_facto_head": "他市"}},
                            effective_date=D(2024, 3, 1), reported_date=None, entered_by=office.clerk)
    with activate(office_b.ctx()):
        assert _get(pk=other.pk).de_facto_head == ""


@pytest.mark.std("720#1")
def test_household_change_through_the_api(office, tenants) -> None:
    from tests.api.conftest import login_client, post

    with activate(office.ctx()):
        m = _homes(office)
    client, _ = login_client(tenants.a, "clerk")
    body = {"kind": "household_change", "effective_date": "2024-02-01",
            "request": {"person_ids": [m["一郎"].pk], "to_household_id": m["次郎"].household_id,
                        "relationships": {str(m["一郎"].pk): "同居人"}}}
    resp = post(client, "/events", body, key="moves-720-1")
    assert resp.status_code in (200, 201), resp.content[:500]
    body["request"]["katagaki"] = "別棟"
    resp = post(client, "/events", body, key="moves-720-4")
    assert resp.status_code == 422
    with activate(office.ctx()):
        assert RegistryEvent.objects.filter(kind="household_change", status="provisional").count() == 1
