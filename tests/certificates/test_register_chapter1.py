"""Chapter 1 of the standard on issued certificates (issue 10, closing items): the 統合記載欄 ([140]#2,
#3), 特別な事由 left out by default ([40]#4), 世帯連記式 ([30]#2), a record before its removal
([50]#4), 和暦 and its exceptions ([90]#1), 不詳 dates as written ([80]#1) and the 交付履歴 kept
per person ([10]#1, [20]#1); the protected side and another municipality on each new path."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from jichitai.certificates.issuance import IssuanceRefused, Requester, issue
from jichitai.certificates.issuance import messages as msg
from jichitai.certificates.issuance.column import column_text
from jichitai.certificates.issuance.fake import read_fake
from jichitai.certificates.issuance.history import person_history
from jichitai.certificates.issuance.record_history import history_rows
from jichitai.certificates.render import render_certificate
from jichitai.registry import notes, support
from jichitai.registry.models import RegistryEvent
from jichitai.registry.selectors.column import certificate_column
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, people, person_spec

from .conftest import family, issue_for, officer, request
from .glyphs import pdf_text

D = dt.date
pytestmark = pytest.mark.django_db
WAREKI = re.compile(r"^(明治|大正|昭和|平成|令和)(元|\d+)年(\d+月(\d+日)?)?")
SEIREKI = re.compile(r"^\d{4}年\d+月\d+日$")


def _printed(office: Any, subjects: list[int], staff: Any = None, **kw: Any) -> list[dict]:
    kw.setdefault("requester", Requester("household", person_id=subjects[0]))
    issued = issue_for(office, subjects, staff=staff, **kw)
    return [read_fake(c.content) for c in issued.copies]


def _as_head(head: Any) -> Requester:
    return Requester("household", person_id=head.pk)


def _adopted_child(office: Any, head: Any) -> Any:
    """山田 次郎 joins the 髙橋 household by 特別養子縁組 (転入 and 氏名変更 entered for it)."""
    apply(
        office,
        "move_in",
        {
            "household": {"existing_id": head.household_id},
            "persons": [person_spec("c1", "山田", "次郎", "2019-06-01", "子", given_kana="ジロウ")],
            "previous_address": "東京都八王子市元本郷町3丁目24番1号",
            "special_cause": "special_adoption",
        },
        D(2022, 4, 1),
    )
    (child,) = people(given_name="次郎")
    apply(
        office,
        "name_change",
        {"person_id": child.pk, "family_name": "髙橋", "special_cause": "special_adoption"},
        D(2022, 4, 10),
    )
    notes.add_note(child.pk, "biko", "特別養子縁組", staff=office.clerk, topic="special_adoption")
    return people(given_name="次郎")[0]


@pytest.mark.std("40#4")
def test_special_cause_history_is_left_out_of_certificates_unless_asked(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        child = _adopted_child(office, head)
        apply(office, "move_within", _whole_move(office, head), D(2023, 1, 10))
        stored = RegistryEvent.objects.get(kind="name_change").request
        assert stored["special_cause"] == "special_adoption"  # kept with the 異動
        past = [r["記載事項"] for r in history_rows(child.pk, {"name", "address"})]
        # the 転居 is printed, the 特別養子縁組's 転入 and 氏名変更 are not (old behaviour: both)
        assert any("栄町二丁目" in line for line in past)
        assert not any("氏名" in line or "元本郷町" in line for line in past)
        asked = [r["記載事項"] for r in history_rows(child.pk, {"name", "address"}, special=True)]
        assert any(line.startswith("氏名　髙橋　次郎") for line in asked)
        # the certificate itself: history sheet and 統合記載欄 the same way, by default and on request
        (plain,) = _printed(office, [child.pk], requester=_as_head(head), history=True)
        lines = [row[2] for b in plain["extra"]["blocks"] for row in b["history"]]
        assert lines and not any("氏名" in line for line in lines)
        assert "特別養子縁組" not in plain["members"][0]["備考"]
        (full,) = _printed(
            office, [child.pk], requester=_as_head(head), history=True, special_history=True
        )
        lines = [row[2] for b in full["extra"]["blocks"] for row in b["history"]]
        assert any(line.startswith("氏名　髙橋　次郎") for line in lines)
        assert "特別養子縁組" in full["members"][0]["備考"]
        # without history the 記載事由 is the 特別養子縁組's 転入: not printed by default either
        (now,) = _printed(office, [child.pk], requester=_as_head(head))
        assert "転入" not in now["members"][0]["備考"]


def _whole_move(office: Any, head: Any) -> dict[str, Any]:
    ids = [p.pk for p in people(household_id=head.household_id)]
    return {
        "person_ids": ids,
        "address": {"address_id": office.address2.pk, "banchi": "5番地"},
    }


@pytest.mark.std("40#4")
def test_a_sex_change_name_line_is_left_out_and_a_correction_of_it_stays_special(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        apply(
            office,
            "name_change",
            {"person_id": head.pk, "given_name": "一子", "special_cause": "sex_change"},
            D(2023, 2, 1),
        )
        apply(
            office,
            "ex_officio_correction",
            {"person_id": head.pk, "changes": {"sex": "2"}, "special_cause": "sex_change"},
            D(2023, 2, 1),
        )
        assert not [r for r in history_rows(head.pk, {"name"}) if "一子" in r["記載事項"]]
        assert [r for r in history_rows(head.pk, {"name"}, special=True) if "一子" in r["記載事項"]]
        target = RegistryEvent.objects.get(kind="name_change")
        apply(
            office,
            "correction",
            {
                "target_event_id": target.pk,
                "changes": [
                    {
                        "entity": "person",
                        "entity_id": head.pk,
                        "field": "given_name",
                        "value": "一華",
                    }
                ],
            },
            D(2023, 2, 1),
        )
        entries = certificate_column(head.pk).entries
        # the 訂正 of a 特別な事由's 異動 is that 特別な事由's too
        assert [e.special for e in entries] == ["", "sex_change", "sex_change", "sex_change"]
        assert not [
            r
            for r in history_rows(head.pk, {"name"})
            if {"一子", "一華"} & set(r["記載事項"].split("　"))
        ]


@pytest.mark.std("140#2")
def test_the_integrated_column_prints_the_entry_with_its_remark_then_the_notes(office) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        move_in = RegistryEvent.objects.get(kind="move_in")
        notes.add_remark(move_in.pk, head.pk, "転入前住所の方書は届出のとおり", staff=office.clerk)
        notes.add_remark(move_in.pk, wife.pk, "妻だけの留意事項", staff=office.clerk)
        notes.add_note(head.pk, "biko", "事実確認済み", staff=office.clerk)
        notes.add_note(head.pk, "memo", "窓口で大声", staff=office.clerk)  # a メモ: never printed
        (doc,) = _printed(office, [head.pk], whole_household=True, head_and_relationship=True)
        column = doc["members"][0]["備考"]
        # 20.0.3: the 異動 (和暦) with its own 留意事項 right after it; 20.0.5: the 備考 after them
        assert column == (
            "令和2年4月1日　国内転入　留意事項：転入前住所の方書は届出のとおり　事実確認済み"
        )
        assert "妻だけの留意事項" in doc["members"][1]["備考"]
        # on the paper: the grid's 備考 row of the issued PDF holds it
        pdf = (
            issue(
                request([head.pk], requester=_as_head(head)),
                staff=office.clerk,
                renderer=render_certificate,
            )
            .copies[0]
            .content
        )
        paper = re.sub(r"\s", "", pdf_text(pdf))
        for words in ("国内転入", "留意事項：転入前住所の方書は届出のとおり", "事実確認済み"):
            assert words in paper, words
        assert "窓口で大声" not in str(doc) and "妻だけ" not in column
        # old behaviour: the 備考 was never filled (the layout printed 「＊＊＊」)
        # 履歴あり: the 留意事項 goes with its line on the history sheet, the 備考 stays in the column
        (hist,) = _printed(office, [head.pk], history=True)
        first = hist["extra"]["blocks"][0]["history"][0]
        assert first[1] == "転入" and first[2].endswith("留意事項　転入前住所の方書は届出のとおり")
        assert hist["members"][0]["備考"] == "事実確認済み"


@pytest.mark.std("140#3", "50#9")
def test_a_removed_copy_writes_its_own_items_into_the_column_in_wareki(office) -> None:
    with activate(office.ctx()):
        head, _, son = family(office)
        apply(
            office,
            "move_out_planned",
            {
                "person_ids": [son.pk],
                "destination": "大阪府大阪市北区梅田1丁目",
                "planned_date": "2024-03-20",
            },
            D(2024, 3, 1),
        )
        apply(
            office,
            "move_out_confirmed",
            {
                "person_ids": [son.pk],
                "destination": "大阪府大阪市北区梅田1丁目1番1号",
                "notice_date": "2024-04-02",
                "moved_in_on": "2024-03-25",
            },
            D(2024, 4, 2),
        )
        (doc,) = _printed(office, [son.pk], kind="joshu", requester=_as_head(head))
        member = doc["members"][0]
        assert (
            member["消除の事由"] == "転出" and member["転出先"] == "大阪府大阪市北区梅田1丁目1番1号"
        )
        column = member["備考"].split("　")
        assert (
            member["消除日"] == "令和6年3月20日"
        )  # = 事由の生じた年月日 = 転出年月日: not repeated
        assert "転出先住所（予定）：大阪府大阪市北区梅田1丁目" in column
        assert "転入通知年月日：令和6年4月2日" in column and "届出の年月日：令和6年3月1日" in column
        # the 転出先 and 消除日 rows show those already
        assert not any(
            c.startswith(("転出先住所（確定）", "事由の生じた", "転出年月日")) for c in column
        )
        assert not re.search(r"\d{4}-\d{2}-\d{2}", member["備考"])  # never ISO / 西暦


@pytest.mark.std("50#2")
def test_a_special_adoption_move_out_leaves_the_destination_blank_on_the_removed_copy(
    office,
) -> None:
    with activate(office.ctx()):
        head, _, son = family(office)
        req = {"person_ids": [son.pk], "destination": "", "planned_date": "2024-03-20"}
        with pytest.raises(Exception) as exc:  # an ordinary 転出 still needs its 転出先
            apply(office, "move_out_planned", req, D(2024, 3, 1))
        assert "転出先を入力してください。" in str(exc.value)
        apply(
            office, "move_out_planned", {**req, "special_cause": "special_adoption"}, D(2024, 3, 1)
        )
        apply(office, "move_out_confirmed", {"person_ids": [son.pk]}, D(2024, 3, 20))
        (gone,) = people(pk=son.pk)
        assert (gone.status, gone.move_out_destination, gone.move_out_confirmed_destination) == (
            "moved_out",
            "",
            "",
        )
        (doc,) = _printed(
            office, [son.pk], kind="joshu", requester=_as_head(head), special_history=True
        )
        member = doc["members"][0]
        assert member["転出先"] == "" and "転出先住所" not in member["備考"]


@pytest.mark.std("50#4")
def test_before_removal_the_leaving_member_is_printed_with_the_remaining_members(office) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    with activate(office.ctx()):
        head, wife, son = family(office)
        apply(
            office,
            "move_out_planned",
            {
                "person_ids": [son.pk],
                "destination": "大阪府大阪市北区梅田1丁目",
                "planned_date": (today + dt.timedelta(days=20)).isoformat(),
            },
            today,
        )
        (doc,) = _printed(office, [head.pk], whole_household=True, head_and_relationship=True)
        assert [(m["氏名"], m["続柄"]) for m in doc["members"]] == [
            ("髙橋　一郎", "世帯主"),
            ("髙橋　花子", "妻"),
            ("髙橋　太郎", "子"),
        ]
        assert all(m["世帯主"] == "髙橋　一郎" for m in doc["members"])
        assert "大阪" not in str(doc)  # [1000]#6: the 転出届's items are not printed before the day
        # once removed he is a 除票: the household copy no longer holds him
        apply(office, "move_out_confirmed", {"person_ids": [son.pk]}, today)
        (after,) = _printed(office, [head.pk], whole_household=True, head_and_relationship=True)
        assert [m["氏名"] for m in after["members"]] == ["髙橋　一郎", "髙橋　花子"]
        with pytest.raises(IssuanceRefused) as exc:
            issue_for(office, [son.pk], requester=_as_head(head))
        assert exc.value.messages == [msg.NOT_RESIDENT]


@pytest.mark.std("30#2", "30#3")
def test_a_whole_household_copy_is_assembled_per_household_from_person_records(office) -> None:
    with activate(office.ctx()):
        head, wife, son = family(office)
        (doc,) = _printed(
            office,
            [son.pk],
            whole_household=True,
            head_and_relationship=True,
            requester=_as_head(head),
        )
        assert doc["form"] == "世帯連記式" and doc["person_ids"] == [head.pk, wife.pk, son.pk]
        assert doc["address"].endswith("1番地2")  # the household's address once, at the head
        per_person = _printed(
            office, [head.pk, wife.pk], household_form=False, requester=_as_head(head)
        )
        assert [d["form"] for d in per_person] == ["個人票", "個人票"]
        assert [d["person_ids"] for d in per_person] == [[head.pk], [wife.pk]]


def _foreigner(office: Any) -> Any:
    apply(
        office,
        "move_in",
        {
            "household": {"new": {"address_id": office.address.pk, "banchi": "7番地"}},
            "persons": [
                person_spec(
                    "f1",
                    "張",
                    "玉蓮",
                    "1988-03-09",
                    "世帯主",
                    resident_type="foreign",
                    alphabet_name="ZHANG YULIN",
                    nationality="中国",
                    residence_end_date="2027-03-31",
                    honseki="",
                    hittousha="",
                )
            ],
            "previous_address": "中国",
        },
        D(2021, 10, 1),
    )
    return people(family_name="張")[0]


@pytest.mark.std("90#1")
def test_issued_certificates_use_wareki_except_the_foreign_exceptions(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        zhang = _foreigner(office)
        (jp,) = _printed(office, [head.pk])
        (fr,) = _printed(office, [zhang.pk], foreign_items=True)
        for label in ("生年月日", "住民となった年月日", "住所を定めた年月日", "届出日"):
            assert WAREKI.match(jp["members"][0][label]), (label, jp["members"][0][label])
        assert WAREKI.match(jp["issued_on"]) and WAREKI.match(fr["issued_on"])
        assert WAREKI.match(jp["members"][0]["備考"])  # the 統合記載欄's 異動日 too
        foreign = fr["members"][0]
        assert foreign["生年月日"] == "1988年3月9日" and SEIREKI.match(
            foreign["在留期間の満了の日"]
        )
        for label in ("住民となった年月日", "住所を定めた年月日", "届出日"):
            assert WAREKI.match(foreign[label]), (label, foreign[label])
        assert foreign["備考"].startswith("令和3年10月1日")
        # and on the history sheet
        (hist,) = _printed(office, [zhang.pk], foreign_items=True, history=True)
        assert all(WAREKI.match(row[0]) for b in hist["extra"]["blocks"] for row in b["history"])


@pytest.mark.std("80#1", "80#2")
def test_unknown_and_off_calendar_dates_are_printed_as_written(office) -> None:
    with activate(office.ctx()):
        apply(
            office,
            "move_in",
            {
                "household": {"new": {"address_id": office.address.pk, "banchi": "9番地"}},
                "persons": [
                    person_spec("a", "青木", "春子", "昭和55年春", "世帯主", sex="2"),
                    person_spec("b", "青木", "閏", "平成3年2月29日", "子"),
                ],
                "previous_address": "東京都千代田区千代田1番1号",
            },
            D(2020, 4, 1),
        )
        mother, son = people(family_name="青木")
        (doc,) = _printed(office, [mother.pk], whole_household=True)
        # old behaviour: 「昭和55年3月1日」-like internal dates and 「平成3年2月28日」
        assert [m["生年月日"] for m in doc["members"]] == ["昭和55年春", "平成3年2月29日"]
        # the 転出証明書 too (its own data path)
        from django.utils import timezone

        today = timezone.localdate()
        planned = (today + dt.timedelta(days=10)).isoformat()
        apply(
            office,
            "move_out_planned",
            {"person_ids": [mother.pk], "destination": "大阪府大阪市", "planned_date": planned},
            today,
        )
        moving = issue(
            request([mother.pk], kind="tenshutsu"), staff=office.clerk, renderer=render_certificate
        )
        paper = re.sub(r"\s", "", pdf_text(moving.copies[0].content))
        assert "昭和55年春" in paper and "昭和55年3月1日" not in paper
        apply(
            office,
            "disappearance",
            {"person_id": son.pk, "effective_date_text": "令和5年頃"},
            D(2023, 1, 1),
        )
        (gone,) = _printed(office, [son.pk], kind="joshu", requester=_as_head(mother))
        assert gone["members"][0]["消除日"] == "令和5年頃"
        # the internal date never reaches the paper
        assert "事由の生じた年月日：令和5年1月1日" not in gone["members"][0]["備考"]
        assert "令和5年1月1日" not in gone["members"][0]["消除日"]
        assert "平成3年2月29日" in gone["members"][0]["生年月日"]


@pytest.mark.std("10#1", "20#1")
def test_the_issuance_history_is_kept_for_japanese_and_foreign_residents(office) -> None:
    with activate(office.ctx()):
        head, _, _ = family(office)
        zhang = _foreigner(office)
        jp = issue_for(office, [head.pk])
        fr = issue_for(office, [zhang.pk], foreign_items=True)
        for person, issued in ((head, jp), (zhang, fr)):
            (row,) = person_history(person.pk, staff=office.clerk)
            assert row.pk == issued.history_id and row.kind == "juminhyo"
            assert "氏名" in row.items and row.subject_ids == [person.pk]


def test_protected_person_new_paths_refused_without_need_to_know(office) -> None:
    with activate(office.ctx()):
        head, wife, _ = family(office)
        move_in = RegistryEvent.objects.get(kind="move_in")
        notes.add_remark(move_in.pk, wife.pk, "支援措置の申出あり", staff=office.clerk)
        staff = officer(office)
        support.start_measure(
            wife.pk, start=D(2024, 1, 1), reason="DV", against=[{"person_id": head.pk}], staff=staff
        )
        for options in ({"special_history": True}, {"history": True, "special_history": True}):
            with pytest.raises(IssuanceRefused) as exc:
                issue_for(office, [wife.pk], **options)
            assert exc.value.messages == [msg.NOT_FOUND]
            with pytest.raises(IssuanceRefused) as exc:
                issue_for(office, [head.pk], whole_household=True, **options)
            assert exc.value.messages == [msg.NOT_FOUND]
        # her household's address is hidden from the clerk; the 支援措置担当 prints the head's own
        # copy: it carries nothing of her (留意事項 are per person)
        (own,) = _printed(
            office,
            [head.pk],
            staff=staff,
            requester=Requester("self", person_id=head.pk),
            special_history=True,
        )
        assert "支援措置" not in own["members"][0]["備考"] and "花子" not in str(own)
        # the 支援措置担当 issues her own copy to her: her 留意事項 with it
        (hers,) = _printed(
            office, [wife.pk], staff=staff, requester=Requester("self", person_id=wife.pk)
        )
        assert "支援措置の申出あり" in hers["members"][0]["備考"]


def test_another_municipalitys_column_and_special_history_stay_apart(office, office_b) -> None:
    with activate(office_b.ctx(office_b.clerk)):
        b_head, _, _ = family(office_b)
        notes.add_note(b_head.pk, "biko", "乙町の備考", staff=office_b.clerk)
        assert "乙町の備考" in column_text(
            b_head.pk, {}, history=False, special=True, removed=False
        )
    with activate(office.ctx()):
        # A cannot issue B's person, nor read B's 統合記載欄 through the selector
        with pytest.raises(IssuanceRefused) as exc:
            issue_for(office, [b_head.pk], special_history=True)
        assert exc.value.messages == [msg.NOT_FOUND]
        column = certificate_column(b_head.pk)
        assert column.entries == () and column.notes == () and column.removal is None
        assert history_rows(b_head.pk, {"name", "address"}, special=True) == []
