"""戸籍通知の取込 ([770]#1, [780], [830]): a batch of 本籍地 notices becomes 職権 異動, the rest a 確認 list."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jichitai.registry import events, koseki_intake
from jichitai.registry.ex_officio_models import ExOfficioRecord
from jichitai.registry.models import Person, RegistryEvent
from jichitai.registry.records_models import EventEntry
from jichitai.tenancy.context import activate

from .conftest import move_in_family, people
from .test_snapshots import _protect

pytestmark = pytest.mark.django_db
D = dt.date


def _file(*notices: dict[str, Any]) -> str:
    return json.dumps(
        {"format": "jichitai.koseki-notice/1", "source": "甲県乙市", "notices": list(notices)},
        ensure_ascii=False,
    )


def _notice(nid: str, type_: str, who: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {
        "id": nid,
        "type": type_,
        "effective_date": "2024-05-01",
        "koseki_reported_on": "2024-04-25",
        "notified_on": "2024-05-08",
        "person": who,
        **kw,
    }


def _approve_all(office: Any, result: koseki_intake.IntakeResult) -> None:
    done = events.approve_events([x.event_id for x in result.entered], approver=office.approver)
    assert not done.refused


def _second_family(office: Any) -> None:
    """The same family again (the clerk confirmed the suspected duplicates)."""
    from .conftest import apply, person_spec

    apply(
        office,
        "move_in",
        {
            "household": {"new": {"address_id": office.address2.pk, "banchi": "5番地"}},
            "persons": [person_spec("p1", "髙橋", "一郎", "1980-05-01", "世帯主")],
            "previous_address": "東京都千代田区千代田1番1号",
        },
        D(2020, 4, 1),
        confirm_alerts=True,
    )


@pytest.mark.std("770#1", "780#1")
def test_notices_become_ex_officio_events_with_their_dates(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        text = _file(
            _notice(
                "N1",
                "koseki_display",
                {"resident_code": head.resident_code},
                honseki="甲県乙市本町9番地",
                hittousha="髙橋一郎",
            ),
            _notice(
                "N2",
                "name",
                {"family_name": "髙橋", "given_name": "花子", "birth_date": "1982-07-07"},
                family_name="佐藤",
                family_name_kana="サトウ",
            ),
            _notice("N3", "disappearance", {"resident_code": child.resident_code}),
        )
        result = koseki_intake.run(text, staff=office.clerk)
        assert [x.notice_id for x in result.entered] == ["N1", "N2", "N3"] and not result.to_confirm
        kinds = [RegistryEvent.objects.get(pk=x.event_id).kind for x in result.entered]
        assert kinds == ["ex_officio_correction", "name_change", "disappearance"]
        done = events.approve_events([x.event_id for x in result.entered], approver=office.approver)
        # the 失踪 was entered against the household before N1 and N2 changed it: the approver
        # rejects it and the file is run again, which enters it anew and replays the others
        (stale,) = done.refused
        events.reject_event(stale, approver=office.approver, reason="再取込")
        result = koseki_intake.run(text, staff=office.clerk)
        (anew,) = [x for x in result.entered if x.message == "仮登録しました"]
        assert anew.event_id != stale and len(result.entered) == 3
        events.approve_event(anew.event_id, approver=office.approver)
        rows = {p.pk: p for p in Person.objects.for_read(screen="テスト")}
        assert rows[head.pk].honseki == "甲県乙市本町9番地" and rows[wife.pk].family_name == "佐藤"
        assert rows[child.pk].status == "deleted"
        for line in result.entered:
            record = ExOfficioRecord.objects.get(event_id=line.event_id)
            assert (record.basis, record.koseki_reported_on) == ("koseki_notice", D(2024, 4, 25))
            assert record.notice_ref == f"甲県乙市:{line.notice_id}"
            assert EventEntry.objects.get(event_id=line.event_id).notified_on == D(2024, 5, 8)


@pytest.mark.std("770#1")
def test_a_file_run_twice_enters_nothing_twice(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head = people()[0]
        text = _file(
            _notice(
                "N1",
                "koseki_display",
                {"resident_code": head.resident_code},
                honseki="甲県乙市1番地",
            )
        )
        first = koseki_intake.run(text, staff=office.clerk)
        again = koseki_intake.run(text, staff=office.clerk)
        assert first.entered[0].event_id == again.entered[0].event_id
        assert RegistryEvent.objects.filter(kind="ex_officio_correction").count() == 1


@pytest.mark.std("770#1")
def test_notices_that_match_nobody_or_many_go_to_the_confirmation_list(office, office_b) -> None:
    with activate(office_b.ctx()):
        move_in_family(office_b, family="山田")
        elsewhere = people()[0]
    with activate(office.ctx()):
        move_in_family(office)
        _second_family(office)  # two matches by name and birth date
        text = _file(
            _notice(
                "N1",
                "name",
                {"family_name": "髙橋", "given_name": "一郎", "birth_date": "1980-05-01"},
                family_name="佐藤",
            ),
            _notice("N2", "death", {"resident_code": "99999999999"}),
            _notice(
                "N3",
                "koseki_display",
                {"resident_code": elsewhere.resident_code},
                honseki="X県1番地",
            ),
            _notice("N4", "name", {"family_name": "髙橋"}),
            {"id": "N5", "type": "adoption"},
        )
        result = koseki_intake.run(text, staff=office.clerk)
        assert not result.entered
        reasons = {x.notice_id: x.message for x in result.to_confirm}
        assert (
            "複数" in reasons["N1"] and "いません" in reasons["N2"] and "いません" in reasons["N3"]
        )
        assert "生年月日" in reasons["N4"] and "形式" in reasons["N5"]
        assert not ExOfficioRecord.objects.exists()


def test_move_in_twice_helper_really_makes_two_matches(office) -> None:
    """(the test above needs two 髙橋一郎 born 1980-05-01: the second move_in is confirmed)."""
    with activate(office.ctx()):
        move_in_family(office)
        _second_family(office)
        assert len(people(given_name="一郎")) == 2


@pytest.mark.std("770#1")
def test_a_protected_persons_notice_shows_nothing_of_the_register(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        _protect(office, wife.pk)
        text = _file(
            _notice("N1", "name", {"resident_code": wife.resident_code}, family_name="佐藤")
        )
        result = koseki_intake.run(text, staff=office.clerk)
        assert not result.entered
        (line,) = result.to_confirm
        shown = repr(result.confirm_rows())
        assert line.message == koseki_intake.NOT_SHOWN and "支援措置" not in shown
        assert wife.atena_no not in shown and "本町" not in shown and "花子" not in shown


@pytest.mark.std("830#1")
def test_a_head_who_disappears_waits_for_the_clerk(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head = people()[0]
        result = koseki_intake.run(
            _file(_notice("N1", "disappearance", {"resident_code": head.resident_code})),
            staff=office.clerk,
        )
        assert not result.entered and "世帯主" in result.to_confirm[0].message


def test_a_file_in_another_format_is_refused_whole(office) -> None:
    with activate(office.ctx()):
        for bad in (
            "",
            "[]",
            "{}",
            json.dumps({"format": "x", "source": "a", "notices": []}),
            "\xff",
        ):
            with pytest.raises(koseki_intake.IntakeFormatError):
                koseki_intake.run(bad, staff=office.clerk)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    notice=st.dictionaries(
        st.sampled_from(["id", "type", "effective_date", "person", "honseki", "extra"]),
        st.one_of(
            st.text(max_size=12),
            st.integers(),
            st.none(),
            st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
        ),
        max_size=6,
    )
)
def test_property_any_malformed_notice_lands_on_the_list_never_an_error(
    office, notice: dict[str, Any]
) -> None:
    with activate(office.ctx()):
        result = koseki_intake.run(_file(notice), staff=office.clerk)
        assert len(result.entered) + len(result.to_confirm) == 1 and not result.entered


def test_the_intake_needs_the_right_to_enter(office) -> None:
    from jichitai.accounts.capabilities import CapabilityMissing
    from jichitai.accounts.models import Staff

    with activate(office.ctx()), pytest.raises(CapabilityMissing):
        koseki_intake.run(_file(), staff=Staff.objects.create(username="no-role"))


@pytest.mark.std("770#1")
def test_the_cli_enters_the_file_and_writes_the_confirmation_list(office, tmp_path, capsys) -> None:
    from jichitai.cli import main

    with activate(office.ctx()):
        move_in_family(office)
        head = people()[0]
    path = tmp_path / "koseki.json"
    path.write_text(
        _file(
            _notice(
                "N1", "koseki_display", {"resident_code": head.resident_code}, honseki="甲県1番地"
            ),
            _notice("N2", "death", {"resident_code": "99999999999"}),
        ),
        encoding="utf-8",
    )
    out = tmp_path / "confirm.csv"
    code = office.municipality.code
    args = [
        "registry",
        "koseki",
        str(path),
        "--municipality",
        code,
        "--staff",
        office.clerk.username,
    ]
    assert main([*args, "--confirm-out", str(out)]) == 1
    assert "N1\t本籍・筆頭者の変更\t受付番号" in capsys.readouterr().out
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("通知番号,種別") and lines[1].startswith("N2,死亡")
    path.write_text("{}", encoding="utf-8")
    assert main(args) == 2
    assert main([*args[:4], "999999", "--staff", office.clerk.username]) == 2
    with activate(office.ctx()):
        assert RegistryEvent.objects.filter(kind="ex_officio_correction").count() == 1
