"""[340]#7 文字選択 on 住民検索: the picker page, its htmx panel, and the link that fills the form.

The picker reads only the MJ tables (no person data, so nothing tenant-scoped or protected to try
from another municipality); filling the form does not run a search or write a 検索履歴."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.django_db, pytest.mark.std("340#7")]


def html(resp: Any) -> str:
    return resp.content.decode()


def test_search_screen_offers_the_picker_for_name_fields(staff_client) -> None:
    page = html(staff_client("clerk").get("/registry/", {"name": "渡", "fill": "1"}))
    assert 'href="/registry/moji/pick/?target=f-name&amp;value=%E6%B8%A1" data-moji-open="f-name"' in page
    assert 'data-moji-open="f-given_name"' in page and 'data-moji-open="f-former_surname"' in page
    assert 'id="moji-picker"' in page and "jichitai/moji_picker.js" in page
    assert '<label for="f-radical">部首</label>' in page and '<label for="f-reading">' in page
    assert "<script>" not in page and "style=" not in page  # CSP: no inline script or style


def test_picker_page_by_reading_lists_candidates_and_the_link_fills_the_search_form(staff_client) -> None:
    clerk = staff_client("clerk")
    page = html(clerk.get("/registry/moji/pick/", {"target": "f-name", "value": "渡", "reading": "へん"}))
    assert '<span class="moji-large" lang="ja">辺</span>' in page and "MJ025758" in page and "U+8FBA" in page
    link = re.search(r'<a href="([^"]+)" class="moji-candidate" data-moji-insert="辺" data-moji-target="f-name"', page)
    assert link, page
    href = link.group(1).replace("&amp;", "&")
    assert href.startswith("/registry/?") and "fill=1" in href
    filled = clerk.get(href)
    assert filled.status_code == 200
    body = html(filled)
    assert 'id="f-name" name="name" value="渡辺"' in body
    assert "検索結果" not in body  # filled, not searched
    assert "検索履歴" not in html(clerk.get("/registry/"))  # nothing was recorded either


def test_picker_by_radical_and_strokes_and_by_variant(staff_client) -> None:
    clerk = staff_client("clerk")
    page = html(clerk.get("/registry/moji/pick/", {"radical": "162", "strokes": "２"}))
    assert 'data-moji-insert="辺"' in page and 'data-moji-insert="辻"' in page
    assert '<option value="162" selected>辵（162）</option>' in page
    variants = html(clerk.get("/registry/moji/pick/", {"variant": "辺", "target": "f-alias"}))
    for ch in ("辺", "邊", "邉"):
        assert f'data-moji-insert="{ch}"' in variants
    assert "alias=%E9%82%89&fill=1" in variants.replace("&amp;", "&")  # 邉 into 通称


def test_the_panel_gets_only_the_candidates_and_errors_are_messages(staff_client) -> None:
    clerk = staff_client("clerk")
    part = clerk.get("/registry/moji/pick/", {"reading": "へん", "target": "f-given_name"}, HTTP_HX_REQUEST="true")
    assert part.status_code == 200 and "<html" not in html(part) and 'data-moji-target="f-given_name"' in html(part)
    bad = clerk.get("/registry/moji/pick/", {"reading": "abc"})
    assert bad.status_code == 400 and "ひらがなかカタカナ" in html(bad) and 'href="#f-reading"' in html(bad)
    none = html(clerk.get("/registry/moji/pick/", {"reading": "わたなべ"}))
    assert "該当する文字はありません" in none and "1文字ずつ" in none
    assert clerk.get("/registry/moji/pick/", {"radical": "x"}).status_code == 400
    assert clerk.get("/registry/moji/pick/", {"target": "<script>"}).status_code == 400
    assert clerk.get("/registry/moji/pick/").status_code == 200  # an empty form, no candidates


def test_the_picker_needs_registry_read(staff_client) -> None:
    assert staff_client(roles=["auditor"]).get("/registry/moji/pick/", {"reading": "へん"}).status_code == 403


def test_the_entry_form_name_fields_open_the_same_panel(staff_client) -> None:
    clerk = staff_client("clerk")
    page = html(clerk.get("/registry/events/new/birth/"))
    if 'data-moji-open="f-family_name"' not in page:  # birth needs a household first: use 転入
        page = html(clerk.get("/registry/events/new/move_in/"))
    assert re.search(r'data-moji-open="f-[\w-]*family_name"', page) and 'id="moji-picker"' in page
    panel_form = page[page.index('id="moji-picker"'):]
    assert 'hx-get="/registry/moji/pick/"' in panel_form
    entry = html(clerk.get("/registry/moji/pick/", {"target": "f-given_name", "form": "entry", "reading": "へん"}))
    assert 'href="#" class="moji-candidate" data-moji-insert="辺" data-moji-target="f-given_name"' in entry


QUERY = st.fixed_dictionaries({}, optional={k: st.text(max_size=8) for k in (
    "reading", "radical", "strokes", "variant", "target", "value", "form")})


def test_any_picker_query_is_a_page_or_a_clear_400_never_a_5xx(staff_client) -> None:
    clerk = staff_client("clerk")  # one login for all examples (no database writes in between)

    @settings(max_examples=40, deadline=None)
    @given(q=QUERY)
    def run(q: dict) -> None:
        resp = clerk.get("/registry/moji/pick/", {k: v.replace("\x00", "") for k, v in q.items()})
        assert resp.status_code in (200, 400)
        if resp.status_code == 400:
            body = html(resp)
            assert "入力欄が正しくありません" in body or "入力内容を確認してください" in body

    run()


@pytest.mark.std("370#1")
def test_the_moji_page_picks_a_character_to_show_its_codes(staff_client) -> None:
    clerk = staff_client("clerk")
    page = html(clerk.get("/registry/moji/"))
    assert 'data-moji-open="f-text"' in page and 'id="moji-picker"' in page
    picks = html(clerk.get("/registry/moji/pick/", {"target": "f-text", "variant": "辺"}))
    href = re.search(r'<a href="([^"]+)" class="moji-candidate" data-moji-insert="邉" ', picks).group(1)
    assert href == "/registry/moji/?text=%E9%82%89"
    shown = html(clerk.get(href.replace("&amp;", "&")))
    assert "U+9089" in shown and '<span class="moji-large" lang="ja">邉</span>' in shown
