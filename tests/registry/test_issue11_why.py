"""Issue 11's "Why", row by row: what a counter met and got wrong when the issue was filed, each
tried end to end on today's code. Imports of the features sit inside the tests, so that on the old
code each row fails on its own (an unknown kind, a missing module, or the old wrong answer).
Another municipality's rows are tried last and must fail."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from jichitai.registry import events
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import Household, Person
from jichitai.tenancy.context import activate

from .conftest import apply, move_in_family, people, person_spec

D = dt.date
pytestmark = pytest.mark.django_db
OSAKA = "大阪府大阪市北区梅田1丁目"
MY_NUMBER = "123456789018"


def _get(pk: int) -> Person:
    return Person.objects.without_read_log("テスト").get(pk=pk)


def _plan(office: Any, pid: int, planned: dt.date, reported: dt.date) -> None:
    req = {"person_ids": [pid], "destination": OSAKA, "planned_date": planned.isoformat()}
    apply(office, "move_out_planned", req, reported)


def _single(office: Any, family: str, request: dict[str, Any] | None = None, **kw: Any) -> Person:
    """A one-person household moved in to 本町一丁目 3番地 on 2020-04-01."""
    req = {
        "household": {"new": {"address_id": office.address.pk, "banchi": "3番地"}},
        "persons": [person_spec("p1", family, "誠", kw.pop("birth", "1985-06-01"), "世帯主", **kw)],
        "previous_address": "東京都港区芝1番",
        **(request or {}),
    }
    apply(office, "move_in", req, D(2020, 4, 1))
    return people(family_name=family)[-1]


def _foreign(**kw: Any) -> dict[str, Any]:
    return {
        "resident_type": "foreign",
        "nationality": "ベトナム",
        "honseki": "",
        "hittousha": "",
        **kw,
    }


# --- row 1: the 転出 life cycle ([680], [50]#1) -------------------------------------------------


def test_row1_the_notice_keeps_the_planned_destination_and_its_own_date(office) -> None:
    """「a 転出 confirmed by the 転入通知 overwrites the planned destination and keeps no 転入通知日」"""
    with activate(office.ctx()):
        move_in_family(office)
        son = people()[2]
        _plan(office, son.pk, D(2024, 3, 20), D(2024, 3, 1))
        apply(
            office,
            "move_out_confirmed",
            {
                "person_ids": [son.pk],
                "destination": OSAKA + "1番1号",
                "notice_date": "2024-04-02",
                "moved_in_on": "2024-03-25",
            },
            D(2024, 4, 2),
        )
        q = _get(son.pk)
        assert (q.move_out_destination, q.move_out_planned_on) == (OSAKA, D(2024, 3, 20))
        assert (q.move_out_confirmed_destination, q.move_in_notice_on) == (
            OSAKA + "1番1号",
            D(2024, 4, 2),
        )


def test_row1_a_resident_reads_as_moved_out_from_the_planned_date_without_a_clerk(office) -> None:
    """「a resident stays 住民 after the 転出予定日 until a clerk acts」"""
    from jichitai.registry import selectors
    from jichitai.registry.selectors import SearchQuery

    with activate(office.ctx()):
        move_in_family(office)
        son = people()[2]
        past = dt.date.today() - dt.timedelta(days=40)
        _plan(office, son.pk, past, past - dt.timedelta(days=5))
        # nobody acted since the 転出届: he reads as 転出者 and is no longer among the residents
        detail = selectors.person_detail(son.pk, staff=office.clerk)
        assert detail.summary.status == "moved_out" and detail.summary.status_label == "転出者"
        residents = selectors.search(SearchQuery(name="髙橋"), staff=office.clerk)
        assert son.pk not in [r.id for r in residents.results] and residents.total == 2


def test_row1_the_removal_date_is_the_earlier_of_the_plan_and_the_notice(office) -> None:
    """「[50]#1 says the 消除 date is the earlier of the 転出予定日 and the date in the 転入通知」"""
    with activate(office.ctx()):
        move_in_family(office)
        _, wife, son = people()
        for pid in (son.pk, wife.pk):
            _plan(office, pid, D(2024, 3, 20), D(2024, 3, 1))
        for pid, moved_in in ((son.pk, "2024-03-15"), (wife.pk, "2024-03-28")):
            apply(
                office,
                "move_out_confirmed",
                {"person_ids": [pid], "moved_in_on": moved_in},
                D(2024, 4, 1),
            )
        assert (_get(son.pk).removed_on, _get(wife.pk).removed_on) == (
            D(2024, 3, 15),
            D(2024, 3, 20),
        )


