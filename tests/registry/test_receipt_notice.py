"""[580] 住民異動届受理通知: the notice as data (printing: issue 12).

Made for an approved 転入・転居・転出・世帯変更 (and 出生) on any later day; says 届出日, 異動事由,
届出人氏名, 異動者氏名 and that the 届出 was received, addressed to the 届出人 at the 異動前住所, or
to the 異動者 at the 異動後住所 when there was none; never the content of the 届出 (must-not #5).
Protected persons are masked and the addresses hidden for staff without need-to-know.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from jichitai.registry import documents
from jichitai.registry.documents import build
from jichitai.registry.documents import receipt_notice as notice
from jichitai.registry.errors import RegistryError
from jichitai.tenancy.context import activate

from .conftest import apply, move_in_family, people, person_spec
from .test_search_support import _protect

pytestmark = pytest.mark.django_db
D = dt.date


MAY_1 = D(2024, 5, 1)


def _move_within(office: Any, ids: list[int], day: dt.date = MAY_1) -> Any:
    return apply(office, "move_within", {"person_ids": ids, "address": {
        "address_id": office.address2.pk, "banchi": "9番地", "katagaki": "栄ハイツ201"}}, day,
        reported=day + dt.timedelta(days=3))


def _text(doc: Any) -> str:
    return str(dataclasses.asdict(doc))


@pytest.mark.std("580#1")
@pytest.mark.std("580#2")
def test_a_move_within_notice_goes_to_the_notifier_at_the_address_before(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        event = _move_within(office, [p.pk for p in people()])
        doc = build("receipt_notice", staff=office.clerk, event_id=event.pk, notifier_name="代理 人子")
        assert doc.title == "住民異動届受理通知" and doc.functions == ("580",)
        f = doc.fields
        assert tuple(f) == notice.FIELDS
        assert f["届出日"] == "令和6年5月4日" and f["異動事由"] == "転居"
        assert f["届出人氏名"] == "代理 人子" and f["宛先氏名"] == "代理 人子"
        assert f["異動者氏名"] == "髙橋\u3000一郎、髙橋\u3000花子、髙橋\u3000太郎"
        assert f["宛先住所"] == "本町一丁目1番地2" and "受理しました" in f["受理した旨"]
        assert sorted(doc.person_ids) == sorted(p.pk for p in people())


@pytest.mark.std("580#2")
def test_without_a_notifier_named_the_head_is_the_notifier(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, _ = people()
        event = _move_within(office, [p.pk for p in people()])
        doc = build("receipt_notice", staff=office.clerk, event_id=event.pk)
        assert doc.fields["届出人氏名"] == "髙橋\u3000一郎"
        doc = build("receipt_notice", staff=office.clerk, event_id=event.pk, notifier_person_id=wife.pk)
        assert doc.fields["届出人氏名"] == "髙橋\u3000花子" == doc.fields["宛先氏名"]


@pytest.mark.std("580#2")
def test_a_move_in_notice_goes_to_the_previous_address(office) -> None:
    with activate(office.ctx()):
        event = move_in_family(office)
        doc = build("receipt_notice", staff=office.clerk, event_id=event.pk, notifier_name="髙橋 一郎")
        assert doc.fields["異動事由"] == "国内転入"
        assert doc.fields["宛先住所"] == "東京都千代田区千代田1番1号"


@pytest.mark.std("580#3")
def test_a_birth_or_a_move_in_from_abroad_goes_to_the_mover_at_the_new_address(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        hh = people()[0].household
        birth = apply(office, "birth", {"household_id": hh.pk, "person": person_spec(
            "c", "髙橋", "次郎", "", "子", given_kana="ジロウ")}, D(2022, 2, 2))
        doc = build("receipt_notice", staff=office.clerk, event_id=birth.pk, notifier_name="髙橋 一郎")
        assert doc.fields["異動事由"] == "出生"
        assert (doc.fields["宛先住所"], doc.fields["宛先氏名"]) == ("本町一丁目1番地2", "髙橋\u3000次郎")
        abroad = apply(office, "move_in_abroad", {
            "household": {"new": {"address_id": office.address2.pk, "banchi": "3"}},
            "persons": [person_spec("p1", "Smith", "John", "1975-03-03", "世帯主", resident_type="foreign",
                                    nationality="英国", honseki="", hittousha="", family_kana="スミス",
                                    given_kana="ジョン")],
            "previous_address": "英国"}, D(2021, 6, 1))
        doc = build("receipt_notice", staff=office.clerk, event_id=abroad.pk)
        assert doc.fields["異動事由"] == "国外転入等"
        assert (doc.fields["宛先住所"], doc.fields["宛先氏名"]) == ("栄町二丁目3", "Smith\u3000John")


@pytest.mark.std("580#3")
def test_when_sending_to_the_old_address_does_not_fit_it_goes_to_the_mover(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        event = _move_within(office, [p.pk for p in people()])
        doc = build("receipt_notice", staff=office.clerk, event_id=event.pk, notifier_name="代理 人子",
                    to_mover=True)
        assert doc.fields["宛先住所"] == "栄町二丁目9番地\u3000栄ハイツ201"
        assert doc.fields["宛先氏名"] == "髙橋\u3000一郎" and doc.fields["届出人氏名"] == "代理 人子"


@pytest.mark.std("580#4")
def test_the_notice_is_made_later_as_the_event_left_the_record(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        ids = [p.pk for p in people()]
        event = _move_within(office, ids)
        apply(office, "name_change", {"person_id": ids[0], "family_name": "佐藤"}, D(2024, 8, 1))
        apply(office, "move_within", {"person_ids": ids, "address": {
            "address_id": office.address.pk, "banchi": "20番地"}}, D(2024, 9, 1))
        doc = build("receipt_notice", staff=office.clerk, event_id=event.pk, made_on=D(2025, 1, 10))
        assert doc.fields["作成日"] == "令和7年1月10日" and doc.made_on == D(2025, 1, 10)
        assert doc.fields["届出人氏名"] == "髙橋\u3000一郎" and doc.fields["宛先住所"] == "本町一丁目1番地2"


@pytest.mark.std("580#5")
def test_the_notice_never_tells_the_content_of_the_latest_move(office) -> None:
    """Must-not: a notice telling the 異動者 what the latest 異動 reported. Tried: the new address,
    本籍, 生年月日 and 転出先 never appear, and no option asks for them."""
    with activate(office.ctx()):
        move_in_family(office)
        ids = [p.pk for p in people()]
        event = _move_within(office, ids)
        doc = build("receipt_notice", staff=office.clerk, event_id=event.pk, notifier_name="代理 人子")
        text = _text(doc)
        for told in ("栄町二丁目", "9番地", "栄ハイツ", "テスト県甲村", "昭和55", "1980"):
            assert told not in text
        assert set(doc.fields) == set(notice.FIELDS) and all(set(r) == {"異動者氏名"} for r in doc.rows)
        for option in ({"include_content": True}, {"fields": ["住所"]}, {"content": "all"}):
            with pytest.raises(TypeError):
                build("receipt_notice", staff=office.clerk, event_id=event.pk, **option)
        planned = apply(office, "move_out_planned", {"person_ids": ids, "destination": "大阪府大阪市北区1番"},
                        D(2024, 6, 1))
        assert "大阪" not in _text(build("receipt_notice", staff=office.clerk, event_id=planned.pk))
        # the only document of [580] is this notice: no other kind tells a 異動者 the 届出内容
        assert [k for k, d in documents.KINDS.items() if "580" in d.functions] == ["receipt_notice"]


def test_no_notice_for_a_provisional_or_an_ex_officio_event_530_580(office) -> None:
    from jichitai.registry import events

    with activate(office.ctx()):
        move_in_family(office)
        ids = [p.pk for p in people()]
        sub = events.submit_event("move_within", {"person_ids": ids, "address": {
            "address_id": office.address2.pk, "banchi": "9"}}, effective_date=D(2024, 5, 1),
            reported_date=D(2024, 5, 1), entered_by=office.clerk)
        with pytest.raises(RegistryError) as exc:
            build("receipt_notice", staff=office.clerk, event_id=sub.event.pk)
        assert exc.value.violations[0].rule == "not_registered"
        events.approve_event(sub.event.pk, approver=office.approver)
        fix = apply(office, "ex_officio_correction", {"person_id": ids[0], "changes": {"given_name_kana": "イチロー"}},
                    D(2024, 6, 1))
        with pytest.raises(RegistryError) as exc:
            build("receipt_notice", staff=office.clerk, event_id=fix.pk)
        assert exc.value.violations[0].rule == "no_receipt_notice"


def test_a_protected_person_is_masked_and_the_addresses_hidden_without_need_to_know_580(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        ids = [p.pk for p in people()]
        event = _move_within(office, ids)
        wife = people()[1]
        officer = _protect(office, wife.pk)
        from jichitai.accounts.models import RoleGrant

        RoleGrant.objects.create(staff=officer, municipality=office.municipality, role="clerk")
        doc = build("receipt_notice", staff=office.clerk, event_id=event.pk, notifier_name="代理 人子")
        text = _text(doc)
        assert "花子" not in text and "本町一丁目" not in text and "栄町" not in text
        assert doc.fields["宛先住所"] == "（非表示）" and "＊＊＊＊（支援措置対象）" in doc.fields["異動者氏名"]
        assert wife.pk not in doc.person_ids
        # named as the 届出人 by id: masked as well
        doc = build("receipt_notice", staff=office.clerk, event_id=event.pk, notifier_person_id=wife.pk)
        assert "花子" not in _text(doc) and doc.fields["宛先住所"] == "（非表示）"
        seen = build("receipt_notice", staff=officer, event_id=event.pk, notifier_name="代理 人子")
        assert "髙橋\u3000花子" in seen.fields["異動者氏名"] and seen.fields["宛先住所"] == "本町一丁目1番地2"


def test_another_municipalitys_event_has_no_notice_here_580(office, office_b) -> None:
    with activate(office_b.ctx(office_b.clerk)):
        theirs = move_in_family(office_b)
        their_head = people()[0].pk
    with activate(office.ctx()), pytest.raises(RegistryError) as exc:
        build("receipt_notice", staff=office.clerk, event_id=theirs.pk)
    assert exc.value.violations[0].rule == "not_found"
    with activate(office.ctx()):
        ours = move_in_family(office)
        with pytest.raises(RegistryError) as exc:  # nor their resident as the 届出人 of our own event
            build("receipt_notice", staff=office.clerk, event_id=ours.pk, notifier_person_id=their_head)
        assert exc.value.violations[0].rule == "not_found"


def test_staff_without_the_counter_role_make_no_notice_580(office) -> None:
    from jichitai.accounts.models import Staff

    nobody = Staff.objects.create(username="nobody")
    with activate(office.ctx()):
        event = move_in_family(office)
        with pytest.raises(RegistryError):
            build("receipt_notice", staff=nobody, event_id=event.pk)
