"""通知書の印刷: the register's documents as real PDFs (IPAmj明朝, read back with pdftotext), every
print logged with the hash of the bytes handed out, the 支援措置期間終了通知 ([440]#4) to the
protected person only, another municipality's documents refused, and the protected side."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from typing import Any

import pytest

from jichitai.certificates.models import NoticePrint
from jichitai.certificates.notices import (
    NoticeRefused,
    notice_html,
    page_count,
    print_documents,
    print_notice,
    render_notice,
)
from jichitai.registry import documents, support
from jichitai.registry.documents import support_end_notice as end_notice
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import SupportMeasure
from jichitai.tenancy.context import activate
from jichitai.tenancy.models import MunicipalSetting
from jichitai.wareki import format_date

from .conftest import family, officer
from .glyphs import pdf_text

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
TSUJI = "辻\U000e0102"  # 辻 with one dot: printed exactly as stored


def flat(pdf: bytes) -> str:
    return re.sub(r"\s", "", pdf_text(pdf))


def _approved_move_in(office: Any) -> Any:
    from jichitai.registry.models import RegistryEvent

    return RegistryEvent.objects.filter(kind="move_in").latest("pk")


def _sample(kind: documents.DocumentKind, code: str) -> documents.RegisterDocument:
    """A document of ``kind`` with every shape a builder gives: text, 和暦 dates, lists, numbers,
    a list's rows, and a name with an IVS."""
    return documents.RegisterDocument(
        kind=kind.kind,
        title=kind.title,
        functions=kind.functions,
        municipality_code=code,
        made_on=TODAY,
        person_ids=(),
        fields={
            "作成日": format_date(TODAY),
            "宛先氏名": f"{TSUJI}本\u3000一郎",
            "本文": "本文の一行目です。",
            "件数": 2,
            "世帯員": ["髙橋\u3000一郎", "﨑山\u3000花子"],
            "異動日": dt.date(2024, 4, 1),
            "有無": True,
        },
        rows=(
            {"連番": 1, "氏名": "邉見\u3000太郎"},
            {"連番": 2, "氏名": "葛\U000e0102西\u3000次郎", "備考": "追記"},
        ),
    )


@pytest.mark.parametrize("kind", sorted(documents.load_all()))
def test_every_registered_document_kind_renders_to_a_pdf(office, kind: str) -> None:
    with activate(office.ctx()):
        doc = _sample(documents.load_all()[kind], office.municipality.code)
        pdf = render_notice(doc)
        assert pdf.startswith(b"%PDF-") and page_count(pdf) == 1
        text, compact = pdf_text(pdf), flat(pdf)
        assert re.sub(r"\s", "", doc.title) in compact
        assert f"{TSUJI}本" in text and "葛\U000e0102西" in text  # exactly as stored
        assert "令和6年4月1日" in compact and format_date(TODAY) in compact  # 和暦 ([90])
        assert "髙橋" in text and "﨑山" in text and "邉見" in text and "追記" in text
        assert "テスト県甲村長" in compact  # the 発行者 with its prefecture


def test_a_name_is_text_never_markup(office) -> None:
    with activate(office.ctx()):
        doc = dataclasses.replace(
            _sample(documents.load_all()["receipt_notice"], office.municipality.code),
            fields={"宛先氏名": "<b>髙橋</b>"},
        )
        assert "&lt;b&gt;髙橋&lt;/b&gt;" in notice_html(doc)


