"""[350] 異動履歴・旧氏・通称の履歴, [350]#3 no history joined across a 再転入, [370] 文字情報,
[390] the 異動処理名称 on every entry screen: each tried from the protected side and from another
municipality."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from jichitai.registry.models import EventKind
from jichitai.tenancy.context import activate
from tests.registry.conftest import apply, move_in_family, people, person_spec
from tests.registry.test_search_support import _protect

pytestmark = pytest.mark.django_db
D = dt.date


def html(resp: Any) -> str:
    return resp.content.decode()


@pytest.mark.std("350#1", "350#2")
def test_history_and_former_surname_alias_history_on_the_person_page(office, office_b, staff_client) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        apply(office, "name_change", {"person_id": wife.pk, "family_name": "渡邉", "given_name": "花子",
                                      "family_name_kana": "ワタナベ", "given_name_kana": "ハナコ",
                                      "former_surname": "髙橋"}, D(2023, 7, 1))
    page = html(staff_client("clerk").get(f"/registry/persons/{wife.pk}/"))
    section = page.split('id="name-history-heading"')[1].split("</section>")[0]
    assert "旧氏" in section and "髙橋" in section and "令和5年7月1日" in section and "氏名変更" in section
    assert "履歴2：氏名変更" in page and "履歴1：転入" in page
    other = staff_client(roles=["clerk"])
    assert other.get(f"/registry/persons/{wife.pk}/").status_code == 200
    with activate(office_b.ctx()):
        move_in_family(office_b)
        b_person = people()[0]
    assert staff_client("clerk").get(f"/registry/persons/{b_person.pk}/").status_code == 404


@pytest.mark.std("350#3")
def test_history_is_never_joined_across_a_re_move_in(office, staff_client) -> None:
    """A person who moves out and is entered again as a new record (new 宛名番号; the clerk
    confirmed the 3情報 alert of [600] instead of choosing the 除票 as 再転入者): each record's
    history is its own; nothing on either page joins them as one resident."""
    with activate(office.ctx()):
        move_in_family(office)
        first = people()[0]
        ids = [p.pk for p in people()]
        apply(office, "move_out_planned", {"person_ids": ids, "destination": "大阪府大阪市北区1番",
                                           "planned_date": "2023-03-31"}, D(2023, 3, 10))
        apply(office, "move_out_confirmed", {"person_ids": ids}, D(2023, 3, 31))
        apply(office, "move_in", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "5番地"}},
            "persons": [person_spec("p1", "髙橋", "一郎", "1980-05-01", "世帯主")],
            "previous_address": "大阪府大阪市北区1番"}, D(2024, 4, 1), confirm_duplicates=True)
        again = people(status="resident")[0]
    assert again.pk != first.pk and again.atena_no != first.atena_no
    new_page = html(staff_client("clerk").get(f"/registry/persons/{again.pk}/"))
    timeline = new_page.split('id="history-heading"')[1].split("</section>")[0]
    assert timeline.count("<h3>履歴") == 1 and "転出確定" not in timeline and "転出（予定）" not in timeline
    assert f"/registry/persons/{first.pk}/" not in new_page and first.atena_no not in new_page
    old_page = html(staff_client("clerk").get(f"/registry/persons/{first.pk}/"))
    assert f"/registry/persons/{again.pk}/" not in old_page and "令和6年4月1日" not in old_page


@pytest.mark.std("370#1")
def test_character_view_enlarges_and_shows_codes(office, office_b, staff_client) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, _ = people()
    clerk = staff_client("clerk")
    page = html(clerk.get(f"/registry/persons/{head.pk}/moji/"))
    assert '<span class="moji-large" lang="ja">髙</span>' in page
    assert "U+9AD9" in page and "MJ028902" in page and "J+9AD9" in page
    assert f"/registry/persons/{head.pk}/moji/" in html(clerk.get(f"/registry/persons/{head.pk}/"))
    typed = html(clerk.get("/registry/moji/", {"text": "邉"}))
    assert "U+9089" in typed and 'class="moji-large"' in typed
    with activate(office.ctx()):
        _protect(office, wife.pk)
    refused = clerk.get(f"/registry/persons/{wife.pk}/moji/")
    assert refused.status_code == 403 and "髙" not in html(refused) and "moji-large" not in html(refused)
    with activate(office_b.ctx()):
        move_in_family(office_b)
        b_person = people()[0]
    assert clerk.get(f"/registry/persons/{b_person.pk}/moji/").status_code == 404


@pytest.mark.std("390#1")
def test_every_entry_screen_names_its_process(office, staff_client) -> None:
    from jichitai.web.registry.forms import FORMS

    with activate(office.ctx()):
        move_in_family(office)
        hid = people()[0].household_id
    clerk = staff_client("clerk")
    for kind, form in FORMS.items():
        url = f"/registry/events/new/{kind}/" + (f"?household={hid}" if form.needs_household else "")
        h1 = re.search(r"<h1>(.*?)</h1>", html(clerk.get(url)), re.S).group(1)
        assert EventKind(kind).label in h1, (kind, h1)