# --- row 2: 再転入 ([600]) ---------------------------------------------------------------------


def _return(office: Any, **person: Any) -> Any:
    spec = person_spec("p1", "青木", "誠", "1985-06-01", "世帯主", **person)
    req = {
        "household": {"new": {"address_id": office.address2.pk, "banchi": "9番地"}},
        "persons": [spec],
        "previous_address": "アメリカ合衆国",
    }
    return events.submit_event(
        "move_in_abroad",
        req,
        effective_date=D(2024, 5, 1),
        reported_date=D(2024, 5, 1),
        entered_by=office.clerk,
    )


def _gone(office: Any, **person: Any) -> Person:
    aoki = _single(office, "青木", **person)
    apply(
        office,
        "move_out_abroad",
        {"person_ids": [aoki.pk], "destination": "アメリカ合衆国"},
        D(2022, 4, 1),
    )
    return aoki


def test_row2_a_returning_person_is_matched_on_his_numbers_and_keeps_his_atena_no(office) -> None:
    """「a person who moved out and comes back gets a second record with a new 宛名番号 and the same
    住民票コード」: [600] matches the 除票 on 個人番号 or 住民票コード, refuses a new record and reuses
    the 宛名番号."""
    with activate(office.ctx()):
        aoki = _gone(office, my_number=MY_NUMBER)
        for key, value in (("my_number", MY_NUMBER), ("resident_code", aoki.resident_code)):
            other = {} if key == "resident_code" else {"resident_code": "19999999990"}
            with pytest.raises(RegistryError) as exc:
                _return(office, **{key: value}, **other)
            assert (exc.value.violations[0].rule, exc.value.violations[0].field) == (
                "returning_resident",
                key,
            )
        out = _return(office, returning_person_id=aoki.pk, my_number="", resident_code="")
        events.approve_event(out.event.pk, approver=office.approver)
        (back,) = people(family_name="青木")
        assert (back.pk, back.status, back.atena_no, back.resident_code, back.my_number) == (
            aoki.pk,
            "resident",
            aoki.atena_no,
            aoki.resident_code,
            MY_NUMBER,
        )


def test_row2_a_returning_foreign_resident_is_matched_on_the_residence_card_number(office) -> None:
    """「match the 除票 on ... 在留カード番号, refuse a new record」 ([600])"""
    with activate(office.ctx()):
        _gone(office, **_foreign())
        with pytest.raises(RegistryError) as exc:
            _return(office, **_foreign())  # the same 在留カード番号, a new 住民票コード
        assert exc.value.violations[0].field == "residence_card_no"
        assert len(people(family_name="青木")) == 1


def test_row2_matching_name_sex_and_birth_date_alerts(office) -> None:
    """「alert on matching name, sex and birth date」 ([600])"""
    from jichitai.registry.errors import DuplicateSuspected

    with activate(office.ctx()):
        _gone(office)
        with pytest.raises(DuplicateSuspected) as exc:
            _return(office)  # new numbers: only the 3情報 match
        assert "一致する除票が 1 件あります" in exc.value.messages[0]


# --- row 3: a head who leaves ([490]) ----------------------------------------------------------


