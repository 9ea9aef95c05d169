"""ヘルプ機能 ([1400]): every main screen links its own help page; the manual is electronic."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from jichitai.web.help import TOPICS

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

# screen URL -> (roles that open it, its help topic)
SCREENS = {
    "/": (["clerk"], "home"),
    "/registry/": (["clerk"], "search"),
    "/registry/events/new/": (["clerk"], "events"),
    "/registry/approvals/": (["approver"], "approvals"),
    "/registry/support/": (["support_measure"], "support"),
    "/staff/": (["municipality_admin"], "staff"),
    "/audit/": (["auditor"], "audit"),
    "/audit/reports/": (["auditor"], "audit"),
    "/accounts/devices/": (["clerk"], "devices"),
    "/registry/euc/": (["approver"], "euc"),
}


@pytest.mark.std("1400#2")
def test_every_main_screen_links_its_own_help_page(staff_client: Any, office: Any) -> None:
    from jichitai.registry.models import Person
    from jichitai.tenancy.context import activate
    from tests.registry.conftest import move_in_family

    with activate(office.ctx()):
        move_in_family(office)
        head = Person.objects.for_read(screen="テスト").order_by("pk").first()
    screens = dict(SCREENS)
    screens[f"/registry/persons/{head.pk}/"] = (["clerk"], "person")
    screens[f"/registry/households/{head.household_id}/"] = (["clerk"], "household")
    assert {topic for _, topic in screens.values()} == set(TOPICS)  # every help page belongs to a screen
    for url, (roles, topic) in screens.items():
        client = staff_client(roles=roles)
        page = client.get(url)
        assert page.status_code == 200, url
        links = re.findall(r'href="(/help/[^"]+)" class="help-link"', page.content.decode())
        assert links == [f"/help/{topic}/"], (url, links)
        help_page = client.get(links[0]).content.decode()
        assert f"ヘルプ：{TOPICS[topic]}" in help_page and 'id="help-body"' in help_page


def test_an_unknown_help_page_is_404(client: Any) -> None:
    assert client.get("/help/nothing/").status_code == 404


@pytest.mark.std("1400#1", "1400#3")
def test_the_manual_is_electronic_and_covers_every_help_topic() -> None:
    manual = (ROOT / "docs" / "manual.md").read_text(encoding="utf-8")
    for topic in TOPICS:
        assert f"ヘルプ: {topic}" in manual, topic
    assert "冊子のマニュアルはありません" in manual
    # [1400]#3: no booklet: nothing printable is shipped as a manual (no PDF / print layout)
    assert not [p for p in ROOT.glob("docs/**/*") if p.suffix.lower() in {".pdf", ".doc", ".docx"}]
