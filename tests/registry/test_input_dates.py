"""Dates in order and families that make sense ([1440], registry.inputs.dates): errors refuse the
entry, alerts wait for the clerk's confirmation (``confirm_alerts``; ``confirm_duplicates`` still
confirms suspected duplicates only). Through the register, the API; another municipality too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.registry import events
from jichitai.registry.errors import AlertsRaised, DuplicateSuspected, RegistryError
from jichitai.registry.inputs import dates
from jichitai.registry.models import RegistryEvent
from jichitai.tenancy.context import activate
from tests.api.conftest import login_client, post

from .conftest import apply, move_in_family, people, person_spec

pytestmark = pytest.mark.django_db
D = dt.date


def _family(office: Any, *persons: tuple[str, str, str]) -> dict[str, Any]:
    return {
        "household": {"new": {"address_id": office.address.pk, "banchi": "7番地"}},
        "persons": [person_spec(f"p{i}", "森", given, birth, rel) for i, (given, birth, rel) in enumerate(persons, 1)],
        "previous_address": "大阪府大阪市北区1番",
    }


def _submit(office: Any, kind: str, req: Any, effective: dt.date, reported: dt.date | None = None, **kw: Any) -> Any:
    return events.submit_event(kind, req, effective_date=effective, reported_date=reported,
                               entered_by=office.clerk, **kw)


# --- errors: 届出日・異動日・生年月日 -----------------------------------------------------------------


@pytest.mark.std("1440#1", "1440#3")
def test_a_report_before_the_move_is_refused_except_for_a_move_out(office, office_b) -> None:
    with activate(office.ctx()):
        with pytest.raises(RegistryError) as exc:
            _submit(office, "move_in", _family(office, ("一", "1980-01-01", "世帯主")), D(2024, 4, 10), D(2024, 4, 1))
        (v,) = [v for v in exc.value.violations if v.rule == "reported_before_effective"]
        assert v.field == "reported_date"
        assert v.message.startswith("届出日（令和6年4月1日）が異動日（令和6年4月10日）より前です。")
        assert "確かめてください" in v.message  # what to do
        assert not RegistryEvent.objects.exists()
        move_in_family(office)
        head = people()[0]
        # 転出予定: the 異動日 (planned) may lie after the 届出日 ([640] 4.1.3.0.1 #1)
        out = _submit(office, "move_out_planned", {"person_ids": [head.pk], "destination": "大阪府大阪市"},
                      D(2024, 5, 1), D(2024, 4, 20))
        assert out.event.status == "provisional"
    with activate(office_b.ctx()):  # B's register sees none of A's events, and the same rule
        assert not RegistryEvent.objects.exists()
        with pytest.raises(RegistryError):
            _submit(office_b, "move_in", _family(office_b, ("一", "1980-01-01", "世帯主")), D(2024, 4, 10), D(2024, 4, 1))


def test_the_order_rule_exempts_moves_out_and_compensations() -> None:
    late, early = D(2024, 4, 10), D(2024, 4, 1)
    for kind in ("move_out_planned", "move_out_confirmed", "move_out_abroad", "cancellation", "correction"):
        assert dates.order_violations(kind, late, early) == []
    for kind in ("move_in", "birth", "death", "move_within", "household_split", "name_change"):
        assert [v.rule for v in dates.order_violations(kind, late, early)] == ["reported_before_effective"]
        assert dates.order_violations(kind, early, late) == dates.order_violations(kind, late, late) == []


@pytest.mark.std("1440#1", "1440#3")
def test_a_move_in_before_birth_is_refused_naming_the_person(office) -> None:
    with activate(office.ctx()):
        req = _family(office, ("一", "1980-01-01", "世帯主"), ("二", "2024-05-01", "子"))
        with pytest.raises(RegistryError) as exc:
            _submit(office, "move_in", req, D(2024, 4, 1), D(2024, 4, 1))
        (v,) = exc.value.violations
        assert (v.rule, v.field) == ("before_birth", "persons.1.birth_date")
        assert v.message.startswith("異動者2の生年月日（令和6年5月1日）が異動日（令和6年4月1日）より後です。")
        foreign = _family(office, ("一", "1980-01-01", "世帯主"))
        foreign["persons"][0] |= {"birth_date": "2024-05-01", "resident_type": "foreign", "family_name": "LEE",
                                  "given_name": "MIN", "nationality": "韓国", "residence_status": "留学",
                                  "honseki": "", "hittousha": "", "foreign_category": "mid_long",
                                  "residence_card_no": "AB12345678CD", "became_foreign_resident_on": "2024-04-01"}
        with pytest.raises(RegistryError) as exc:  # [90]: a foreign resident's 生年月日 in 西暦 only
            _submit(office, "move_in", foreign, D(2024, 4, 1), D(2024, 4, 1))
        (v,) = exc.value.violations
        assert v.rule == "before_birth" and "令和6年5月1日" not in v.message and "2024年5月1日" in v.message
        # an existing resident cannot move before birth either (the register's rule of old)
        move_in_family(office, D(2020, 4, 1))
        child = people()[2]
        with pytest.raises(RegistryError) as exc:
            _submit(office, "household_split", {"person_ids": [child.pk]}, D(2009, 1, 1))
        assert "before_birth" in [v.rule for v in exc.value.violations] or "backdated" in [
            v.rule for v in exc.value.violations]


# --- alerts: parents and children ----------------------------------------------------------------


@pytest.mark.std("1440#2", "1440#3")
def test_a_child_born_before_its_parent_is_an_alert_the_clerk_confirms(office, office_b) -> None:
    req = _family(office, ("一", "1980-01-01", "世帯主"), ("二", "1979-06-01", "子"))
    with activate(office.ctx()):
        with pytest.raises(AlertsRaised) as exc:
            _submit(office, "move_in", req, D(2024, 4, 1), D(2024, 4, 1))
        assert not isinstance(exc.value, DuplicateSuspected)
        (v,) = exc.value.violations
        assert (v.rule, v.field) == ("child_not_younger", "persons.1.birth_date")
        assert "続柄「子」の人と、その親にあたる続柄「世帯主」の人" in v.message and "確かめ" in v.message
        assert not RegistryEvent.objects.exists()
        with pytest.raises(AlertsRaised):  # confirming duplicates does not confirm this alert
            _submit(office, "move_in", req, D(2024, 4, 1), D(2024, 4, 1), confirm_duplicates=True)
        sub = _submit(office, "move_in", req, D(2024, 4, 1), D(2024, 4, 1), confirm_alerts=True)
        assert [w.rule for w in sub.warnings] == ["child_not_younger"]
        # the approver's queue and the operation log keep which alerts the clerk confirmed
        from jichitai.audit.models import AuditEntry

        assert sub.event.touches["alerts_confirmed"] == ["child_not_younger"]
        entry = AuditEntry.objects.get(action="registry.event.submitted", subject_id=str(sub.event.pk))
        assert entry.detail["alerts_confirmed"] == ["child_not_younger"]
    with activate(office_b.ctx()):  # B's register knows nothing of it; B's own entry asks the same
        assert not RegistryEvent.objects.exists()
        with pytest.raises(AlertsRaised):
            _submit(office_b, "move_in", _family(office_b, ("一", "1980-01-01", "世帯主"), ("二", "1979-06-01", "子")),
                    D(2024, 4, 1), D(2024, 4, 1))


@pytest.mark.std("1440#2")
@pytest.mark.parametrize(("persons", "rule"), [
    ((("一", "1980-01-01", "世帯主"), ("二", "1990-01-01", "子")), "parent_age_gap"),
    ((("一", "1980-01-01", "世帯主"), ("二", "1970-01-01", "母")), "parent_age_gap"),
    ((("一", "1980-01-01", "世帯主"), ("二", "1985-01-01", "父")), "child_not_younger"),
    ((("一", "1980-01-01", "世帯主"), ("二", "1981-01-01", "妻"), ("三", "1990-01-01", "妻の子")), "parent_age_gap"),
    ((("一", "1980-01-01", "世帯主"), ("二", "1981-01-01", "妻"), ("三", "1985-01-01", "妻の父")), "child_not_younger"),
])
def test_parent_age_alerts_follow_the_relationships(office, persons: Any, rule: str) -> None:
    with activate(office.ctx()), pytest.raises(AlertsRaised) as exc:
        _submit(office, "move_in", _family(office, *persons), D(2024, 4, 1), D(2024, 4, 1))
    assert [v.rule for v in exc.value.violations] == [rule]


def test_an_ordinary_family_raises_no_alert_and_other_relatives_are_not_compared(office) -> None:
    persons = (("一", "1980-01-01", "世帯主"), ("二", "1982-01-01", "妻"), ("三", "2010-01-01", "子"),
               ("四", "1950-01-01", "母"), ("五", "1983-01-01", "弟"), ("六", "1984-01-01", "同居人"))
    with activate(office.ctx()):
        sub = _submit(office, "move_in", _family(office, *persons), D(2024, 4, 1), D(2024, 4, 1))
        assert sub.warnings == []


@pytest.mark.std("1440#2")
def test_a_birth_to_a_young_head_is_an_alert_and_another_municipalitys_household_is_not_found(
        office, office_b) -> None:
    with activate(office_b.ctx()):
        move_in_family(office_b, D(2020, 4, 1))
        b_household = people()[0].household_id
    with activate(office.ctx()):
        apply(office, "move_in", _family(office, ("一", "2012-01-01", "世帯主")), D(2024, 4, 1))
        hid = people()[0].household_id
        child = person_spec("c", "森", "子", "", "子")
        with pytest.raises(AlertsRaised) as exc:
            _submit(office, "birth", {"household_id": hid, "person": child}, D(2024, 6, 1), D(2024, 6, 3))
        (v,) = exc.value.violations
        assert (v.rule, v.field) == ("parent_age_gap", "effective_date")
        with pytest.raises(RegistryError) as exc:
            _submit(office, "birth", {"household_id": b_household, "person": child}, D(2024, 6, 1), D(2024, 6, 3),
                    confirm_alerts=True)
        assert exc.value.violations[0].rule == "not_found"


# --- the API: 422 with rule and field for errors, 409 with warnings for alerts ------------------


@pytest.mark.std("1440#1", "1440#2", "1440#3")
def test_api_answers_errors_with_rule_and_field_and_alerts_until_confirmed(office, tenants) -> None:
    client, _ = login_client(tenants.a, "clerk")
    base = {"kind": "move_in", "effective_date": "2024-04-10", "reported_date": "2024-04-01",
            "request": _family(office, ("一", "1980-01-01", "世帯主"))}
    resp = post(client, "/events", base, key="in-1")
    assert resp.status_code == 422
    assert {"rule": "reported_before_effective", "field": "reported_date"}.items() <= resp.json()["errors"][0].items()
    bad_kana = {**base, "reported_date": "2024-04-10"}
    bad_kana["request"] = _family(office, ("一", "1980-01-01", "世帯主"))
    bad_kana["request"]["persons"][0]["given_name_kana"] = "イチ1"
    resp = post(client, "/events", bad_kana, key="in-2")
    assert resp.status_code == 422
    (e,) = resp.json()["errors"]
    assert (e["rule"], e["field"]) == ("kana_only", "request.persons.0.given_name_kana") and "数字「1」" in e["message"]
    family = {**base, "reported_date": "2024-04-10",
              "request": _family(office, ("一", "1980-01-01", "世帯主"), ("二", "1979-01-01", "子"))}
    resp = post(client, "/events", family, key="in-3")
    assert resp.status_code == 409
    body = resp.json()
    assert (body["errors"][0]["rule"], body["errors"][0]["field"]) == ("alert_confirmation_required", "confirm_alerts")
    assert [w["rule"] for w in body["warnings"]] == ["child_not_younger"]
    resp = post(client, "/events", {**family, "confirm_alerts": True}, key="in-4")
    assert resp.status_code == 201 and [w["rule"] for w in resp.json()["warnings"]] == ["child_not_younger"]


@pytest.mark.std("1440#2")
def test_an_alert_never_speaks_of_a_protected_member_to_staff_without_need_to_know(office, office_b) -> None:
    """The protected side: a birth into a household whose young head is under 支援措置. A clerk
    without need-to-know is refused (support_measure_entry) and hears no alert about the head;
    the support officer gets the alert, which names 続柄 only."""
    from jichitai.accounts.models import RoleGrant, Staff
    from jichitai.registry import support

    with activate(office.ctx()):
        apply(office, "move_in", _family(office, ("一", "2012-01-01", "世帯主")), D(2024, 4, 1))
        head = people()[0]
        officer = Staff.objects.create(username="support-inputs")
        for role in ("support_measure", "clerk"):
            RoleGrant.objects.create(staff=officer, municipality=office.municipality, role=role)
        start = dt.date.today() - dt.timedelta(days=30)  # active today, whatever the 異動日
        support.start_measure(head.pk, start=start, reason="DV", against=[], staff=officer)
        child = {"household_id": head.household_id, "person": person_spec("c", "森", "子", "", "子")}
        with pytest.raises(RegistryError) as exc:
            _submit(office, "birth", child, D(2024, 6, 1), D(2024, 6, 3))
        assert not isinstance(exc.value, AlertsRaised)
        assert [v.rule for v in exc.value.violations] == ["support_measure_entry"]
        assert all("世帯主" not in v.message and "生年月日" not in v.message for v in exc.value.violations)
        with pytest.raises(AlertsRaised) as exc:
            events.submit_event("birth", child, effective_date=D(2024, 6, 1), reported_date=D(2024, 6, 3),
                                entered_by=officer)
        (v,) = exc.value.violations
        assert v.rule == "parent_age_gap" and "2012" not in v.message and "森" not in v.message
    with activate(office_b.ctx()):  # B's clerk cannot reach A's protected household at all
        with pytest.raises(RegistryError) as exc:
            _submit(office_b, "birth", child, D(2024, 6, 1), D(2024, 6, 3), confirm_alerts=True)
        assert exc.value.violations[0].rule == "not_found"


@pytest.mark.std("1440#2")
def test_a_person_aged_120_or_more_is_an_alert(office) -> None:
    with activate(office.ctx()):
        with pytest.raises(AlertsRaised) as exc:
            _submit(office, "move_in", _family(office, ("一", "1900-01-01", "世帯主")), D(2024, 4, 1), D(2024, 4, 1))
        (v,) = exc.value.violations
        assert (v.rule, v.field) == ("very_old", "persons.0.birth_date") and "120歳以上" in v.message
        assert _submit(office, "move_in", _family(office, ("一", "1905-01-01", "世帯主")), D(2024, 4, 1),
                       D(2024, 4, 1)).warnings == []