def test_row3_a_head_who_dies_with_two_members_left_raises_an_alert_and_a_choice(office) -> None:
    """「a head who dies with two members left is refused (the standard wants an alert and a
    choice)」: [490]#2 the alert urges a 世帯主変更 first; the clerk names a head, or confirms a
    household without one and the 世帯主変更依頼通知書 follows ([490]#4)."""
    from jichitai.registry.errors import AlertsRaised

    with activate(office.ctx()):
        move_in_family(office)
        move_in_family(office, family="佐藤")
        head, wife, son, other_head, other_wife, _ = people()
        with pytest.raises(AlertsRaised) as exc:
            events.submit_event(
                "death",
                {"person_id": head.pk},
                effective_date=D(2023, 1, 10),
                reported_date=D(2023, 1, 10),
                entered_by=office.clerk,
            )
        (alert,) = exc.value.violations
        assert alert.rule == "headless" and "残る世帯員2人" in alert.message
        assert "この異動の前に世帯主変更を入力する" in alert.message
        # choice 1: the clerk names the new head among those who remain
        apply(
            office,
            "death",
            {"person_id": head.pk, "new_head_id": wife.pk, "relationships": {son.pk: "子"}},
            D(2023, 1, 10),
        )
        assert Household.objects.get(pk=wife.household_id).head_id == wife.pk
        assert _get(wife.pk).relationship == "世帯主"
        # choice 2: a household without a head, confirmed; the request to report a head follows
        event = apply(
            office, "death", {"person_id": other_head.pk}, D(2023, 1, 10), confirm_alerts=True
        )
        assert Household.objects.get(pk=other_wife.household_id).head_id is None
        from jichitai.registry.documents import head_change_request

        (doc,) = head_change_request.for_event(event.pk, staff=office.clerk)
        assert doc.title == "世帯主変更依頼通知書" and doc.fields["宛先"] == "佐藤\u3000花子"


def test_row3_a_single_remaining_member_is_made_head(office) -> None:
    """「a single remaining member is not made head」 ([490]#1)"""
    with activate(office.ctx()):
        move_in_family(office)
        head, _, son = people()
        apply(
            office,
            "move_out_abroad",
            {"person_ids": [son.pk], "destination": "米国"},
            D(2022, 4, 1),
        )
        apply(office, "death", {"person_id": head.pk}, D(2023, 1, 10))
        (left,) = people(status="resident")
        assert left.relationship == "世帯主" and left.household.head_id == left.pk


# --- row 4: the chapter 4 functions that were missing ([620]–[990]) ---------------------------


def test_row4_unreported_move_in(office) -> None:
    """「no 未届転入」 ([620])"""
    from jichitai.registry import notes

    with activate(office.ctx()):
        p = _single(office, "未届", {"unreported": True})
        assert p.previous_address == "東京都港区芝1番（未届）"
        assert notes.certificate_column(p.pk)["remarks"] == [
            "未届転入　転入前住所（未届）：東京都港区芝1番（未届）"
        ]


def test_row4_de_facto_head(office) -> None:
    """「no 事実上の世帯主」 ([740])"""
    from jichitai.registry import notes

    with activate(office.ctx()):
        move_in_family(office)
        son = people()[2]
        apply(
            office,
            "ex_officio_correction",
            {"person_id": son.pk, "changes": {"de_facto_head": "スミス　ジョン"}},
            D(2024, 3, 1),
        )
        assert _get(son.pk).de_facto_head == "スミス　ジョン"
        assert notes.certificate_column(son.pk)["notes"] == ["事実上の世帯主　スミス　ジョン"]


def _new_record(atena_no: str) -> tuple[Person, Person]:
    old, new = Person.objects.without_read_log("テスト").filter(atena_no=atena_no).order_by("pk")
    return old, new


def test_row4_naturalization(office) -> None:
    """「no 帰化」 ([930]): 消除 and a Japanese 記載 carrying the 宛名番号, 住民票コード and 個人番号"""
    with activate(office.ctx()):
        p = _single(office, "グエン", **_foreign(my_number=MY_NUMBER))
        apply(
            office,
            "naturalization",
            {
                "person_id": p.pk,
                "family_name": "中村",
                "honseki": "大阪府堺市堺区1番地",
                "hittousha": "中村誠",
            },
            D(2024, 7, 1),
        )
        old, new = _new_record(p.atena_no)
        assert (old.status, new.status, new.resident_type, new.family_name) == (
            "deleted",
            "resident",
            "japanese",
            "中村",
        )
        assert (new.resident_code, new.my_number) == (p.resident_code, MY_NUMBER)


