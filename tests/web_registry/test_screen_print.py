"""画面の印刷 ([1420]#5, #7): the button's POST writes who printed which screen when into the access
log; GET, a bad screen and a page of another municipality's context are refused and not logged.
The print stylesheet hides every screen printed without that path (CSS and JS checked here; the
browser test tests/browser/test_screen_print.py prints in chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from jichitai.audit.models import AuditEntry
from jichitai.tenancy.context import activate
from jichitai.web import screen_print

from .conftest import login

pytestmark = pytest.mark.django_db
URL = "/screen-print/"
STATIC = Path(screen_print.__file__).parent / "static" / "jichitai"
NOTICE = "画面の印刷は『画面の印刷』ボタンから行ってください（アクセスログに記録されます）。"


def _prints() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(category="print", action=screen_print.ACTION))


@pytest.mark.std("1420#5", "1370#1")  # [1370]#1 ⑧画面ハードコピー
def test_the_button_logs_who_printed_which_screen_when(office, office_b, staff_client) -> None:
    client = staff_client("clerk")
    for page in ("/registry/", "/certificates/"):
        html = client.get(page).content.decode()
        assert (
            "画面の印刷</button>" in html
            and f'data-municipality="{office.municipality.pk}"' in html
        )
        assert "screen_print.js" in html and "screen_print.css" in html and NOTICE in html
    before = timezone.now()
    response = client.post(
        URL,
        {
            "screen": "/registry/persons/12/?q=髙橋",
            "title": "住民照会",
            "municipality": office.municipality.pk,
        },
    )
    assert response.status_code == 204
    with activate(office.ctx()):
        (entry,) = _prints()
    assert entry.staff_id == office.clerk.pk and entry.username == office.clerk.username
    assert entry.screen == "/registry/persons/12/"  # the search words stay out of the log
    assert entry.function == "1420" and entry.detail["title"] == "住民照会"
    assert before <= entry.occurred_at <= timezone.now()
    with activate(office_b.ctx(office_b.clerk)):  # written to the office's own chain only
        assert not _prints()


@pytest.mark.std("1420#7")
def test_a_print_outside_the_logged_path_is_refused(office, office_b, staff_client) -> None:
    client = staff_client("clerk")
    mine = office.municipality.pk
    assert client.get(URL, {"screen": "/registry/", "municipality": mine}).status_code == 405
    other = client.post(URL, {"screen": "/registry/", "municipality": office_b.municipality.pk})
    assert other.status_code == 409 and "切り替わっています" in other.json()["error"]
    for bad in ("", "https://example.com/", "//evil/", "/" + "a" * 400, "/x\n"):
        assert client.post(URL, {"screen": bad, "municipality": mine}).status_code == 400
    anonymous = Client().post(URL, {"screen": "/registry/", "municipality": mine})
    assert anonymous.status_code == 302
    client_b = login(Client(), office_b.clerk, office_b.municipality)  # B's context logs to B
    assert client_b.post(URL, {"screen": "/registry/", "municipality": mine}).status_code == 409
    with activate(office.ctx()):
        assert not _prints()
    # without the logged path the print stylesheet shows the notice only; the script sets the
    # class just before window.print() and removes it after, and prints only once logged
    css = (STATIC / "screen_print.css").read_text()
    assert "@media print" in css
    assert "html:not(.screen-print-logged) body > :not(.print-refusal)" in css
    js = (STATIC / "screen_print.js").read_text()
    logged = js.index("classList.add(LOGGED)")
    assert js.index("response.status !== 204") < logged < js.index("window.print()")
    assert "classList.remove(LOGGED)" in js and "afterprint" in js
