"""GET /persons with the [330]#2 and [340] items: あいまいカナ, 名のみ, 一致, dates as a range,
続柄 and 性別; another municipality's persons never found; a bad 一致 is a 422 naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import API, World

pytestmark = pytest.mark.django_db


@pytest.mark.std("330#2", "340#1", "340#4")
def test_search_items_over_the_api(world: World, login: Any) -> None:
    client, _ = login("clerk")
    get = lambda **p: client.get(API + "/persons", p)  # noqa: E731
    assert get(kana="タカバシ").json()["total"] == 3
    assert get(given_kana="はなこ").json()["total"] == 1
    assert get(name="橋", match="partial").json()["total"] == 3
    assert get(birth_date="1980-01-01", birth_to="1980-12-31", sex="1").json()["total"] == 1
    assert get(relationship="妻").json()["total"] == 1
    bad = get(name="髙橋", match="somewhere")
    assert bad.status_code == 422 and "match" in bad.text
    assert get(name="ISOLATION", match="partial").json()["total"] == 0