def test_row4_acquisition_of_nationality(office) -> None:
    """「no 国籍取得」 ([940])"""
    with activate(office.ctx()):
        p = _single(office, "グエン", **_foreign(my_number=MY_NUMBER))
        apply(
            office,
            "nationality_acquisition",
            {"person_id": p.pk, "honseki": "東京都港区芝1番地", "hittousha": "グエン誠"},
            D(2024, 2, 1),
        )
        old, new = _new_record(p.atena_no)
        assert (old.status, new.resident_type, new.my_number, new.resident_code) == (
            "deleted",
            "japanese",
            MY_NUMBER,
            p.resident_code,
        )


def test_row4_loss_of_nationality(office) -> None:
    """「no 国籍喪失」 ([950])"""
    with activate(office.ctx()):
        p = _single(office, "山本")
        apply(
            office,
            "nationality_loss",
            {
                "person_id": p.pk,
                "nationality": "アメリカ合衆国",
                "foreign_category": "mid_long",
                "residence_status": "日本人の配偶者等",
                "residence_card_no": "AB12345678CD",
            },
            D(2024, 6, 1),
        )
        old, new = _new_record(p.atena_no)
        assert (old.resident_type, old.status, new.resident_type, new.nationality) == (
            "japanese",
            "deleted",
            "foreign",
            "アメリカ合衆国",
        )
        assert (new.honseki, new.resident_code) == ("", p.resident_code)


@pytest.mark.parametrize("kind", ["move_in_30_46", "entry_30_47"])
def test_row4_30_46_and_30_47_with_a_blank_previous_address(office, kind: str) -> None:
    """「no 30条46/47 転入 (which must allow a blank 従前の住所)」 ([910], [920])"""
    extra = (
        {}
        if kind == "move_in_30_46"
        else {
            "foreign_category": "temporary_refuge",
            "residence_status": "",
            "residence_card_no": "",
            "landing_period": "6月",
        }
    )
    spec = person_spec("p1", "グエン", "誠", "1990-02-02", "世帯主", **_foreign(**extra))
    spec.pop("became_foreign_resident_on")  # the 異動日 stands for it
    with activate(office.ctx()):
        apply(
            office,
            kind,
            {
                "household": {"new": {"address_id": office.address.pk, "banchi": "3番地"}},
                "persons": [spec],
            },
            D(2024, 5, 1),
        )
        (p,) = people()
        assert (p.status, p.resident_type, p.previous_address) == ("resident", "foreign", "")


def test_row4_immigration_notice_intake(office) -> None:
    """「no 入管 通知 intake」 ([960]): a file, its 確認票, then the change by 職権 after 決裁"""
    from jichitai.registry import immigration

    with activate(office.ctx()):
        p = _single(
            office, "グエン", **_foreign(residence_card_no="AA00000001BB", birth="1990-02-02")
        )
        cells = dict.fromkeys(immigration.COLUMNS, "") | {
            "通知番号": "N1",
            "通知日": "2024-06-03",
            "処理区分": "修正",
            "事由": "在留期間更新許可",
            "異動日": "2024-06-01",
            "在留カード等番号": "AA00000001BB",
            "生年月日": "1990-02-02",
            "性別": "1",
            "在留期間の満了の日": "2029-06-01",
        }
        text = (
            ",".join(immigration.COLUMNS)
            + "\n"
            + ",".join(cells[c] for c in immigration.COLUMNS)
            + "\n"
        )
        assert [
            (r.verdict, r.person_id) for r in immigration.review(text, staff=office.clerk).rows
        ] == [("取込可", p.pk)]
        done = immigration.apply(text, staff=office.clerk)
        events.approve_event(done.events["N1"], approver=office.approver)
        assert _get(p.pk).residence_end_date == D(2029, 6, 1)


