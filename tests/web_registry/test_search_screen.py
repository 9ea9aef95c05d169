"""住民検索 screen: [340] items, [320] 検索履歴, [340]#11 no 絞込み, [400] keyboard-only markup,
each new address item tried from the protected side, and another municipality's rows and history."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jichitai.registry.search_history import SearchHistory
from jichitai.registry.selectors import MASK
from jichitai.tenancy.context import activate
from tests.protection_world import Protected, alerts, build, revealed
from tests.registry.conftest import move_in_family, people

pytestmark = pytest.mark.django_db


def html(resp: Any) -> str:
    return resp.content.decode()


def _count(page: str) -> int:
    return int(re.search(r"検索結果 (\d+)件", page).group(1))


@pytest.mark.std("340#1", "340#4", "340#8", "330#2")
def test_items_and_dates_from_the_screen(office, office_b, staff_client) -> None:
    with activate(office.ctx()):
        move_in_family(office)
    clerk = staff_client("clerk")
    assert _count(html(clerk.get("/registry/", {"birth_date": "昭和55年"}))) == 1
    assert _count(html(clerk.get("/registry/", {"birth_date": "S55.5.1", "sex": "1"}))) == 1
    assert _count(html(clerk.get("/registry/", {"given_kana": "はなこ"}))) == 1
    assert _count(html(clerk.get("/registry/", {"kana": "コ", "match": "partial"}))) == 1
    page = html(clerk.get("/registry/", {"birth_date": "平成32年"}))
    assert "生年月日の形式が正しくありません" in page and 'id="f-birth_date-error"' in page
    page = html(clerk.get("/registry/", {"sex": "x"}))
    assert "性別は一覧から選んでください。" in page
    with activate(office_b.ctx()):
        move_in_family(office_b, family="鈴木")
    assert _count(html(clerk.get("/registry/", {"name": "鈴木"}))) == 0


@pytest.mark.std("320#1", "320#2")
def test_search_history_is_kept_per_staff_and_rerun(office, office_b, staff_client, settings) -> None:
    settings.JICHITAI_SEARCH_HISTORY_SIZE = 3
    with activate(office.ctx()):
        move_in_family(office)
    clerk = staff_client("clerk")
    for name in ("髙橋", "高橋 一", "高", "髙橋 花子"):
        clerk.get("/registry/", {"name": name, "birth_date": "1980"})
    clerk.get("/registry/", {"name": "髙橋", "page": "2"})  # a turn of the page is no new search
    with activate(office.ctx()):
        kept = list(SearchHistory.objects.filter(staff=office.clerk).order_by("-searched_at", "-pk"))
    assert [h.params["name"] for h in kept] == ["髙橋 花子", "高", "高橋 一"]
    page = html(clerk.get("/registry/"))
    assert "氏名: 髙橋 花子／生年月日: 1980" in page and "氏名: 高橋 一" in page
    rerun = clerk.get("/registry/", {"history": kept[1].pk})
    assert rerun.status_code == 302 and "name=%E9%AB%98&birth_date=1980" in rerun["Location"]
    assert _count(html(clerk.get(rerun["Location"]))) == 1  # 高 born in 1980: 一郎 only
    filled = html(clerk.get("/registry/", {"history": kept[0].pk, "fill": "1"}))
    assert 'value="髙橋 花子"' in filled and "検索結果" not in filled
    # another staff member, and the same staff member in another municipality, see none of it
    other = staff_client(roles=["clerk"])
    assert "髙橋 花子" not in html(other.get("/registry/"))
    assert other.get("/registry/", {"history": kept[0].pk}).status_code == 200
    with activate(office_b.ctx()):
        assert SearchHistory.objects.count() == 0


@pytest.mark.std("320#1")
def test_my_number_is_never_kept_in_the_history(office, staff_client) -> None:
    staff = staff_client(roles=["clerk", "my_number_access"])
    staff.get("/registry/", {"my_number": "123456789018", "name": "髙橋"})
    with activate(office.ctx()):
        (entry,) = SearchHistory.objects.all()
    assert "my_number" not in entry.params and "123456789018" not in entry.summary
    assert "個人番号（保存しません）" in entry.summary


@pytest.mark.std("340#11")
def test_no_refine_within_the_displayed_results(office, staff_client) -> None:
    """A result page offers no 絞込み, and a request that tries to carry the displayed list into
    the next search (ids, a 'within'/'refine' parameter) is a fresh search over the register."""
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
    clerk = staff_client("clerk")
    page = html(clerk.get("/registry/", {"name": "髙橋", "given_kana": "ハナコ"}))
    assert _count(page) == 1
    assert "絞込" not in page and "絞り込" not in page
    # the 文字選択 panel's form ([340]#7) sits above the results and only looks up MJ characters
    forms = [f for f in re.findall(r"<form[^>]*>", page) if 'action="/registry/moji/pick/"' not in f]
    assert len(forms) == 2  # the search form and the logout button, nothing on the result list
    assert not re.search(r'name="(ids|within|refine|results|person_id)"', page)
    tried = html(clerk.get("/registry/", {"name": "髙橋", "within": str(wife.pk), "ids": str(wife.pk),
                                           "refine": "1"}))
    assert _count(tried) == 3


@pytest.mark.std("400#1")
def test_every_search_input_is_labelled_and_keyboard_reachable_400(office, staff_client) -> None:
    page = html(staff_client("clerk").get("/registry/", {"name": "髙橋"}))
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', page)
    assert len(ids) > 20
    for element_id in ids:
        assert f'<label for="{element_id}"' in page, element_id
    assert not re.search(r'tabindex="[1-9]', page)
    assert '<a class="skip-link" href="#main">' in page and '<main id="main"' in page
    assert page.count(" autofocus") == 1 and 'accesskey="s"' in page and 'accesskey="1"' in page


@pytest.fixture
def world(office: Any) -> Protected:
    return build(office)


@pytest.mark.std("340#1", "340#5", "340#6", "340#9")
@pytest.mark.parametrize("params", [
    {"address_code": "002"}, {"address_code": "00"}, {"katagaki": "秘密", "match": "partial"},
    {"katagaki": "荘", "match": "partial"}, {"blank": "banchi"},
    {"address_id": "ADDR1", "include_history": "1"}, {"address_id": "ADDR2", "include_history": "1"},
])
def test_new_address_items_never_return_a_protected_household(world: Protected, staff_client: Any, params) -> None:
    params = {k: {"ADDR1": str(world.office.address.pk), "ADDR2": str(world.office.address2.pk)}.get(v, v)
              for k, v in params.items()}
    page = html(staff_client("clerk").get("/registry/", params))
    assert "検索結果" in page and revealed(page, world) == [] and MASK not in page
    assert "髙橋\u3000太郎" not in page
    seen = html(staff_client(world.officer).get("/registry/", params))
    assert "検索結果" in seen


def test_address_code_probe_is_alerted(world: Protected, staff_client: Any) -> None:
    before = alerts(world.office, world.wife)
    staff_client("clerk").get("/registry/", {"address_code": "002"})
    assert alerts(world.office, world.wife) == before + 1
