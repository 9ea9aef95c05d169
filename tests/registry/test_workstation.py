"""[230] 入力場所・入力端末: the master per municipality (CLI), recorded on each 異動 entered and in the
operation log, shown in the history; another municipality's terminals are not found."""

from __future__ import annotations

import pytest

from jichitai.registry import workstation
from jichitai.registry.errors import RegistryError
from jichitai.registry.records_models import EventEntry, InputTerminal
from jichitai.registry.selectors.snapshots import snapshots
from jichitai.tenancy.context import activate

from .conftest import move_in_family, people

pytestmark = pytest.mark.django_db


def _cli(office, *args: str) -> int:
    from jichitai.cli import main

    return main(["registry", "places", "--municipality", office.municipality.code, *args])


@pytest.mark.std("230#1", "200#1")
def test_places_and_terminals_are_kept_and_recorded_on_events_and_in_the_log(office, capsys) -> None:
    from jichitai.audit.models import AuditEntry

    assert _cli(office, "add-place", "HQ", "本庁市民課", "main_office") == 0
    assert _cli(office, "add-place", "BR1", "北支所", "branch") == 0
    assert _cli(office, "add-terminal", "BR1", "BR1-01", "北支所窓口1") == 0
    assert _cli(office, "add-terminal", "NOPE", "X-01", "x") == 1
    assert "入力場所コード NOPE がありません" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # argparse refuses an unknown kind, naming the choices
        _cli(office, "add-place", "BR2", "南支所", "castle")
    assert "main_office" in capsys.readouterr().err
    assert _cli(office, "list") == 0
    listed = capsys.readouterr().out
    assert "北支所\t支所" in listed and "BR1-01\t北支所窓口1" in listed
    with activate(office.ctx()):
        t = InputTerminal.objects.get(code="BR1-01")
        workstation.use(workstation.choose(t.pk))
        move_in_family(office)
        head = people()[0]
        entry = EventEntry.objects.get()
        assert (entry.place.name, entry.terminal.name) == ("北支所", "北支所窓口1")
        row = snapshots(head.pk, staff=office.clerk).rows[0]
        assert (row.input_place, row.input_terminal) == ("北支所", "北支所窓口1")
        logged = AuditEntry.objects.filter(action="registry.event.submitted").get()
        assert (logged.detail["input_place"], logged.detail["input_terminal"]) == ("BR1", "BR1-01")
    assert _cli(office, "disable", "terminal", "BR1-01") == 0
    with activate(office.ctx()), pytest.raises(RegistryError):
        workstation.choose(t.pk)  # no longer in use


def test_without_a_workstation_nothing_is_invented(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        assert not EventEntry.objects.exists()
        assert snapshots(people()[0].pk, staff=office.clerk).rows[0].input_place == ""


def test_input_is_checked(office) -> None:
    with activate(office.ctx()):
        for args, rule in ((("", "本庁", "main_office"), "input_place_code"),
                           (("HQ", "", "main_office"), "input_place_name"),
                           (("HQ", "本庁", "palace"), "input_place_kind")):
            with pytest.raises(RegistryError) as err:
                workstation.add_place(*args)
            assert err.value.violations[0].rule == rule
        workstation.add_place("HQ", "本庁", "main_office")
        with pytest.raises(RegistryError):
            workstation.add_place("HQ", "本庁2", "main_office")


def test_another_municipalitys_terminal_is_not_found(office, office_b) -> None:
    with activate(office_b.ctx()):
        workstation.add_place("HQ", "乙町役場", "main_office")
        tb = workstation.add_terminal("HQ", "T1", "乙町端末")
    with activate(office.ctx()):
        with pytest.raises(RegistryError):
            workstation.choose(tb.pk)
        assert workstation.places() == []
        workstation.add_place("HQ", "甲村役場", "main_office")  # codes are per municipality


@pytest.mark.std("200#1")
def test_offer_notice_and_request_dates_where_the_standard_has_them(office) -> None:
    import datetime as dt

    from jichitai.registry import events

    from .conftest import D

    with activate(office.ctx()):
        move_in_family(office)
        head = people()[0]
        with pytest.raises(RegistryError) as err:  # 請求日 only for 旧氏; 申出日 not for a 転居
            events.submit_event("move_within", {"person_ids": [head.pk], "address": {"address_id": office.address2.pk,
                                "banchi": "3"}}, effective_date=D(2024, 1, 5), reported_date=D(2024, 1, 5),
                                entered_by=office.clerk, requested_on=D(2024, 1, 5), offered_on=D(2024, 1, 5),
                                notified_on=dt.date.today() + dt.timedelta(days=1))
        assert sorted(v.field for v in err.value.violations) == ["notified_on", "offered_on", "requested_on"]
        sub = events.submit_event("ex_officio_correction", {"person_id": head.pk, "changes": {"former_surname": "佐藤"}},
                                  effective_date=D(2024, 1, 5), reported_date=None, entered_by=office.clerk,
                                  requested_on=D(2024, 1, 4), notified_on=D(2024, 1, 3))
        events.approve_event(sub.event.pk, approver=office.approver)
        row = snapshots(head.pk, staff=office.clerk).rows[-1]
        assert (row.reason, row.requested_on, row.notified_on, row.offered_on) == (
            "旧氏の記載", "2024-01-04", "2024-01-03", None)