def test_row4_koseki_notice_intake(office) -> None:
    """「no 戸籍通知」 ([770], [780]): the 本籍地's notices become 職権 異動"""
    from jichitai.registry import koseki_intake

    with activate(office.ctx()):
        move_in_family(office)
        head = people()[0]
        notice = {
            "id": "N1",
            "type": "koseki_display",
            "effective_date": "2024-05-01",
            "koseki_reported_on": "2024-04-25",
            "notified_on": "2024-05-08",
            "person": {"resident_code": head.resident_code},
            "honseki": "甲県乙市本町9番地",
            "hittousha": "髙橋一郎",
        }
        text = json.dumps(
            {"format": "jichitai.koseki-notice/1", "source": "甲県乙市", "notices": [notice]},
            ensure_ascii=False,
        )
        result = koseki_intake.run(text, staff=office.clerk)
        assert [x.notice_id for x in result.entered] == ["N1"] and not result.to_confirm
        events.approve_event(result.entered[0].event_id, approver=office.approver)
        assert _get(head.pk).honseki == "甲県乙市本町9番地"


def _ex_officio(office: Any, kind: str, req: dict[str, Any], basis: str, **kw: Any) -> Any:
    from jichitai.registry import ex_officio

    sub = ex_officio.submit(
        kind, req, effective_date=D(2024, 5, 1), entered_by=office.clerk, basis=basis, **kw
    )
    return events.approve_event(sub.event.pk, approver=office.approver)


def test_row4_disappearance(office) -> None:
    """「no 失踪」 ([830]): entered as a 職権消除"""
    from jichitai.registry.selectors.snapshots import snapshots

    with activate(office.ctx()):
        move_in_family(office)
        son = people()[2]
        _ex_officio(
            office,
            "disappearance",
            {"person_id": son.pk},
            "koseki_notice",
            notified_on=D(2024, 5, 3),
        )
        assert (_get(son.pk).status, _get(son.pk).removed_on) == ("deleted", D(2024, 5, 1))
        assert snapshots(son.pk, staff=office.clerk).rows[-1].reason == "職権消除"


def test_row4_minor_correction_and_clerical_error_as_the_standard_names_them(office) -> None:
    """「no 軽微な修正 / 誤記修正 as the standard names them」 ([850], [860])"""
    from jichitai.registry.reasons import classify
    from jichitai.registry.selectors.snapshots import snapshots

    with activate(office.ctx()):
        move_in_family(office)
        head, wife, _ = people()
        apply(
            office,
            "minor_correction",
            {
                "ground": "building_name",
                "household_id": head.household_id,
                "changes": {"katagaki": "新名ハイツ"},
            },
            D(2024, 5, 1),
        )
        assert Household.objects.get(pk=head.household_id).katagaki == "新名ハイツ"
        assert snapshots(wife.pk, staff=office.clerk).rows[-1].reason == "軽微な修正"
        wrong = apply(
            office, "name_change", {"person_id": wife.pk, "family_name": "佐籐"}, D(2024, 5, 2)
        )
        fix = {"entity": "person", "entity_id": wife.pk, "field": "family_name", "value": "佐藤"}
        apply(office, "correction", {"target_event_id": wrong.pk, "changes": [fix]}, D(2024, 5, 3))
        assert snapshots(wife.pk, staff=office.clerk).rows[-1].reason == "誤記修正"
        assert (classify("minor_correction").label, classify("correction").label) == (
            "軽微な修正",
            "誤記修正",
        )