@pytest.mark.std("580#1")
def test_a_receipt_notice_printed_through_its_builder_is_logged_with_the_pdfs_hash(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        event = _approved_move_in(office)
        printed = print_notice(
            "receipt_notice", staff=office.clerk, event_id=event.pk, notifier_name=""
        )
        text = flat(printed.pdf)
        assert (
            "住民異動届受理通知" in text
            and "上記のとおり住民異動届を受理しましたので通知します。" in text
        )
        assert head.family_name + head.given_name in text and wife.given_name in text
        assert "令和2年4月1日" in text  # 届出日 in 和暦
        assert "東京都千代田区千代田1番1号" in text  # the 届出人 at the address before
        log = NoticePrint.objects.get()
        assert log.sha256 == hashlib.sha256(printed.pdf).hexdigest() and log.staff == office.clerk
        assert (log.kind, log.title, log.pages) == ("receipt_notice", "住民異動届受理通知", 1)
        assert set(log.person_ids) == {head.pk, wife.pk, son.pk}


@pytest.mark.std("540#1", "890#1", "890#2")
def test_the_entry_sheet_and_the_resident_code_notice_print(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        event = _approved_move_in(office)
        sheet = print_notice("entry_confirmation", staff=office.clerk, event_id=event.pk)
        assert "異動入力確認票" in flat(sheet.pdf) and "本町一丁目" in flat(sheet.pdf)
        first = print_notice(
            "resident_code_notice", staff=office.clerk, event_id=event.pk, person_id=head.pk
        )
        again = print_notice(
            "resident_code_notice", staff=office.clerk, event_id=event.pk, person_id=head.pk
        )
        assert "住民票コード通知票" in flat(first.pdf) and head.resident_code in flat(first.pdf)
        assert flat(again.pdf) == flat(first.pdf)  # 再出力: the same content
        assert (
            NoticePrint.objects.filter(kind="resident_code_notice").count() == 2
        )  # each print logged


def _ending_measure(office: Any, person_id: int, days_left: int, staff: Any) -> SupportMeasure:
    start = TODAY - dt.timedelta(days=300)
    return support.start_measure(
        person_id,
        start=start,
        end=TODAY + dt.timedelta(days=days_left),
        reason="DV",
        against=[{"name": "加害\u3000者男", "person_id": None}],
        staff=staff,
        case={"contact": "090-0000-1111"},
    )


@pytest.mark.std("440#4")
def test_the_support_end_notice_goes_to_the_protected_person_only(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        staff = officer(office)
        m = _ending_measure(office, wife.pk, 20, staff)
        printed = print_notice(end_notice.KIND, staff=staff, measure_id=m.pk)
        text = flat(printed.pdf)
        assert "支援措置期間終了通知" in text and f"{wife.family_name}{wife.given_name}様" in text
        assert "本町一丁目1番地2" in text  # her own address
        assert format_date(m.end_date) in text and format_date(support.extension_opens(m)) in text
        # nothing of anyone else: not the 加害者, not the household, not the [160] case items
        assert "加害" not in text and "090-0000-1111" not in text
        assert head.given_name not in text and son.given_name not in text
        assert NoticePrint.objects.get().person_ids == [wife.pk]


def test_the_support_end_notice_never_reaches_staff_without_need_to_know(office) -> None:
    with activate(office.ctx()):
        _, wife, _ = family(office)
        staff = officer(office)
        m = _ending_measure(office, wife.pk, 20, staff)
        for who in (office.clerk, office.approver):
            with pytest.raises(RegistryError) as err:  # exactly "not found": nothing is told
                print_notice(end_notice.KIND, staff=who, measure_id=m.pk)
            assert err.value.messages == [end_notice.NOT_FOUND]
            with pytest.raises(RegistryError):
                end_notice.ending_within(staff=who)
        doc = documents.build(end_notice.KIND, staff=staff, measure_id=m.pk)
        with pytest.raises(NoticeRefused):  # a document made by the officer, printed by a clerk
            print_documents([doc], staff=office.clerk)
        assert not NoticePrint.objects.exists()


def test_a_receipt_notice_about_a_protected_person_prints_the_mask_only(office) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        staff = officer(office)
        _ending_measure(office, wife.pk, 200, staff)
        event = _approved_move_in(office)
        printed = print_notice("receipt_notice", staff=office.clerk, event_id=event.pk)
        text = flat(printed.pdf)
        assert wife.given_name not in text and "本町一丁目" not in text
        assert "＊＊＊＊（支援措置対象）" in text
        assert wife.pk not in NoticePrint.objects.get().person_ids


def test_the_ending_list_takes_the_days_and_leaves_out_joint_and_ended_measures(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        staff = officer(office)
        soon = _ending_measure(office, wife.pk, 10, staff)
        later = _ending_measure(office, head.pk, 60, staff)
        from jichitai.registry import support_case

        support_case.add_joint(soon.pk, person_id=son.pk, relation="子", staff=staff)
        assert end_notice.ending_within(staff=staff, days=30) == [soon]
        assert end_notice.ending_within(staff=staff, days=90) == [soon, later]
        MunicipalSetting.objects.create(key=end_notice.DAYS_SETTING, value="90")
        assert end_notice.ending_within(staff=staff) == [soon, later]
        support.end_measure(later.pk, staff=staff, reason="request")
        assert end_notice.ending_within(staff=staff, days=90) == [soon]
        docs = [
            documents.build(end_notice.KIND, staff=staff, measure_id=m.pk)
            for m in end_notice.ending_within(staff=staff, days=90)
        ]
        printed = print_documents(docs, staff=staff)
        assert page_count(printed.pdf) == 1


def test_another_municipalitys_documents_are_refused(office, office_b) -> None:
    with activate(office.ctx()):
        _, wife, _ = family(office)
        event = _approved_move_in(office)
        doc = documents.build("receipt_notice", staff=office.clerk, event_id=event.pk)
        measure = _ending_measure(office, wife.pk, 10, officer(office))
    with activate(office_b.ctx(office_b.clerk)):
        with pytest.raises(NoticeRefused):  # A's document is not B's to print
            print_documents([doc], staff=office_b.clerk)
        forged = dataclasses.replace(doc, municipality_code=office_b.municipality.code)
        with pytest.raises(NoticeRefused):  # and A's persons are not found in B
            print_documents([forged], staff=office_b.clerk)
        with pytest.raises(RegistryError):  # A's event is not found from B
            print_notice("receipt_notice", staff=office_b.clerk, event_id=event.pk)
        b_officer = officer(office_b, "b-officer")
        with pytest.raises(RegistryError):  # nor A's measure, even by B's support staff
            print_notice(end_notice.KIND, staff=b_officer, measure_id=measure.pk)
        assert end_notice.ending_within(staff=b_officer, days=90) == []
        assert not NoticePrint.objects.exists()


@pytest.mark.std("750#2")
def test_the_ex_officio_notice_and_record_print(office) -> None:
    from jichitai.registry import events, ex_officio

    with activate(office.ctx()):
        head, wife, son = family(office)
        sub = ex_officio.submit(
            "move_within",
            {
                "person_ids": [head.pk, wife.pk, son.pk],
                "address": {"address_id": office.address2.pk, "banchi": "3番地"},
            },
            effective_date=dt.date(2024, 5, 1),
            entered_by=office.clerk,
            basis="report_applied",
            matter="転居届がないため実態調査により職権で記載",
        )
        event = events.approve_event(sub.event.pk, approver=office.approver)
        notice = print_notice("ex_officio_notice", staff=office.clerk, event_id=event.pk)
        text = flat(notice.pdf)
        assert "職権記載等通知書" in text and "栄町二丁目3番地" in text and "令和6年5月1日" in text
        record = print_notice("ex_officio_record", staff=office.clerk, event_id=event.pk)
        assert "職権記録書" in flat(
            record.pdf
        ) and "転居届がないため実態調査により職権で記載" in flat(record.pdf)
        assert set(NoticePrint.objects.values_list("kind", flat=True)) == {
            "ex_officio_notice",
            "ex_officio_record",
        }


@pytest.mark.std("500#1")
def test_the_head_change_request_and_its_list_print(office) -> None:
    from jichitai.registry import events
    from jichitai.registry.documents import head_change_request as hcr

    with activate(office.ctx()):
        head, wife, son = family(office)
        day = dt.date(2023, 1, 10)
        sub = events.submit_event(
            "death",
            {"person_id": head.pk},
            effective_date=day,
            reported_date=day,
            entered_by=office.clerk,
            confirm_alerts=True,
        )
        event = events.approve_event(sub.event.pk, approver=office.approver)
        printed = print_documents(hcr.for_event(event.pk, staff=office.clerk), staff=office.clerk)
        text = flat(printed.pdf)
        assert (
            "世帯主変更依頼通知書" in text and "世帯主変更届" in text and "令和5年1月10日" in text
        )
        assert set(printed.log.person_ids) == {wife.pk, son.pk}
        listing = print_notice("head_change_request_list", staff=office.clerk)
        assert "対象者リスト" in flat(listing.pdf) and "死亡" in flat(listing.pdf)


@pytest.mark.std("440#9")
def test_the_support_start_notice_to_the_applicant_once_the_need_is_confirmed(office) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        staff = officer(office)
        m = support.start_measure(
            wife.pk,
            start=TODAY,
            reason="DV",
            against=[{"name": "加害\u3000者男"}],
            staff=staff,
            provisional=True,
        )
        with pytest.raises(RegistryError):  # a 仮支援措置: the need is not confirmed yet
            print_notice(end_notice.START_KIND, staff=staff, measure_id=m.pk)
        support.confirm_measure(m.pk, start=TODAY, staff=staff)
        printed = print_notice(end_notice.START_KIND, staff=staff, measure_id=m.pk)
        text = flat(printed.pdf)
        assert "支援措置開始通知" in text and f"{wife.family_name}{wife.given_name}様" in text
        assert format_date(TODAY) in text and "加害" not in text and head.given_name not in text
        with pytest.raises(RegistryError):
            print_notice(end_notice.START_KIND, staff=office.clerk, measure_id=m.pk)


def test_one_press_prints_at_most_the_limit(office) -> None:
    from jichitai.certificates import notices

    with activate(office.ctx()):
        doc = _sample(documents.load_all()["receipt_notice"], office.municipality.code)
        with pytest.raises(NoticeRefused, match="50通まで"):  # [1420]#8: no mass printing
            print_documents([doc] * (notices.MAX_DOCUMENTS + 1), staff=office.clerk)
        assert not NoticePrint.objects.exists()
