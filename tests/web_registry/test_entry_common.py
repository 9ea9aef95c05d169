"""Chapter 4.0 on the 異動 form: [460] 異動者, [470] 異動先世帯・異動による消除, [480] 異動日・処理日,
[510] 本籍入力補助 and [520] 方書入力補助, tried as a clerk would, through the screen and the API.

A protected member of a destination household is masked on the form; another municipality's
households and 方書 are not found.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from jichitai.registry import address_book, events, rules, selectors
from jichitai.registry.models import Household, RegistryEvent
from jichitai.tenancy.context import activate
from tests.api.conftest import login_client, post
from tests.registry.conftest import apply, move_in_family, people
from tests.registry.test_search_support import _protect

from .test_views import _post_and_approve, html, move_in_post

pytestmark = pytest.mark.django_db
D = dt.date


def _family(office: Any) -> list[Any]:
    with activate(office.ctx()):
        move_in_family(office)
        return people()


def _value(page: str, name: str) -> str | None:
    found = re.search(rf'<input type="text" id="f-{name}" name="{name}" value="([^"]*)"', page)
    return found.group(1) if found else None


# --- [460] 異動者 ------------------------------------------------------------------------------


@pytest.mark.std("460#1")
def test_the_movers_are_chosen_from_a_household_all_or_some(office: Any, staff_client: Any) -> None:
    head, wife, child = _family(office)
    hh = str(head.household_id)
    page = html(staff_client("clerk").get(f"/registry/events/new/move_within/?household={hh}"))
    for p in (head, wife, child):
        assert f'name="person_ids" value="{p.pk}"' in page
    # opened from one person (個人単位): that person is chosen
    one = html(
        staff_client("clerk").get(
            f"/registry/events/new/move_within/?household={hh}&person={child.pk}"
        )
    )
    assert f'value="{child.pk}" id="member-{child.pk}" checked' in one
    # 一部 (one of them): a new household at the new address; 全部: the household itself moves
    _post_and_approve(
        office,
        staff_client,
        "move_within",
        {
            "household": hh,
            "effective_date": "2023-01-01",
            "person_ids": [str(child.pk)],
            "address_id": str(office.address2.pk),
            "banchi": "5番地",
        },
    )
    with activate(office.ctx()):
        (moved,) = people(pk=child.pk)
        assert moved.household_id != head.household_id and moved.relationship == "世帯主"
    _post_and_approve(
        office,
        staff_client,
        "move_within",
        {
            "household": hh,
            "effective_date": "2023-02-01",
            "person_ids": [str(head.pk), str(wife.pk)],
            "address_id": str(office.address2.pk),
            "banchi": "6番地",
        },
    )
    with activate(office.ctx()):
        assert {p.household_id for p in people(pk__in=[head.pk, wife.pk])} == {head.household_id}
        assert Household.objects.get(pk=head.household_id).banchi == "6番地"


@pytest.mark.std("460#2")
def test_persons_who_were_not_residents_are_entered(office: Any, staff_client: Any) -> None:
    page = html(staff_client("clerk").get("/registry/events/new/move_in/"))
    for item in (
        "family_name",
        "given_name",
        "birth_date",
        "sex",
        "relationship",
        "honseki",
        "resident_code",
    ):
        assert f'name="persons-1-{item}"' in page
    _post_and_approve(office, staff_client, "move_in", move_in_post(office))
    with activate(office.ctx()):
        assert [p.given_name for p in people(family_name="渡邉")] == ["一郎", "花子", "太郎"]


# --- [470] 異動先世帯・異動による消除 -------------------------------------------------------------


@pytest.mark.std("470#1")
def test_the_movers_form_a_new_household_with_its_head_and_relationships(
    office: Any, staff_client: Any
) -> None:
    _post_and_approve(office, staff_client, "move_in", move_in_post(office))
    with activate(office.ctx()):
        head, wife, child = people(family_name="渡邉")
        hh = Household.objects.get(pk=head.household_id)
        assert hh.head_id == head.pk and [wife.relationship, child.relationship] == ["妻", "子"]
        assert {wife.household_id, child.household_id} == {hh.pk}


@pytest.mark.std("470#1")
def test_a_mover_joins_a_household_shown_while_entering(
    office: Any, office_b: Any, staff_client: Any
) -> None:
    head, wife, child = _family(office)
    hh = head.household_id
    page = html(
        staff_client("clerk").get(f"/registry/events/new/move_in/?existing_household_id={hh}")
    )
    section = page[page.index('id="destination"') : page.index("届出の内容")]
    assert (
        "異動先世帯" in section
        and "髙橋\u3000一郎（世帯主）" in section
        and "髙橋\u3000花子（妻）" in section
    )
    data = move_in_post(office, family="髙橋") | {"existing_household_id": str(hh)}
    for i in (2, 3):
        data = {k: v for k, v in data.items() if not k.startswith(f"persons-{i}-")}
    data |= {
        "persons-1-given_name": "次郎",
        "persons-1-relationship": "子",
        "persons-1-given_name_kana": "ジロウ",
        "persons-1-birth_date": "2015-03-03",
    }
    _post_and_approve(office, staff_client, "move_in", data)
    with activate(office.ctx()):
        (jiro,) = people(given_name="次郎")
        assert jiro.household_id == hh and jiro.relationship == "子"
    # a protected member of the destination is masked there; another municipality's is not found
    with activate(office.ctx()):
        _protect(office, wife.pk)
    page = html(
        staff_client("clerk").get(f"/registry/events/new/move_in/?existing_household_id={hh}")
    )
    section = page[page.index('id="destination"') : page.index("届出の内容")]
    assert "花子" not in section and "（非表示）" in section
    with activate(office_b.ctx()):
        other = move_in_family(office_b, family="鈴木").household_id
    page = html(
        staff_client("clerk").get(f"/registry/events/new/move_in/?existing_household_id={other}")
    )
    assert 'id="destination"' not in page and "鈴木" not in page


@pytest.mark.std("470#2")
@pytest.mark.parametrize("kind", ["death", "move_out_abroad", "ex_officio_deletion"])
def test_a_person_who_stops_being_a_resident_becomes_a_removed_record(
    office: Any, kind: str
) -> None:
    head, wife, child = _family(office)
    with activate(office.ctx()):
        req = {"person_id": child.pk} if kind == "death" else {"person_ids": [child.pk]}
        apply(office, kind, req, D(2023, 5, 1))
        (gone,) = people(pk=child.pk)
        assert gone.status in ("dead", "moved_out", "deleted") and gone.removed_on == D(2023, 5, 1)
        removed = selectors.households.removed_members(head.household_id, staff=office.clerk)
        assert [m.id for m in removed] == [child.pk]
        assert child.pk not in [
            m.id for m in selectors.household_detail(head.household_id, staff=office.clerk).members
        ]


# --- [480] 異動日・処理日 --------------------------------------------------------------------------


@pytest.mark.std("480#1", "480#2", "480#4")
def test_the_event_date_starts_blank_and_the_processing_date_is_today(
    office: Any, staff_client: Any
) -> None:
    head, _, _ = _family(office)
    for kind, query in (("move_in", ""), ("death", f"?household={head.household_id}")):
        page = html(staff_client("clerk").get(f"/registry/events/new/{kind}/{query}"))
        assert 'name="effective_date" value=""' in page  # 異動日: blank, to be entered
        from jichitai.wareki import format_date

        assert f"処理日 {format_date(rules.today())}（処理当日を自動入力" in page
    _post_and_approve(office, staff_client, "move_in", move_in_post(office))
    with activate(office.ctx()):
        event = RegistryEvent.objects.filter(kind="move_in").latest("pk")
        assert event.effective_date == D(2024, 4, 1)
        assert timezone.localtime(event.processed_at).date() == rules.today()


@pytest.mark.std("480#3")
def test_the_event_date_may_not_lie_ahead_except_for_a_move_out(
    office: Any, staff_client: Any
) -> None:
    head, wife, child = _family(office)
    tomorrow = (rules.today() + dt.timedelta(days=1)).isoformat()
    resp = staff_client("clerk").post(
        "/registry/events/new/death/",
        {
            "household": str(head.household_id),
            "effective_date": tomorrow,
            "person_id": str(child.pk),
        },
    )
    assert resp.status_code == 400 and "異動日に未来の日付は入力できません" in html(resp)
    # 転出 (予定) is the exception: its date lies ahead
    _post_and_approve(
        office,
        staff_client,
        "move_out_planned",
        {
            "household": str(head.household_id),
            "effective_date": tomorrow,
            "person_ids": [str(child.pk)],
            "destination": "大阪府大阪市北区1番",
            "planned_date": tomorrow,
        },
    )
    with activate(office.ctx()):
        assert str(people(pk=child.pk)[0].move_out_planned_on) == tomorrow


@pytest.mark.std("480#5")
def test_no_processing_date_but_today_can_be_entered(
    office: Any, staff_client: Any, tenants: Any
) -> None:
    """[480]#5 (must not): a 処理日 other than today is tried through every way in, and fails."""
    head, wife, child = _family(office)
    past = "2020-01-01"
    # the screen: an extra 処理日 item is not an input; the event's 処理日 is today
    _post_and_approve(
        office,
        staff_client,
        "name_change",
        {
            "effective_date": "2023-01-01",
            "person_id": str(child.pk),
            "family_name": "高橋",
            "processed_at": past,
            "processing_date": past,
        },
    )
    with activate(office.ctx()):
        event = RegistryEvent.objects.filter(kind="name_change").latest("pk")
        assert timezone.localtime(event.processed_at).date() == rules.today()
        # the domain: no such argument, in the request or beside it
        with pytest.raises(TypeError):
            events.submit_event(
                "name_change",
                {"person_id": child.pk, "family_name": "鷹橋"},
                effective_date=D(2023, 1, 2),
                reported_date=None,
                entered_by=office.clerk,
                processed_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            )
        with pytest.raises(Exception, match="processed_at"):
            events.parse_request(
                "name_change", {"person_id": child.pk, "family_name": "鷹橋", "processed_at": past}
            )
    # the API: an unknown item is refused
    client, _ = login_client(tenants.a, "clerk")
    resp = post(
        client,
        "/events",
        {
            "kind": "name_change",
            "effective_date": "2023-01-03",
            "request": {"person_id": child.pk, "family_name": "鷹橋"},
            "processed_at": past,
        },
        key="k-480-5",
    )
    assert resp.status_code == 422, resp.content
    with activate(office.ctx()):
        assert not RegistryEvent.objects.filter(processed_at__date__lt=rules.today()).exists()