def test_row4_ex_officio_entry_on_an_offer(office) -> None:
    """「no 申出による職権記載」 ([790]): the 契機 申出 and its 申出日 are kept"""
    from jichitai.registry.ex_officio_models import ExOfficioRecord
    from jichitai.registry.selectors.snapshots import snapshots

    with activate(office.ctx()):
        move_in_family(office)
        son = people()[2]
        event = _ex_officio(
            office,
            "ex_officio_correction",
            {"person_id": son.pk, "changes": {"given_name_kana": "タ"}},
            "offer",
            offered_on=D(2024, 4, 30),
        )
        assert ExOfficioRecord.objects.get(event=event).get_basis_display() == "申出"
        assert snapshots(son.pk, staff=office.clerk).rows[-1].offered_on == "2024-04-30"


def test_row4_a_report_applied_ex_officio(office) -> None:
    """「no 届出の準用」 ([760]): a 届出 kind entered 職権, without a 届出日"""
    with activate(office.ctx()):
        move_in_family(office)
        son = people()[2]
        event = _ex_officio(office, "household_split", {"person_ids": [son.pk]}, "report_applied")
        assert event.reported_date is None and _get(son.pk).relationship == "世帯主"


# --- row 5: statistics ([1080]) and batch work ([1280]–[1350]) --------------------------------


def test_row5_statistics_for_a_reference_date(office) -> None:
    """「no statistics ([1080]: the 住民基本台帳関係年報 and the 入管 定期報告)」"""
    from jichitai.registry import statistics

    with activate(office.ctx()):
        move_in_family(office, D(2023, 4, 1))
        _single(office, "グエン", **_foreign())
        _plan(office, people()[1].pk, D(2025, 1, 10), D(2024, 12, 20))  # counts until its date
        report = statistics.report(D(2025, 1, 1))
        assert report.table("population").cell("日本人", "計") == 3
        assert report.table("population").cell("外国人", "男") == 1
        assert report.table("foreign_categories").cell("中長期在留者", "計") == 1
        assert statistics.report(D(2025, 1, 11)).table("population").cell("日本人", "女") == 0


def _run(office: Any, job: str, params: dict[str, Any], staff: Any = None) -> Any:
    """Start ``job`` through the runner and let the in-process worker run it."""
    from jichitai.jobs import runner, worker
    from jichitai.jobs.models import Run

    with activate(office.ctx()):
        run = runner.start(job, params, staff=staff or office.approver)
    assert worker.drain() == 1
    with activate(office.ctx()):
        run = Run.objects.get(pk=run.pk)
        assert run.status == "succeeded", run.error
        run.outputs = {f.name: bytes(f.content).decode("utf-8-sig") for f in run.files.all()}
        return run


def test_row5_removed_records_move_to_the_removed_store_after_five_years(office) -> None:
    """「除票 moved to the 除票 database after 5 years and kept 150 years」, found by the one search"""
    from jichitai.registry.archive_models import ArchivedRecord
    from jichitai.registry.selectors.removed import ARCHIVE, RemovedQuery, search_removed

    with activate(office.ctx()):
        move_in_family(office, D(2015, 4, 1))
        head, wife, _ = people()
        apply(office, "death", {"person_id": head.pk, "new_head_id": wife.pk}, D(2019, 3, 3))
    run = _run(office, "registry.removed_archive", {"base_date": "2026-06-01"})
    with activate(office.ctx()):
        assert run.counts["moved"] == 1 and not Person.objects.filter(pk=head.pk).exists()
        assert ArchivedRecord.objects.for_read(screen="テスト").get().keep_until == D(2169, 3, 3)
        found = search_removed(RemovedQuery(name="髙橋"), staff=office.clerk)
        assert [(r["source"], r["name"]) for r in found] == [(ARCHIVE, "髙橋\u3000一郎")]


def test_row5_inspection_copy(office) -> None:
    """「no 閲覧用写し」 ([1320])"""
    with activate(office.ctx()):
        move_in_family(office)
    run = _run(office, "registry.inspection_copy", {})
    text = run.outputs["閲覧用写し.csv"]
    assert run.counts == {"rows": 3} and "髙橋　一郎,昭和55年5月1日,男,本町一丁目1番地2" in text


