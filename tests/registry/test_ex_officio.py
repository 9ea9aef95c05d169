"""職権による住民票の記載等 (chapter 4.2): [750]–[860] one item at a time, and the must-nots tried."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jichitai.registry import events, ex_officio, notes
from jichitai.registry.errors import RegistryError
from jichitai.registry.ex_officio_models import ExOfficioRecord
from jichitai.registry.models import EventFact, Household, Person
from jichitai.registry.reasons import STANDARD_REASONS, all_labels, classify
from jichitai.registry.records_models import EventEntry
from jichitai.registry.selectors.snapshots import snapshots
from jichitai.tenancy.context import activate

from .conftest import apply, move_in_family, people, person_spec, resident_code
from .test_snapshots import _protect

pytestmark = pytest.mark.django_db
D = dt.date


def _approve(office: Any, sub: Any) -> Any:
    return events.approve_event(sub.event.pk, approver=office.approver)


def _sub(
    office: Any,
    kind: str,
    req: dict[str, Any],
    effective_date: dt.date,
    basis: str = "investigation",
    **kw: Any,
) -> Any:
    """仮登録 of a 職権 異動 by the clerk (registry.ex_officio)."""
    return ex_officio.submit(
        kind, req, effective_date=effective_date, entered_by=office.clerk, basis=basis, **kw
    )


def _ex(
    office: Any,
    kind: str,
    req: dict[str, Any],
    effective_date: dt.date,
    basis: str = "investigation",
    **kw: Any,
) -> Any:
    """The same, approved by the approver."""
    return _approve(office, _sub(office, kind, req, effective_date, basis, **kw))


def _family(office: Any) -> tuple[Any, Any, Any]:
    move_in_family(office)
    head, wife, child = people()
    return head, wife, child


def _history(office: Any, pid: int) -> list[Any]:
    return snapshots(pid, staff=office.clerk).rows


@pytest.mark.std("750#1")
def test_entry_removal_and_correction_ex_officio(office) -> None:
    with activate(office.ctx()):
        head, wife, child = _family(office)
        entry = _sub(
            office,
            "ex_officio_entry",
            {
                "household": {"existing_id": head.household_id},
                "previous_address": "",
                "persons": [person_spec("p1", "髙橋", "次郎", "1990-01-01", "弟")],
            },
            effective_date=D(2024, 5, 1),
            basis="investigation",
            matter="居住の実態を確認",
        )
        _approve(office, entry)
        jiro = Person.objects.for_read(screen="テスト").get(given_name="次郎")
        _ex(
            office,
            "ex_officio_correction",
            {"person_id": wife.pk, "changes": {"sex": "2"}},
            effective_date=D(2024, 5, 2),
        )
        _ex(office, "ex_officio_deletion", {"person_ids": [jiro.pk]}, effective_date=D(2024, 6, 1))
        assert Person.objects.for_read(screen="テスト").get(pk=jiro.pk).status == "deleted"
        labels = [r.reason for r in _history(office, jiro.pk)]
        assert labels[0] == "職権記載" and labels[-1] == "職権消除"
        assert ExOfficioRecord.objects.count() == 3


@pytest.mark.std("750#2")
def test_the_record_states_what_was_done_and_the_notice_goes_to_the_person(
    office, office_b
) -> None:
    from jichitai.registry.documents import build

    with activate(office.ctx()):
        head, wife, child = _family(office)
        sub = _sub(
            office,
            "move_within",
            {
                "person_ids": [head.pk, wife.pk, child.pk],
                "address": {"address_id": office.address2.pk, "banchi": "3番地"},
            },
            effective_date=D(2024, 5, 1),
            basis="report_applied",
            matter="転居届がないため実態調査により職権で記載",
        )
        event = _approve(office, sub)
        record = build("ex_officio_record", event_id=event.pk, staff=office.clerk)
        assert record.fields["職権により記載等を行う事項"].startswith("転居届がない")
        assert record.fields["職権の契機"] == "届出の準用（届出がない場合）"
        notice = build("ex_officio_notice", event_id=event.pk, staff=office.clerk)
        assert notice.title == "職権記載等通知書" and set(notice.person_ids) == {
            head.pk,
            wife.pk,
            child.pk,
        }
        assert notice.fields["異動事由"] == "転居" and "栄町二丁目" in notice.rows[0]["住所"]
        assert (
            "番地" in notice.rows[0]["記載等を行った事項"]
            or "住所" in notice.rows[0]["記載等を行った事項"]
        )
        # a 異動 made on its 届出 is not a 職権記載等: no notice
        reported = apply(
            office,
            "head_change",
            {
                "household_id": head.household_id,
                "new_head_id": wife.pk,
                "relationships": {str(head.pk): "夫"},
            },
            D(2024, 6, 1),
        )
        with pytest.raises(RegistryError) as exc:
            build("ex_officio_notice", event_id=reported.pk, staff=office.clerk)
        assert exc.value.violations[0].rule == "not_ex_officio"
    with (
        activate(office_b.ctx()),
        pytest.raises(RegistryError),
    ):  # another municipality's 異動: not found
        build("ex_officio_notice", event_id=event.pk, staff=office_b.clerk)


@pytest.mark.std("750#2")
def test_a_protected_person_never_reaches_a_notice_for_staff_without_need_to_know(office) -> None:
    from jichitai.registry.documents import build

    with activate(office.ctx()):
        head, wife, child = _family(office)
        event = _ex(
            office,
            "ex_officio_correction",
            {"person_id": wife.pk, "changes": {"given_name_kana": "ハナ"}},
            effective_date=D(2024, 5, 1),
            basis="investigation",
        )
        officer = _protect(office, wife.pk)
        with pytest.raises(RegistryError) as exc:
            build("ex_officio_notice", event_id=event.pk, staff=office.clerk)
        text = repr(exc.value.violations)
        assert "花子" not in text and "本町" not in text and wife.atena_no not in text
        shown = build("ex_officio_notice", event_id=event.pk, staff=officer)
        assert shown.rows[0]["氏名"].startswith("髙橋")


@pytest.mark.std("760#1")
def test_a_report_kind_made_ex_officio_follows_the_report_rules_but_has_no_report_date(
    office,
) -> None:
    with activate(office.ctx()):
        head, wife, child = _family(office)
        sub = _sub(
            office,
            "household_split",
            {"person_ids": [child.pk]},
            effective_date=D(2024, 5, 1),
            basis="report_applied",
        )
        event = _approve(office, sub)
        assert event.reported_date is None and classify("household_split").label == "世帯分離"
        # the 4.1 rules hold: a 世帯合併 into a household elsewhere is refused as for a 届出 ([720])
        apply(
            office,
            "move_within",
            {
                "person_ids": [child.pk],
                "address": {"address_id": office.address2.pk, "banchi": "9番地"},
            },
            D(2024, 6, 1),
        )
        moved = Person.objects.for_read(screen="テスト").get(pk=child.pk)
        with pytest.raises(RegistryError):
            _sub(
                office,
                "household_merge",
                {
                    "from_household_id": moved.household_id,
                    "to_household_id": head.household_id,
                    "relationships": {str(child.pk): "子"},
                },
                effective_date=D(2024, 7, 1),
                basis="report_applied",
            )
        with pytest.raises(RegistryError):  # a 職権 kind is not a 届出 to apply
            _sub(
                office,
                "ex_officio_deletion",
                {"person_ids": [wife.pk]},
                effective_date=D(2024, 7, 1),
                basis="report_applied",
            )


@pytest.mark.std("770#2")
def test_a_birth_quotes_the_koseki_display_of_a_member(office, office_b) -> None:
    with activate(office.ctx()):
        head, wife, child = _family(office)
        baby = {
            "family_name": "髙橋",
            "given_name": "三郎",
            "sex": "1",
            "relationship": "子",
            "resident_code": resident_code(),
        }
        _ex(
            office,
            "birth",
            {"household_id": head.household_id, "person": baby, "koseki_from_id": head.pk},
            effective_date=D(2024, 5, 1),
            basis="koseki_report",
        )
        saburo = Person.objects.for_read(screen="テスト").get(given_name="三郎")
        assert (saburo.honseki, saburo.hittousha) == (head.honseki, head.hittousha)
    with activate(office_b.ctx()):
        move_in_family(office_b, family="山田")
        other = people()[0]
    with activate(office.ctx()), pytest.raises(RegistryError) as exc:
        events.submit_event(
            "birth",
            {
                "household_id": head.household_id,
                "person": {**baby, "given_name": "四郎"},
                "koseki_from_id": other.pk,
            },
            effective_date=D(2024, 5, 2),
            reported_date=None,
            entered_by=office.clerk,
        )
    assert exc.value.violations[0].rule in ("not_member", "not_found")


@pytest.mark.std("780#1", "780#3")
def test_koseki_report_and_notice_dates_are_kept(office) -> None:
    with activate(office.ctx()):
        head, wife, child = _family(office)
        sub = _sub(
            office,
            "name_change",
            {"person_id": wife.pk, "family_name": "佐藤"},
            effective_date=D(2024, 5, 1),
            basis="koseki_notice",
            koseki_reported_on=D(2024, 4, 28),
            notified_on=D(2024, 5, 7),
        )
        _approve(office, sub)
        record = ExOfficioRecord.objects.get(event=sub.event)
        entry = EventEntry.objects.get(event=sub.event)
        assert (record.koseki_reported_on, entry.notified_on) == (D(2024, 4, 28), D(2024, 5, 7))
        last = _history(office, wife.pk)[-1]
        assert last.notified_on == "2024-05-07" and last.reported_date is None


@pytest.mark.std("780#2", "790#3")
def test_the_dates_start_as_the_day_of_processing(office) -> None:
    today = timezone.localdate()
    assert ex_officio.default_dates("koseki_report") == {"koseki_reported_on": today}
    assert ex_officio.default_dates("koseki_notice") == {"notified_on": today}
    assert ex_officio.default_dates("offer") == {"offered_on": today}
    with activate(office.ctx()):
        head, wife, child = _family(office)
        sub = _sub(
            office,
            "name_change",
            {"person_id": wife.pk, "family_name": "佐藤"},
            effective_date=D(2024, 5, 1),
            basis="koseki_report",
        )
        assert ExOfficioRecord.objects.get(event=sub.event).koseki_reported_on == today
        sub = _sub(
            office,
            "ex_officio_correction",
            {"person_id": child.pk, "changes": {"given_name_kana": "タ"}},
            effective_date=D(2024, 5, 1),
            basis="offer",
        )
        assert EventEntry.objects.get(event=sub.event).offered_on == today


@pytest.mark.std("790#1", "790#2", "790#4")
def test_an_entry_on_an_offer_shows_as_such_with_its_offer_date(office) -> None:
    with activate(office.ctx()):
        head, wife, child = _family(office)
        sub = _sub(
            office,
            "ex_officio_correction",
            {"person_id": child.pk, "changes": {"given_name_kana": "タ"}},
            effective_date=D(2024, 5, 1),
            basis="offer",
            offered_on=D(2024, 4, 30),
        )
        _approve(office, sub)
        assert ExOfficioRecord.objects.get(event=sub.event).get_basis_display() == "申出"
        assert _history(office, child.pk)[-1].offered_on == "2024-04-30"
        with pytest.raises(RegistryError):  # a 申出日 belongs to a 申出 only
            _sub(
                office,
                "ex_officio_correction",
                {"person_id": child.pk, "changes": {"given_name_kana": "タロ"}},
                effective_date=D(2024, 5, 1),
                basis="investigation",
                offered_on=D(2024, 4, 30),
            )


@pytest.mark.std("800#1", "800#3")
def test_address_setting_with_an_unknown_or_blank_previous_address(office) -> None:
    with activate(office.ctx()):
        for i, previous in enumerate(("不明", "")):
            spec = person_spec("p1", "青木", "一", f"197{i}-01-01", "世帯主")
            _ex(
                office,
                "ex_officio_entry",
                {
                    "household": {
                        "new": {"address_id": office.address.pk, "banchi": f"{i + 5}番地"}
                    },
                    "persons": [spec],
                    "previous_address": previous,
                },
                effective_date=D(2024, 5, 1),
                basis="investigation",
            )
        for p in people(family_name="青木"):  # [800]#3: not a 住民票 item, entered as data
            _ex(
                office,
                "ex_officio_correction",
                {"person_id": p.pk, "changes": {"last_registered_address": "大阪府大阪市北区1番"}},
                effective_date=D(2024, 5, 1),
            )
        rows = people(family_name="青木")
        assert [p.previous_address for p in rows] == ["不明", ""]
        assert {p.last_registered_address for p in rows} == {"大阪府大阪市北区1番"}


@pytest.mark.std("810#1", "820#1")
def test_birth_and_death_are_their_own_reasons(office) -> None:
    assert classify("birth").label == "出生" and classify("death").label == "死亡"
    with activate(office.ctx()):
        head, wife, child = _family(office)
        apply(office, "death", {"person_id": child.pk}, D(2024, 5, 1))
        assert _history(office, child.pk)[-1].reason == "死亡"


@pytest.mark.std("820#2", "820#3")
@pytest.mark.parametrize(
    "item",
    [
        {"presumed": True},
        {"death_kind": "推定死亡"},
        {"cause": "病死"},
        {"cause_code": "01"},
        {"cause_text": "自由入力"},
    ],
)
def test_a_death_takes_no_presumed_death_and_no_cause_of_death(
    office, item: dict[str, Any]
) -> None:
    assert not any("推定" in label for label in all_labels())
    with activate(office.ctx()):
        head, wife, child = _family(office)
        with pytest.raises(RegistryError) as exc:
            events.submit_event(
                "death",
                {"person_id": child.pk, **item},
                effective_date=D(2024, 5, 1),
                reported_date=None,
                entered_by=office.clerk,
            )
        assert exc.value.violations[0].field == next(iter(item))


@pytest.mark.std("830#1")
def test_a_disappearance_removes_the_person_as_an_ex_officio_removal(office) -> None:
    with activate(office.ctx()):
        head, wife, child = _family(office)
        _ex(
            office,
            "disappearance",
            {"person_id": child.pk},
            effective_date=D(2024, 5, 1),
            basis="koseki_notice",
            notified_on=D(2024, 5, 3),
        )
        row = Person.objects.for_read(screen="テスト").get(pk=child.pk)
        assert (row.status, row.removed_on) == ("deleted", D(2024, 5, 1))
        last = _history(office, child.pk)[-1]
        assert (last.division, last.reason) == (
            "消除",
            "職権消除",
        ) and "職権消除" in STANDARD_REASONS["消除"]
        # a head who disappears leaving one member: she becomes head by herself ([490])
        _ex(office, "disappearance", {"person_id": head.pk}, effective_date=D(2024, 6, 1),
            basis="koseki_notice", notified_on=D(2024, 6, 3))
        wife = Person.objects.for_read(screen="テスト").get(pk=wife.pk)
        assert wife.relationship == "世帯主" and wife.household.head_id == wife.pk


@pytest.mark.std("840#1", "840#2")
def test_a_correction_of_the_heads_name_shows_in_every_members_record(office) -> None:
    with activate(office.ctx()):
        head, wife, child = _family(office)
        _ex(
            office,
            "name_change",
            {"person_id": head.pk, "family_name": "佐藤", "family_name_kana": "サトウ"},
            effective_date=D(2024, 5, 1),
            basis="koseki_notice",
        )
        from jichitai.registry import selectors

        hh = selectors.household_detail(head.household_id, staff=office.clerk, screen="テスト")
        assert hh.head_shown.startswith(
            "佐藤"
        )  # every member's 世帯主の氏名 is the head's own name
        for member in (wife, child):
            detail = selectors.person_detail(member.pk, staff=office.clerk, screen="テスト")
            head_row = next(m for m in detail.household_members if m.id == head.pk)
            assert head_row.name.startswith("佐藤") and head_row.kana.startswith("サトウ")
            assert (
                _history(office, member.pk)[0].row["head_name"].startswith("髙橋")
            )  # history keeps the old


@pytest.mark.std("840#3", "850#1")
def test_a_correction_is_minor_by_choice_and_each_ground_changes_only_its_items(office) -> None:
    assert (
        classify("minor_correction").label == "軽微な修正"
        and classify("ex_officio_correction").label == "職権修正"
    )
    with activate(office.ctx()):
        head, wife, child = _family(office)
        for n, ground in enumerate(
            ("common_chars", "identification", "minister")
        ):  # 氏名: 髙 → 高 and back
            _ex(
                office,
                "minor_correction",
                {
                    "ground": ground,
                    "person_id": wife.pk,
                    "changes": {"family_name": "髙橋" if n % 2 else "高橋"},
                },
                D(2024, 5, 1),
            )
        assert Person.objects.for_read(screen="テスト").get(pk=wife.pk).family_name == "高橋"
        assert _history(office, wife.pk)[-1].reason == "軽微な修正"
        for n, ground in enumerate(("district_name", "lot_number", "residence_indication")):
            _ex(
                office,
                "minor_correction",
                {
                    "ground": ground,
                    "household_id": head.household_id,
                    "changes": {"banchi": f"{n + 1}番"},
                },
                effective_date=D(2024, 5, 2),
            )
        _ex(
            office,
            "minor_correction",
            {
                "ground": "building_name",
                "household_id": head.household_id,
                "changes": {"katagaki": "新名ハイツ"},
            },
            effective_date=D(2024, 5, 3),
        )
        hh = Household.objects.get(pk=head.household_id)
        assert (hh.banchi, hh.katagaki) == ("3番", "新名ハイツ")
        assert _history(office, child.pk)[-1].reason == "軽微な修正"
        refused = [
            ({"ground": "district_name", "person_id": wife.pk, "changes": {"family_name": "高"}}),
            (
                {
                    "ground": "building_name",
                    "household_id": head.household_id,
                    "changes": {"banchi": "2"},
                }
            ),
            ({"ground": "common_chars", "person_id": wife.pk, "changes": {"sex": "1"}}),
            (
                {
                    "ground": "common_chars",
                    "person_id": wife.pk,
                    "household_id": head.household_id,
                    "changes": {"family_name": "高"},
                }
            ),
        ]
        for req in refused:
            with pytest.raises(RegistryError):
                events.submit_event(
                    "minor_correction",
                    req,
                    effective_date=D(2024, 5, 4),
                    reported_date=None,
                    entered_by=office.clerk,
                )


@pytest.mark.std("840#4")
def test_no_koseki_fuhyo_notice_detail_can_be_set(office) -> None:
    from jichitai.registry.documents import (
        KINDS,
        ex_officio_notice,  # noqa: F401 - registers its kinds
    )

    assert not any("附票" in k.title for k in KINDS.values())
    with activate(office.ctx()):
        head, wife, child = _family(office)
        for req in (
            {"person_id": wife.pk, "changes": {"fuhyo_notice_detail": "住所修正"}},
            {"person_id": wife.pk, "changes": {"banchi": "1"}, "fuhyo_notice_detail": "住所修正"},
        ):
            with pytest.raises(RegistryError):
                events.submit_event(
                    "ex_officio_correction",
                    req,
                    effective_date=D(2024, 5, 1),
                    reported_date=None,
                    entered_by=office.clerk,
                )


@pytest.mark.std("860#1", "860#2", "860#3")
def test_a_clerical_error_is_corrected_by_a_new_event_and_the_wrong_one_stays(office) -> None:
    with activate(office.ctx()):
        head, wife, child = _family(office)
        wrong = apply(
            office, "name_change", {"person_id": wife.pk, "family_name": "佐籐"}, D(2024, 5, 1)
        )
        apply(
            office,
            "correction",
            {
                "target_event_id": wrong.pk,
                "changes": [
                    {
                        "entity": "person",
                        "entity_id": wife.pk,
                        "field": "family_name",
                        "value": "佐藤",
                    }
                ],
            },
            D(2024, 5, 2),
        )
        rows = _history(office, wife.pk)
        assert [r.row["family_name"] for r in rows[-2:]] == ["佐籐", "佐藤"]
        assert rows[-1].reason == "誤記修正"
        assert EventFact.objects.get(event=wrong, field="family_name").after == "佐籐"


@pytest.mark.std("860#4")
def test_no_correction_overwrites_history(office) -> None:
    with activate(office.ctx()):
        head, wife, child = _family(office)
        first = apply(
            office, "name_change", {"person_id": wife.pk, "family_name": "佐籐"}, D(2024, 5, 1)
        )
        facts = list(EventFact.objects.filter(event=first).values_list("field", "before", "after"))
        with pytest.raises(RegistryError):  # an approved event cannot be approved (rewritten) again
            events.approve_event(first.pk, approver=office.approver)
        with pytest.raises(RegistryError):  # a 訂正 may not reach items its target did not write
            events.submit_event(
                "correction",
                {
                    "target_event_id": first.pk,
                    "changes": [
                        {"entity": "person", "entity_id": wife.pk, "field": "sex", "value": "1"}
                    ],
                },
                effective_date=D(2024, 5, 2),
                reported_date=None,
                entered_by=office.clerk,
            )
        for kind, req in (
            ("ex_officio_correction", {"person_id": wife.pk, "changes": {"family_name": "佐藤"}}),
            (
                "minor_correction",
                {
                    "ground": "identification",
                    "person_id": wife.pk,
                    "changes": {"family_name": "佐藤"},
                },
            ),
        ):
            apply(office, kind, req, D(2024, 5, 3))
        assert (
            list(EventFact.objects.filter(event=first).values_list("field", "before", "after"))
            == facts
        )
        assert [r.row["family_name"] for r in _history(office, wife.pk)].count("佐籐") >= 1


@pytest.mark.std("800#2")
def test_an_unreported_move_in_marks_its_previous_address_and_notes_it(office) -> None:
    from jichitai.registry.records_models import EventRemark

    with activate(office.ctx()):
        spec = person_spec("p1", "青木", "一", "1975-01-01", "世帯主")
        req = {
            "household": {"new": {"address_id": office.address.pk, "banchi": "8番地"}},
            "persons": [spec],
            "previous_address": "大阪府大阪市北区2番",
            "unreported": True,
        }
        event = _ex(office, "ex_officio_entry", req, D(2024, 5, 1))
        (aoki,) = people(family_name="青木")
        assert aoki.previous_address == "大阪府大阪市北区2番（未届）"
        # the 留意事項 is derived from the approved 異動 (registry/move_notes.py), as for a 転入 ([620])
        assert notes.certificate_column(aoki.pk)["remarks"] == ["未届転入　転入前住所（未届）：大阪府大阪市北区2番（未届）"]
        assert not EventRemark.objects.filter(event=event).exists()  # derived, never stored twice
        with pytest.raises(RegistryError):  # the unreported address is required
            _sub(office, "ex_officio_entry", {**req, "previous_address": ""}, D(2024, 5, 1))
