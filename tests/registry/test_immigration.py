"""出入国在留管理庁長官通知の取込 ([960]): the file format, the 処理結果確認票 (before → after), applied by
職権 only after it (仮登録 → 決裁), unmatched/ambiguous/特別永住者 notices listed and left, nothing
half-applied; a protected person reaches no clerk; another municipality's persons are not matched."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.registry import events, immigration
from jichitai.registry.documents import build
from jichitai.registry.models import Person, RegistryEvent
from jichitai.tenancy.context import activate

from .conftest import apply, people, person_spec
from .test_snapshots import _protect

D = dt.date
pytestmark = pytest.mark.django_db
HEADER = ",".join(immigration.COLUMNS)


def line(
    no: str,
    action: str,
    card: str,
    *,
    birth: str = "1990-02-02",
    sex: str = "1",
    reason: str = "在留期間更新許可",
    effective: str = "2024-06-01",
    **changes: str,
) -> str:
    cells = {c: "" for c in immigration.COLUMNS}
    cells.update(
        {
            "通知番号": no,
            "通知日": "2024-06-03",
            "処理区分": action,
            "事由": reason,
            "異動日": effective,
            "在留カード等番号": card,
            "生年月日": birth,
            "性別": sex,
            **changes,
        }
    )
    return ",".join(cells[c] for c in immigration.COLUMNS)


def file(*lines: str) -> str:
    return "\n".join((HEADER, *lines)) + "\n"


def foreigner(ref: str, given_name: str, card: str, rel: str, **kw: Any) -> dict[str, Any]:
    return person_spec(
        ref,
        "グエン",
        given_name,
        kw.pop("birth", "1990-02-02"),
        rel,
        resident_type="foreign",
        nationality="ベトナム",
        honseki="",
        hittousha="",
        residence_card_no=card,
        **kw,
    )


def family(office: Any) -> list[Any]:
    apply(
        office,
        "move_in_30_46",
        {
            "household": {"new": {"address_id": office.address.pk, "banchi": "5番地"}},
            "persons": [
                foreigner("p1", "ヴァン", "AA00000001BB", "世帯主"),
                foreigner("p2", "ミン", "AA00000002BB", "妻", sex="2", birth="1992-03-03"),
            ],
        },
        D(2024, 4, 1),
    )
    return people()


def single(office: Any, given_name: str, card: str, banchi: str, **kw: Any) -> Any:
    """A one-person household of a 中長期在留者 (a notice's own household)."""
    household = {"new": {"address_id": office.address.pk, "banchi": banchi}}
    person = foreigner("p1", given_name, card, "世帯主", **kw)
    return apply(
        office, "move_in_30_46", {"household": household, "persons": [person]}, D(2024, 4, 2)
    )


def cli_base(office: Any) -> list[str]:
    code, user = office.municipality.code, office.clerk.username
    return ["registry", "immigration", "--municipality", code, "--staff", user]


def _approve_all(office: Any, applied: immigration.Applied) -> None:
    for event_id in applied.events.values():
        events.approve_event(event_id, approver=office.approver)


@pytest.mark.std("960#1")
def test_the_confirmation_slip_then_the_update(office, office_b) -> None:
    text = file(
        line(
            "N1",
            "修正",
            "AA00000001BB",
            在留期間="5年",
            **{"在留期間の満了の日": "2029-06-01", "新しい在留カード等番号": "AA00000009BB"},
        ),
        line("N2", "消除", "AA00000003BB", reason="在留資格取消し"),
        line("N3", "修正", "AA00000002BB", sex="2", birth="1992-03-03", 在留資格="永住者"),
        line("N4", "消除", "AA00000002BB", sex="2", birth="1992-03-03", effective="2024-06-02"),
    )
    with activate(office.ctx()):
        head, wife = family(office)
        single(office, "タン", "AA00000003BB", "9番地")
        alone = people()[-1]
        rev = immigration.review(text, staff=office.clerk)
        assert [(r.notice.number, r.verdict, r.person_id) for r in rev.rows] == [
            ("N1", "取込可", head.pk),
            ("N2", "取込可", alone.pk),
            ("N3", immigration.REPEATED, wife.pk),
            ("N4", immigration.REPEATED, wife.pk),
        ]  # one notice per household: the others wait
        assert ("在留カード番号", "AA00000001BB", "AA00000009BB") in rev.rows[0].items
        assert ("在留期間の満了の日", "", "2029-06-01") in rev.rows[0].items
        slip = build("immigration_confirmation", staff=office.clerk, text=text)
        assert (
            slip.fields["取込可"] == 2
            and slip.rows[1]["変更内容"] == "住民票: 記載 → 消除（在留資格取消し）"
        )
        assert people()[0].residence_card_no == "AA00000001BB"  # the 確認票 changes nothing
        done = immigration.apply(text, staff=office.clerk)
        assert set(done.events) == {"N1", "N2"} and not done.refused
        assert {e.status for e in RegistryEvent.objects.filter(pk__in=done.events.values())} == {
            "provisional"
        }
        _approve_all(office, done)
        head, wife, alone = (
            Person.objects.without_read_log("テスト").get(pk=p.pk) for p in (head, wife, alone)
        )
        assert (head.residence_card_no, head.residence_period, head.residence_end_date) == (
            "AA00000009BB",
            "5年",
            D(2029, 6, 1),
        )
        assert (wife.residence_status, alone.status, alone.removed_on) == (
            "技術・人文知識・国際業務",
            "deleted",
            D(2024, 6, 1),
        )
        again = immigration.review(text, staff=office.clerk)  # the waiting notice, from the list
        assert [(r.notice.number, r.verdict) for r in again.rows if r.ready] == [("N3", "取込可")]
    with activate(office_b.ctx()):  # another municipality: the same file matches no one
        assert {r.verdict for r in immigration.review(text, staff=office_b.clerk).rows} == {
            immigration.UNMATCHED
        }


@pytest.mark.std("960#1")
def test_unmatched_ambiguous_mismatched_and_special_permanent_are_listed_not_applied(
    office,
) -> None:
    with activate(office.ctx()):
        family(office)
        single(office, "タン", "AA00000002BB", "6番地")
        special = {
            "foreign_category": "special_permanent",
            "residence_status": "",
            "special_permanent_cert_no": "SP00000001ZZ",
        }
        single(office, "キム", "", "7番地", **special)
        text = file(
            line("N1", "修正", "ZZ99999999ZZ", 在留資格="永住者"),
            line("N2", "修正", "AA00000002BB", 在留資格="永住者"),
            line("N3", "修正", "AA00000001BB", birth="1990-02-03", 在留資格="永住者"),
            line("N4", "修正", "SP00000001ZZ", 在留資格="永住者"),
            line("N5", "修正", "AA00000001BB", 在留資格="技術・人文知識・国際業務"),
        )
        rev = immigration.review(text, staff=office.clerk)
        assert [r.verdict for r in rev.rows] == [
            immigration.UNMATCHED,
            immigration.AMBIGUOUS,
            immigration.MISMATCH,
            immigration.SPECIAL,
            immigration.UNCHANGED,
        ]
        assert len(rev.pending) == 5
        done = immigration.apply(text, staff=office.clerk)
        assert (
            done.events == {}
            and RegistryEvent.objects.filter(kind="ex_officio_correction").count() == 0
        )


def test_a_second_notice_for_one_person_waits(office) -> None:
    with activate(office.ctx()):
        family(office)
        text = file(
            line("N1", "修正", "AA00000001BB", 在留期間="3年"),
            line("N2", "修正", "AA00000001BB", 在留期間="5年", effective="2024-07-01"),
        )
        assert [r.verdict for r in immigration.review(text, staff=office.clerk).rows] == [
            immigration.READY,
            immigration.REPEATED,
        ]


def test_a_malformed_file_applies_nothing_and_names_every_line(office) -> None:
    with activate(office.ctx()):
        family(office)
        text = file(
            line("N1", "修正", "AA00000001BB", 在留期間="3年"),
            line("N2", "変更", "AA00000001BB"),
            line("N3", "修正", "aa1"),
            line("N4", "消除", "AA00000002BB", 在留資格="x"),
            line("N1", "消除", "AA00000002BB"),
            "N6,2024-01-01",
        )
        done = immigration.apply(text, staff=office.clerk)
        assert [n for n, _ in done.review.problems] == [3, 4, 5, 6, 7]
        assert (
            done.events == {}
            and not RegistryEvent.objects.filter(kind="ex_officio_correction").exists()
        )
        assert immigration.parse("a,b\n1,2\n")[1][0][0] == 1


def test_one_refused_notice_leaves_nothing_submitted(office) -> None:
    with activate(office.ctx()):
        family(office)
        single(office, "タン", "AA00000003BB", "9番地")
        text = file(
            line("N1", "修正", "AA00000001BB", 在留期間="3年"),
            line("N2", "修正", "AA00000003BB", 在留資格="長" * 61),
        )
        done = immigration.apply(text, staff=office.clerk)
        assert done.events == {} and [n for n, _ in done.refused] == ["N2"]
        assert not RegistryEvent.objects.filter(kind="ex_officio_correction").exists()


def test_a_protected_persons_notice_reaches_only_support_staff(office) -> None:
    with activate(office.ctx()):
        head, _ = family(office)
        officer = _protect(office, head.pk)
        text = file(line("N1", "修正", "AA00000001BB", 在留期間="3年"))
        (row,) = immigration.review(text, staff=office.clerk).rows
        assert (row.verdict, row.person_id, row.name, row.items) == (
            immigration.PROTECTED,
            None,
            "＊＊＊＊（支援措置対象）",
            (),
        )
        slip = build("immigration_confirmation", staff=office.clerk, text=text)
        assert "ヴァン" not in str(slip)
        assert slip.rows[0]["住民ID"] == "" and slip.person_ids == ()
        assert immigration.apply(text, staff=office.clerk).events == {}
        (row,) = immigration.review(text, staff=officer).rows
        assert (row.verdict, row.person_id) == (immigration.READY, head.pk)


def test_the_cli_checks_and_applies(office, tmp_path, capsys) -> None:
    from jichitai.cli import main

    with activate(office.ctx()):
        family(office)
    path = tmp_path / "notices.csv"
    path.write_text(file(line("N1", "修正", "AA00000001BB", 在留期間="3年")), encoding="utf-8")
    base = cli_base(office)
    assert main([*base, "check", str(path)]) == 0
    assert "N1" in capsys.readouterr().out
    assert main([*base, "apply", str(path)]) == 0
    assert "仮登録" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(file(line("N1", "修正", "bad")), encoding="utf-8")
    assert main([*base, "apply", str(bad)]) == 1
    assert "bad.csv:2" in capsys.readouterr().err
    assert main([*base[:4], "--staff", "nobody", "check", str(path)]) == 2


_cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(_cell, min_size=0, max_size=17), max_size=5), header=st.booleans())
def test_the_parser_never_fails_on_any_text(rows: list[list[str]], header: bool) -> None:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    if header:
        writer.writerow(immigration.COLUMNS)
    writer.writerows(rows)
    notices, problems = immigration.parse(buf.getvalue())
    assert len(notices) + len(problems) <= max(len(rows), 1)
    assert all(isinstance(n, int) and isinstance(m, str) and m for n, m in problems)


@settings(max_examples=40, deadline=None)
@given(
    period=st.sampled_from(["1年", "3年", "5年"]),
    end=st.dates(D(2025, 1, 1), D(2035, 12, 31)),
    card=st.from_regex(r"[A-Z]{2}[0-9]{8}[A-Z]{2}", fullmatch=True),
)
def test_a_valid_notice_reads_back_as_written(period: str, end: dt.date, card: str) -> None:
    (notice,), problems = immigration.parse(
        file(line("N1", "修正", card, 在留期間=period, **{"在留期間の満了の日": end.isoformat()}))
    )
    assert problems == []
    assert (notice.card, notice.changes) == (
        card,
        {"residence_period": period, "residence_end_date": end.isoformat()},
    )