# --- [510] 本籍入力補助・[520] 方書入力補助 -----------------------------------------------------------


@pytest.mark.std("510#1")
def test_the_birth_form_offers_the_households_honseki_and_address(
    office: Any, staff_client: Any
) -> None:
    head, _, _ = _family(office)
    page = html(
        staff_client("clerk").get(f"/registry/events/new/birth/?household={head.household_id}")
    )
    datalist = page[page.index('<datalist id="honseki-list">') :]
    datalist = datalist[: datalist.index("</datalist>")]
    assert '<option value="テスト県甲村1番地" label="世帯主の本籍">' in datalist
    assert '<option value="テスト県甲村本町一丁目1番地2" label="現住所">' in datalist
    assert '<option value="なし">' in datalist


@pytest.mark.std("510#2")
def test_the_honseki_picker_offers_former_town_names(office: Any, staff_client: Any) -> None:
    from jichitai.registry.address_models import AddressDictionary

    with activate(office.ctx()):
        for code, koaza, kana, former in (
            ("13101001001", "一丁目", "イツチヨウメ", False),
            ("13101002001", "旧町", "キユウマチ", True),
        ):
            AddressDictionary.objects.create(
                code=code,
                pref_name="東京都",
                pref_kana="トウキヨウト",
                city_name="千代田区",
                city_kana="チヨダク",
                oaza_name="本町",
                oaza_kana="ホンマチ",
                koaza_name=koaza,
                koaza_kana=kana,
                former=former,
            )
    page = html(staff_client("clerk").get("/registry/events/new/move_in/"))
    assert "target=f-persons-1-honseki&amp;former=1" in page
    picks = html(
        staff_client("clerk").get(
            "/registry/addresses/pick/?target=f-persons-1-honseki&former=1&q=ト チ ホ"
        )
    )
    assert "東京都千代田区本町旧町（旧町名）" in picks and "東京都千代田区本町一丁目" in picks
    # the other address pickers stay with the current names
    picks = html(
        staff_client("clerk").get("/registry/addresses/pick/?target=f-previous_address&q=ト チ ホ")
    )
    assert "旧町" not in picks