def test_row5_random_extraction_with_address_labels(office) -> None:
    """「no random extraction with address labels」 ([1330])"""
    with activate(office.ctx()):
        move_in_family(office)
    run = _run(office, "registry.random_sample", {"count": "2"})
    assert run.counts["rows"] == 2 and set(run.outputs) == {"無作為抽出.csv", "宛名シール.csv"}
    labels = run.outputs["宛名シール.csv"].splitlines()
    assert labels[0] == "番号,郵便番号,住所,宛名" and len(labels) == 3
    assert all("本町一丁目1番地2" in line and line.endswith("様") for line in labels[1:])


def test_row5_address_change_in_bulk_for_a_residence_indication(office) -> None:
    """「no 住所一括変更 for 住居表示 changes」 ([1340]): 抽出, 仮処理 and 本処理 by two people"""
    from jichitai.accounts.models import RoleGrant, Staff

    with activate(office.ctx()):
        move_in_family(office)
        hh = people()[0].household
        second = Staff.objects.create(username="approver-a2", display_name="決裁 次郎")
        for role in ("approver", "clerk"):
            RoleGrant.objects.create(staff=second, municipality=office.municipality, role=role)
    extract = _run(office, "registry.address_renumbering", {"mode": "extract", "towns": "001"})
    assert hh.household_no in extract.outputs["住所一括変更_対象世帯.csv"]
    plan = f"世帯番号,変更前町字コード,変更前番地,変更後町字コード,変更後番地\n{hh.household_no},001,1番地2,001,3番12号\n"
    work = {"csv": plan, "effective_date": "2024-06-01"}
    assert (
        _run(office, "registry.address_renumbering", {**work, "mode": "trial"}).counts["done"] == 1
    )
    assert (
        _run(
            office, "registry.address_renumbering", {**work, "mode": "final"}, staff=second
        ).counts["done"]
        == 1
    )
    with activate(office.ctx()):
        assert Household.objects.get(pk=hh.pk).banchi == "3番12号"


def test_row5_adult_ward(office) -> None:
    """「no 成年被後見人」 ([1310]): the item on the person, the notice when a ward moves out"""
    with activate(office.ctx()):
        ward = _single(office, "佐藤")
        apply(
            office,
            "ex_officio_correction",
            {"person_id": ward.pk, "changes": {"adult_ward": "yes"}},
            D(2024, 1, 10),
        )
        _plan(office, ward.pk, D(2024, 3, 20), D(2024, 3, 1))
    run = _run(
        office, "registry.adult_ward_notices", {"since": "2024-03-01", "until": "2024-03-31"}
    )
    (notice,) = run.outputs.values()
    doc = json.loads(notice)
    assert run.counts == {"notices": 1} and doc["person_ids"] == [ward.pk]
    assert doc["fields"]["記載事項"] == "成年被後見人である旨"


# --- another municipality ---------------------------------------------------------------------


def test_another_municipalitys_rows_are_out_of_reach(office, office_b) -> None:
    """The rows above, tried on municipality B's person from A: nothing is found, nothing changes."""
    from jichitai.registry import statistics

    with activate(office_b.ctx()):
        move_in_family(office_b)
        theirs = people()[0]
    with activate(office.ctx()):
        for kind, req in (
            ("move_out_confirmed", {"person_ids": [theirs.pk], "moved_in_on": "2024-03-01"}),
            (
                "naturalization",
                {"person_id": theirs.pk, "honseki": "東京都港区芝1番地", "hittousha": "他市"},
            ),
            ("disappearance", {"person_id": theirs.pk}),
            (
                "ex_officio_correction",
                {"person_id": theirs.pk, "changes": {"de_facto_head": "他市"}},
            ),
        ):
            with pytest.raises(RegistryError):
                apply(office, kind, req, D(2024, 4, 1))
        assert statistics.report(D(2025, 1, 1)).table("population").cell("総計", "計") == 0
    with activate(office_b.ctx()):
        assert (_get(theirs.pk).status, _get(theirs.pk).de_facto_head) == ("resident", "")
