"""印鑑登録の画面: 登録・照会・亡失（再交付）・廃止・登録事項の変更, bad input without 5xx, 支援措置
from the protected side, and another municipality's cards unreachable."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jichitai.registry.models import Person, SupportMeasure
from jichitai.seals.models import SealCard, SealEvent
from jichitai.tenancy.context import activate
from tests.registry.conftest import Office, move_in_family, people
from tests.seals.conftest import image_bytes
from tests.web_registry.conftest import login


@pytest.fixture
def family(office: Office) -> list[Any]:
    with activate(office.ctx()):
        move_in_family(office)
        return people()


def _register(
    client: Client, person: Any, data: bytes | None = None, name: str = "seal.png", **extra: str
) -> Any:
    upload = SimpleUploadedFile(
        name, image_bytes() if data is None else data, content_type="image/png"
    )
    form = {
        "person_id": str(person.pk),
        "image": upload,
        "width_mm": "15.0",
        "height_mm": "15.0",
        **extra,
    }
    return client.post("/seals/register/", form)


def _number(resp: Any) -> str:
    found = re.search(r"card=(\d{8})", resp["Location"])
    assert found, resp["Location"]
    return found.group(1)


@pytest.mark.django_db
def test_register_inquire_lose_reissue_abolish(office: Office, family: list[Any]) -> None:
    clerk = login(Client(), office.clerk, office.municipality)
    assert "印鑑の登録" in clerk.get("/seals/register/").content.decode()
    resp = _register(clerk, family[0])
    assert resp.status_code == 302
    number = _number(resp)
    page = clerk.get(f"/seals/?card={number}").content.decode()
    assert "髙橋\u3000一郎" in page and "data:image/png;base64," in page and "令和" in page
    resp = clerk.post("/seals/lost/", {"card_number": number, "reason": "紛失", "reissue": "1"})
    fresh = _number(resp)
    assert fresh != number
    assert "亡失により使えません" in clerk.get(f"/seals/?card={number}").content.decode()
    assert (
        clerk.post("/seals/abolish/", {"card_number": fresh, "reason": "本人申請"}).status_code
        == 302
    )
    assert "廃止により使えません" in clerk.get(f"/seals/?card={fresh}").content.decode()
    with activate(office.ctx()):
        assert [e.kind for e in SealEvent.objects.all()] == [
            "register",
            "lost",
            "reissue",
            "abolish",
        ]


@pytest.mark.django_db
def test_name_change_screen(office: Office, family: list[Any]) -> None:
    clerk = login(Client(), office.clerk, office.municipality)
    number = _number(_register(clerk, family[0]))
    with activate(office.ctx()):
        Person.objects.filter(pk=family[0].pk).update(family_name="佐藤")
    assert "登録事項の変更を行ってください" in clerk.get(f"/seals/?card={number}").content.decode()
    assert (
        clerk.post("/seals/change/", {"card_number": number, "reason": "婚姻"}).status_code == 302
    )
    page = clerk.get(f"/seals/?card={number}").content.decode()
    assert "佐藤\u3000一郎" in page and "登録事項の変更を行ってください" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"person_id": "abc"}, "住民IDを数字で"),
        ({"width_mm": "x"}, "mm単位"),
        ({"width_mm": "30"}, "25mm"),
        ({"width_mm": "5", "height_mm": "5"}, "8mm"),
    ],
)
def test_register_form_errors(
    office: Office, family: list[Any], form: dict[str, str], message: str
) -> None:
    clerk = login(Client(), office.clerk, office.municipality)
    base = {
        "person_id": str(family[0].pk),
        "width_mm": "15",
        "height_mm": "15",
        "image": SimpleUploadedFile("a.png", image_bytes()),
    }
    resp = clerk.post("/seals/register/", {**base, **form})
    assert resp.status_code == 200 and message in resp.content.decode()


@pytest.mark.django_db
def test_a_gif_named_png_is_refused(office: Office, family: list[Any]) -> None:
    clerk = login(Client(), office.clerk, office.municipality)
    resp = _register(clerk, family[0], data=image_bytes("GIF"), name="seal.png")
    assert resp.status_code == 200 and "PNGまたはJPEG" in resp.content.decode()
    with activate(office.ctx()):
        assert not SealCard.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("card", ["", "abc", "1" * 50, "１２３４５６７８", "00000000", "<script>"])
def test_bad_card_numbers_never_fail(office: Office, card: str) -> None:
    clerk = login(Client(), office.clerk, office.municipality)
    assert clerk.get("/seals/", {"card": card}).status_code == 200
    for route in ("lost", "abolish", "change"):
        resp = clerk.post(f"/seals/{route}/", {"card_number": card, "reason": "x"})
        assert resp.status_code == 200 and "印鑑登録証" in resp.content.decode()


@pytest.mark.django_db
def test_protected_person_is_not_shown_without_need_to_know(
    office: Office, family: list[Any]
) -> None:
    from jichitai.accounts.models import RoleGrant, Staff

    clerk = login(Client(), office.clerk, office.municipality)
    number = _number(_register(clerk, family[0]))
    with activate(office.ctx()):
        SupportMeasure.objects.create(
            person_id=family[0].pk,
            start_date=dt.date(2024, 1, 1),
            end_date=dt.date(2099, 1, 1),
            against=[{"name": "加害者"}],
            reason="DV",
            created_by=office.approver,
        )
    page = clerk.get(f"/seals/?card={number}").content.decode()
    assert "支援措置の対象" in page
    assert (
        "髙橋" not in page
        and "data:image" not in page
        and f"住民ID</dt><dd>{family[0].pk}" not in page
    )
    resp = _register(clerk, family[0])
    assert "支援措置の対象" in resp.content.decode()
    officer = Staff.objects.create(username="seal-web-support", display_name="支援 担当")
    for role in ("clerk", "support_measure"):
        RoleGrant.objects.create(staff=officer, municipality=office.municipality, role=role)
    page = (
        login(Client(), officer, office.municipality).get(f"/seals/?card={number}").content.decode()
    )
    assert "髙橋\u3000一郎" in page and "data:image/png" in page


@pytest.mark.django_db
def test_another_municipality_cannot_reach_a_card_or_register_a_resident(
    office: Office, office_b: Office, family: list[Any]
) -> None:
    number = _number(_register(login(Client(), office.clerk, office.municipality), family[0]))
    other = login(Client(), office_b.clerk, office_b.municipality)
    page = other.get(f"/seals/?card={number}").content.decode()
    assert "この番号の印鑑登録証はありません" in page and "髙橋" not in page
    assert "住民が見つかりません" in _register(other, family[1]).content.decode()
    resp = other.post("/seals/abolish/", {"card_number": number, "reason": "x"})
    assert "この番号の印鑑登録証はありません" in resp.content.decode()
    with activate(office.ctx()):
        assert SealCard.objects.get(number=number).state == "active"


@pytest.mark.django_db
def test_an_auditor_is_refused(office: Office) -> None:
    from jichitai.accounts.models import Staff

    auditor = Staff.objects.create(username="seal-auditor", display_name="監査 担当")
    from jichitai.accounts.models import RoleGrant

    RoleGrant.objects.create(staff=auditor, municipality=office.municipality, role="auditor")
    resp = login(Client(), auditor, office.municipality).get("/seals/")
    assert resp.status_code == 403 and "権限がありません" in resp.content.decode()


@pytest.mark.django_db
def test_the_registry_menu_links_seals_for_clerks_only(office: Office) -> None:
    clerk = login(Client(), office.clerk, office.municipality).get("/registry/").content.decode()
    assert 'href="/seals/"' in clerk
    from jichitai.accounts.models import RoleGrant, Staff

    reader = Staff.objects.create(username="seal-reader", display_name="照会 担当")
    RoleGrant.objects.create(staff=reader, municipality=office.municipality, role="support_inquiry")
    page = login(Client(), reader, office.municipality).get("/registry/").content.decode()
    assert 'href="/seals/"' not in page