@pytest.mark.std("520#1")
def test_the_form_offers_the_katagaki_of_the_address_and_banchi(
    office: Any, office_b: Any, staff_client: Any
) -> None:
    with activate(office.ctx()):
        address_book.add_katagaki(office.address.pk, "3番地4", "本町ハイツ")
        address_book.add_katagaki(office.address.pk, "9番地", "別館")
    client = staff_client("clerk")
    got = html(
        client.get(f"/registry/events/katagaki/?address_id={office.address.pk}&banchi=3番地4")
    )
    assert '<option value="本町ハイツ">' in got and "別館" not in got
    # after a refused post the form offers them again for what was entered
    data = move_in_post(office) | {"persons-1-sex": ""}
    page = html(client.post("/registry/events/new/move_in/", data))
    assert '<datalist id="katagaki-list"><option value="本町ハイツ">' in page
    assert 'list="katagaki-list"' in page
    with activate(office_b.ctx()):
        address_book.add_katagaki(office_b.address.pk, "3番地4", "乙町荘")
    got = html(
        client.get(f"/registry/events/katagaki/?address_id={office_b.address.pk}&banchi=3番地4")
    )
    assert "乙町荘" not in got


@pytest.mark.std("520#2")
@pytest.mark.parametrize(
    "query",
    [
        "katagaki=本町ハイツ",
        "banchi=本町ハイツ",
        "q=本町ハイツ",
        "name=本町ハイツ",
        "address_id=&banchi=&katagaki=本町ハイツ",
    ],
)
def test_a_katagaki_never_offers_its_address(office: Any, staff_client: Any, query: str) -> None:
    """[520]#2 (must not): from a 方書 no 住所・地番 is offered, on any aid of the form."""
    with activate(office.ctx()):
        address_book.add_katagaki(office.address.pk, "3番地4", "本町ハイツ", "ほんまちはいつ")
    client = staff_client("clerk")
    got = html(client.get(f"/registry/events/katagaki/?{query}"))
    assert "3番地4" not in got and "本町一丁目" not in got and "<option" not in got
    picks = html(client.get(f"/registry/addresses/pick/?target=f-banchi&{query}"))
    assert "3番地4" not in picks and "本町一丁目" not in picks
    picks = html(client.get("/registry/addresses/pick/?target=f-address_id&q=ホンマチハイツ"))
    assert "3番地4" not in picks and "本町一丁目" not in picks


