"""The issuance path after eligibility: 発行番号 ([1040]), the data of a 住民票の写し ([1000]#1, #6,
[1010], [90]), the 交付履歴 and print log ([300], [360]) and the final check of the persons."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from django.db import transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from jichitai.certificates.issuance import IssuanceMismatch, Requester, finalize, issue
from jichitai.certificates.issuance.data import CertificateData
from jichitai.certificates.issuance.fake import fake_renderer, read_fake
from jichitai.certificates.issuance.history import dispose, person_history, search
from jichitai.certificates.issuance.order import member_order
from jichitai.certificates.models import HistoryUndeletable, Issuance, IssuanceSubject, PrintLog
from jichitai.registry import support
from jichitai.tenancy.context import activate
from jichitai.tenancy.models import MunicipalSetting
from tests.registry.conftest import apply, person_spec

from .conftest import STATION, family, issue_for, officer, request

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.mark.std("1040#1", "1040#3", "1040#5")
def test_each_copy_gets_its_own_number_with_pages(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        issued = issue_for(
            office,
            [head.pk],
            copies=3,
            requester=Requester("household", person_id=head.pk),
            whole_household=True,
        )
        today = timezone.localdate().strftime("%Y%m%d")
        assert [c.number for c in issued.copies] == [
            f"{today} 甲村 本庁1 プリンタ001 {n:03d}" for n in (1, 2, 3)
        ]
        assert issued.copies[0].data.page_numbers == [f"{today} 甲村 本庁1 プリンタ001 001 1/1"]
        nxt = issue_for(office, [son.pk], requester=Requester("household", person_id=head.pk))
        assert nxt.copies[0].number.endswith(" 004")  # gap-free across requests


@pytest.mark.std("1040#4")
def test_number_leaves_unknown_devices_blank(office) -> None:
    from jichitai.certificates.issuance import CertificateRequest, Station

    with activate(office.ctx()):
        head, _, _ = family(office)
        req = CertificateRequest(
            "juminhyo", (head.pk,), Requester("self", person_id=head.pk), station=Station()
        )
        number = issue(req, staff=office.clerk, renderer=fake_renderer).copies[0].number
        assert number.split(" ")[1:] == ["甲村", "　", "　", "001"] or number.split(" ")[2:4] == [
            "　",
            "　",
        ]


@pytest.mark.std("1040#6")
def test_the_place_of_issue_is_never_printed(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        issued = issue_for(office, [head.pk])
        assert (
            Issuance.objects.get().place == STATION.place
        )  # kept in the 交付履歴 ([300]#1 交付場所)
        content = issued.copies[0].content.decode()
        assert "本庁舎" not in content and "市民課窓口" not in content


@pytest.mark.std("1040#2")
def test_a_place_unit_can_be_part_of_the_number(office) -> None:
    from jichitai.certificates.issuance import CertificateRequest, Station

    with activate(office.ctx()):
        head, _, _ = family(office)
        req = CertificateRequest(
            "juminhyo",
            (head.pk,),
            Requester("self", person_id=head.pk),
            station=Station(terminal="北支所2", printer="プリンタ003"),
        )
        assert (
            " 北支所2 プリンタ003 "
            in issue(req, staff=office.clerk, renderer=fake_renderer).copies[0].number
        )


def test_a_failed_rendering_leaves_its_number_void_as_spoiled_and_the_sequence_whole(office) -> None:
    def broken(data: CertificateData) -> bytes:
        raise RuntimeError("renderer down")

    with activate(office.ctx()):
        head, _, _ = family(office)
        with pytest.raises(RuntimeError):
            issue(request([head.pk]), staff=office.clerk, renderer=broken)
        assert issue_for(office, [head.pk]).copies[0].number.endswith(" 002")
        rows = list(Issuance.objects.order_by("pk"))
        assert [r.status for r in rows] == [Issuance.SPOILED, Issuance.ISSUED]
        assert "renderer down" in rows[0].disposed_reason and not rows[0].prints.exists()
        numbers = [n.rsplit(" ", 1)[1] for r in rows for n in r.numbers]
        assert numbers == ["001", "002"]  # every number of the day accounted for, once


@pytest.mark.std("1000#1", "90#1", "90#3")
def test_household_copy_choices_omissions_and_wareki(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        hh = Requester("household", person_id=head.pk)
        whole = read_fake(
            issue_for(office, [son.pk], requester=hh, whole_household=True).copies[0].content
        )
        assert whole["form"] == "世帯連記式" and [m["氏名"] for m in whole["members"]] == [
            "髙橋　一郎",
            "髙橋　花子",
            "髙橋　太郎",
        ]
        assert whole["members"][0]["生年月日"] == "昭和55年5月1日" and "1980" not in str(whole)
        for item in ("続柄", "本籍", "住民票コード", "個人番号"):
            assert item not in whole["members"][0]  # omitted unless asked for
        assert whole["omitted"][:4] == ["世帯主・続柄", "本籍・筆頭者", "住民票コード", "個人番号"]
        some = read_fake(
            issue_for(
                office, [wife.pk, son.pk], requester=hh, head_and_relationship=True, honseki=True
            )
            .copies[0]
            .content
        )
        assert [m["続柄"] for m in some["members"]] == ["妻", "子"] and some["members"][0]["本籍"]
        single = issue_for(office, [head.pk, wife.pk], requester=hh, household_form=False)
        assert [c.data.form for c in single.copies] == ["個人票", "個人票"] and len(
            {c.number for c in single.copies}
        ) == 2


@pytest.mark.std("90#4")
def test_foreign_birth_date_and_expiry_in_seireki(office) -> None:
    with activate(office.ctx()):
        apply(
            office,
            "move_in",
            {
                "household": {"new": {"address_id": office.address.pk, "banchi": "5番地"}},
                "persons": [
                    person_spec(
                        "f1",
                        "SMITH",
                        "JOHN",
                        "1985-02-03",
                        "世帯主",
                        resident_type="foreign",
                        nationality="アメリカ合衆国",
                        residence_end_date="2027-03-31",
                        honseki="",
                        hittousha="",
                        alphabet_name="SMITH JOHN",
                    )
                ],
                "previous_address": "アメリカ合衆国",
            },
            D(2023, 4, 1),
        )
        from tests.registry.conftest import people

        john = people(family_name="SMITH")[0]
        printed = read_fake(issue_for(office, [john.pk], foreign_items=True).copies[0].content)[
            "members"
        ][0]
        assert (
            printed["生年月日"] == "1985年2月3日"
            and printed["在留期間の満了の日"] == "2027年3月31日"
        )
        assert printed["国籍・地域"] == "アメリカ合衆国"
        plain = read_fake(issue_for(office, [john.pk]).copies[0].content)["members"][0]
        assert "在留資格" not in plain and "国籍・地域" not in plain


@pytest.mark.std("1000#6", "1000#10")
def test_planned_move_out_items_are_left_out_and_no_alert_is_raised(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        later = timezone.localdate() + dt.timedelta(days=10)
        apply(
            office,
            "move_out_planned",
            {
                "person_ids": [son.pk],
                "destination": "大阪府大阪市北区梅田1丁目1番1号",
                "planned_date": later.isoformat(),
            },
            timezone.localdate(),
        )
        issued = issue_for(
            office,
            [son.pk],
            requester=Requester("household", person_id=head.pk),
            whole_household=True,
        )
        assert (
            issued.warnings == ()
        )  # [1000]#10 (must not): no alert about a household with a 転出予定者
        content = issued.copies[0].content.decode()
        assert "大阪" not in content and "転出" not in content


@pytest.mark.std("1010#1")
def test_member_order_follows_the_ranks() -> None:
    def p(
        rel: str, birth: str, atena: str, hittousha: str = "山田一郎", name: str = ""
    ) -> dict[str, Any]:
        return {
            "relationship": rel,
            "birth_date": D.fromisoformat(birth),
            "atena_no": atena,
            "hittousha": hittousha,
            "family_name": "山田",
            "given_name": name,
        }

    members = [
        p("同居人", "1950-01-01", "900"),
        p("縁故者", "1951-01-01", "800"),
        p("妻の兄", "1960-01-01", "701"),
        p("妻の姉", "1960-01-01", "700"),
        p("祖母", "1930-01-01", "600"),
        p("兄", "1955-01-01", "500"),
        p("母", "1935-01-01", "401"),
        p("父", "1933-01-01", "400", hittousha="山田太郎", name="太郎"),
        p("孫", "2015-01-01", "310", hittousha="山田次郎"),
        p("子の妻", "1992-01-01", "309", hittousha="山田次郎"),
        p("子", "1990-01-01", "308", hittousha="山田次郎"),
        p("子", "1995-01-01", "307"),
        p("子", "1995-01-01", "306"),
        p("妻", "1962-01-01", "200"),
        p("世帯主", "1960-05-05", "100", name="一郎"),
    ]
    order = [m["atena_no"] for m in member_order(members)]
    assert order == [
        "100",
        "200",
        "306",
        "307",
        "308",
        "309",
        "310",
        "400",
        "401",
        "500",
        "600",
        "700",
        "701",
        "800",
        "900",
    ]
    members[-1]["member_order"], members[0]["member_order"] = "2", "1"  # 任意に設定
    assert [m["atena_no"] for m in member_order(members)][:2] == ["900", "100"]


@pytest.mark.std("300#1")
def test_history_keeps_every_item_and_the_print_log(office) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        issued = issue_for(
            office, [wife.pk], copies=2, requester=Requester("household", person_id=head.pk)
        )
        row = Issuance.objects.get(pk=issued.history_id)
        assert (row.request_id, row.kind, row.subject_ids, row.copies, row.pages) == (
            issued.request_id,
            "juminhyo",
            [wife.pk],
            2,
            2,
        )
        assert (
            row.place
            and row.terminal == "本庁1"
            and row.staff_id == office.clerk.pk
            and row.issued_at
        )
        assert row.numbers == [c.number for c in issued.copies] and "氏名" in row.items
        assert row.keep_until.year == timezone.localdate().year + 5
        assert [p.number for p in PrintLog.objects.order_by("copy_no")] == row.numbers
        dispose(row.pk, reason="誤交付のため回収・廃棄")
        assert Issuance.objects.get(pk=row.pk).disposed_reason == "誤交付のため回収・廃棄"


@pytest.mark.std("300#2")
def test_history_cannot_be_deleted_within_its_period(office) -> None:
    with activate(office.ctx()):
        MunicipalSetting.objects.create(key="certificates.history_keep_years", value=10)
        head, _, _ = family(office)
        issued = issue_for(office, [head.pk])
        row = Issuance.objects.get(pk=issued.history_id)
        assert row.keep_until.year == timezone.localdate().year + 10
        for attempt in (
            row.delete,
            Issuance.objects.all().delete,
            IssuanceSubject.objects.all().delete,
            PrintLog.objects.all().delete,
        ):
            with pytest.raises((HistoryUndeletable, ProtectedError)), transaction.atomic():
                attempt()
        assert Issuance.objects.count() == 1 and PrintLog.objects.count() == 1
        assert IssuanceSubject.objects.count() == 1
        Issuance.objects.filter(pk=row.pk).update(
            keep_until=timezone.localdate() - dt.timedelta(days=1)
        )
        PrintLog.objects.all().delete()
        IssuanceSubject.objects.all().delete()
        Issuance.objects.all().delete()  # after the period it may go
        assert not Issuance.objects.exists()


@pytest.mark.std("360#1", "360#2")
def test_history_inquiry_per_person_and_by_items(office, office_b) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        hh = Requester("household", person_id=head.pk)
        first = issue_for(office, [head.pk, wife.pk], requester=hh)
        issue_for(office, [son.pk], requester=hh)
        assert [r.pk for r in person_history(wife.pk, staff=office.clerk)] == [first.history_id]
        assert len(person_history(son.pk, staff=office.clerk)) == 1
        assert [r.pk for r in search(staff=office.clerk, number=first.copies[0].number)] == [
            first.history_id
        ]
        assert len(search(staff=office.clerk, terminal="本庁1", kind="juminhyo")) == 2
        support.start_measure(
            wife.pk, start=D(2024, 1, 1), reason="DV", against=[], staff=officer(office)
        )
        # protected side: her history is not shown to staff without need-to-know
        assert person_history(wife.pk, staff=office.clerk) == []
        assert [
            r.pk for r in search(staff=office.clerk, kind="juminhyo")
        ] != [] and first.history_id not in [
            r.pk for r in search(staff=office.clerk, kind="juminhyo")
        ]
    with activate(office_b.ctx(office_b.clerk)):
        assert person_history(head.pk, staff=office_b.clerk) == []
        assert search(staff=office_b.clerk, kind="juminhyo") == []


def test_finalize_refuses_a_document_about_someone_else(office) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        issued = issue_for(office, [head.pk])
        assert finalize(issued, [head.pk]) is issued
        with pytest.raises(IssuanceMismatch) as exc:
            finalize(issued, [wife.pk])
        assert exc.value.message == "証明書の対象者が請求と一致しないため、交付を中止しました。"
        swapped = replace(
            issued,
            copies=(
                replace(
                    issued.copies[0], data=replace(issued.copies[0].data, person_ids=(wife.pk,))
                ),
            ),
        )
        with pytest.raises(IssuanceMismatch):
            finalize(swapped, [head.pk])
        foreign_request = replace(issued, request_id="another-request")
        with pytest.raises(IssuanceMismatch):
            finalize(foreign_request, [head.pk])


def test_protected_member_never_reaches_a_household_copy_without_need_to_know(office) -> None:
    from jichitai.certificates.issuance import IssuanceRefused

    with activate(office.ctx()):
        head, wife, son = family(office)
        support.start_measure(
            wife.pk, start=D(2024, 1, 1), reason="DV", against=[], staff=officer(office)
        )
        with pytest.raises(IssuanceRefused):
            issue_for(
                office,
                [son.pk],
                requester=Requester("household", person_id=head.pk),
                whole_household=True,
            )
        # the son alone: his address is the protected household's, hidden from this clerk
        with pytest.raises(IssuanceRefused) as exc:
            issue_for(office, [son.pk], requester=Requester("household", person_id=head.pk))
        assert exc.value.messages == ["請求された住民票が見つかりません。"]
        # the 支援措置担当 issues the son's copy; she is not on it
        alone = issue_for(
            office,
            [son.pk],
            staff=officer(office, "officer-2"),
            requester=Requester("household", person_id=head.pk),
        )
        assert (
            "花子" not in alone.copies[0].content.decode()
            and "太郎" in alone.copies[0].content.decode()
        )


@pytest.mark.std("1010#4")
def test_no_other_member_order_rule_can_be_set() -> None:
    from jichitai.certificates.issuance import Options

    with pytest.raises(TypeError):
        Options(member_order_rule="name")  # type: ignore[call-arg]


@pytest.mark.std("1000#8")
def test_an_event_dated_before_an_issuance_raises_no_alert(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        issue_for(office, [head.pk])
        # 異動日 before today's issuance: approved with no alert (AlertsRaised would stop apply)
        moved = apply(
            office,
            "move_within",
            {
                "person_ids": [head.pk, wife.pk, son.pk],
                "address": {"address_id": office.address2.pk, "banchi": "9番地"},
            },
            timezone.localdate() - dt.timedelta(days=30),
        )
        assert moved.status == "approved"