@pytest.mark.std("510#3")
def test_the_correction_form_takes_the_honseki_over_to_the_household(
    office: Any, staff_client: Any
) -> None:
    head, wife, child = _family(office)  # all three: 本籍 テスト県甲村1番地, each his own 筆頭者
    with activate(office.ctx()):
        apply(
            office,
            "ex_officio_correction",
            {"person_id": child.pk, "changes": {"hittousha": "髙橋一郎"}},
            D(2023, 1, 1),
        )
    client = staff_client("clerk")
    page = html(client.get("/registry/events/new/ex_officio_correction/"))
    assert "同じ本籍・筆頭者の世帯員も一括して修正する" in page
    data = {
        "effective_date": "2024-01-01",
        "person_id": str(head.pk),
        "change-1-field": "honseki",
        "change-1-value": "テスト県甲村新町5番地",
        "same_honseki_members": "1",
    }
    resp = client.post("/registry/events/new/ex_officio_correction/", data, follow=True)
    assert "職権修正（本籍・筆頭者）を2人分仮登録しました" in html(resp)
    with activate(office.ctx()):
        pending = RegistryEvent.objects.filter(kind="ex_officio_correction", status="provisional")
        assert sorted(e.request["person_id"] for e in pending) == [head.pk, child.pk]
        result = events.approve_events([e.pk for e in pending], approver=office.approver)
        assert not result.refused
        assert {p.given_name: p.honseki for p in people()} == {
            "一郎": "テスト県甲村新町5番地",
            "花子": "テスト県甲村1番地",
            "太郎": "テスト県甲村新町5番地",
        }
    # any other item is refused with the box ticked, next to the changes
    data |= {
        "change-1-field": "family_name",
        "change-1-value": "高橋",
        "idempotency_key": "k-510-3b",
    }
    resp = client.post("/registry/events/new/ex_officio_correction/", data)
    assert resp.status_code == 400 and "一括して修正できるのは本籍・筆頭者だけです" in html(resp)
