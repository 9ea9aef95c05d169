"""認証者・公印の設定 screen: 団体管理者 only, Japanese refusals with 400, another municipality apart."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from jichitai.accounts.models import RoleGrant, Staff
from jichitai.certificates.authority.demo import seal_png
from jichitai.certificates.authority.service import add_authority
from jichitai.certificates.models import Authority, IssuerChoice, OfficialSeal
from jichitai.tenancy.context import activate

from .conftest import login

pytestmark = pytest.mark.django_db
URL = "/certificates/authority/"


def admin(staff_client):  # noqa: ANN001, ANN201
    return staff_client(roles=["municipality_admin"])


def upload(name: str = "seal.png", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, seal_png() if data is None else data, "image/png")


@pytest.mark.std("310#1")
@pytest.mark.std("310#2")
def test_the_admin_registers_a_deputy_for_a_period(office, staff_client) -> None:
    client = admin(staff_client)
    page = client.get(URL)
    body = page.content.decode()
    assert page.status_code == 200 and "認証者・公印の設定" in body
    assert "テスト県甲村長" in body and "見本　証明" in body and "平成12年1月1日" in body  # 和暦
    done = client.post(
        URL + "add/",
        {
            "role": "deputy",
            "name": "代理　次郎",
            "title": "長職務代理者　副村長",
            "valid_from": "令和8年5月1日",
            "valid_until": "令和8年5月10日",
        },
    )
    assert done.status_code == 302
    body = client.get(URL).content.decode()
    assert "テスト県甲村長職務代理者　副村長" in body and "令和8年5月1日～令和8年5月10日" in body
    with activate(office.ctx()):
        row = Authority.objects.get(role="deputy")
    end = client.post(URL + "end/", {"authority_id": row.pk, "valid_until": "令和8年5月8日"})
    assert end.status_code == 302
    with activate(office.ctx()):
        row.refresh_from_db()
    assert row.valid_until.day == 8
    bad = client.post(URL + "add/", {"role": "deputy", "name": "代理", "valid_from": "令和99年"})
    assert bad.status_code == 400 and "例: 令和8年4月1日" in bad.content.decode()


@pytest.mark.std("310#4")
def test_a_blank_name_is_refused_on_the_screen(office, staff_client) -> None:
    client = admin(staff_client)
    for name in ("", "　"):
        page = client.post(
            URL + "add/", {"role": "mayor", "name": name, "valid_from": "令和8年4月1日"}
        )
        assert page.status_code == 400
        assert "氏名を空欄にはできません" in page.content.decode()
    with activate(office.ctx()):
        assert Authority.objects.count() == 1  # the fixture's mayor only


@pytest.mark.std("1050#2")
@pytest.mark.std("1050#4")
def test_seals_are_uploaded_and_a_branch_seal_is_refused(office, office_b, staff_client) -> None:
    client = admin(staff_client)
    done = client.post(
        URL + "seal/", {"kind": "certificate", "size_mm": "２０．０", "image": upload()}
    )
    assert done.status_code == 302
    page = client.get(URL).content.decode()
    assert "証明書専用印" in page and "20.0mm × 20.0mm" in page and "data:image/png;base64," in page
    branch = client.post(URL + "seal/", {"kind": "branch", "size_mm": "20", "image": upload()})
    assert branch.status_code == 400
    assert "支所・出張所の専用公印は登録できません" in branch.content.decode()
    big = client.post(URL + "seal/", {"kind": "mayor", "size_mm": "30", "image": upload()})
    assert big.status_code == 400 and "25mm" in big.content.decode()
    jpeg = io.BytesIO()
    Image.new("RGB", (200, 200), "red").save(jpeg, format="JPEG")
    bad = client.post(
        URL + "seal/", {"kind": "mayor", "size_mm": "20", "image": upload("s.png", jpeg.getvalue())}
    )
    assert bad.status_code == 400 and "PNGにしてください" in bad.content.decode()
    missing = client.post(URL + "seal/", {"kind": "mayor", "size_mm": "20"})
    assert missing.status_code == 400
    with activate(office.ctx()):
        assert OfficialSeal.objects.filter(kind="certificate").count() == 1
    with activate(office_b.ctx(office_b.clerk)):  # not another municipality's
        assert not OfficialSeal.objects.filter(kind="certificate").exists()


@pytest.mark.std("1050#1")
@pytest.mark.std("1060#2")
def test_each_kind_is_set_and_forbidden_text_refused(office, staff_client) -> None:
    client = admin(staff_client)
    done = client.post(
        URL + "choice/",
        {
            "kind": "juminhyo",
            "authority": "mayor",
            "seal_kind": "",
            "fixed_text": "公印省略",
        },
    )
    assert done.status_code == 302
    with activate(office.ctx()):
        choice = IssuerChoice.objects.get(kind="juminhyo")
    assert (choice.authority, choice.print_seal, choice.fixed_text) == ("mayor", False, "公印省略")
    for text in ("附票通知", "規定により免除"):
        page = client.post(
            URL + "choice/", {"kind": "juminhyo", "print_seal": "1", "fixed_text": text}
        )
        assert page.status_code == 400 and "印字できません" in page.content.decode()
    assert client.post(URL + "choice/", {"kind": "<x>"}).status_code == 400


def test_only_the_municipality_admin_may_open_it(office, office_b, staff_client) -> None:
    assert staff_client("clerk").get(URL).status_code == 403
    # an admin of B sees B's settings only, never A's deputy
    with activate(office.ctx()):
        add_authority("deputy", "甲村　代理", dt.date(2026, 5, 1))
    b_admin = Staff.objects.create(username="b-admin")
    RoleGrant.objects.create(
        staff=b_admin, municipality=office_b.municipality, role="municipality_admin"
    )
    body = login(Client(), b_admin, office_b.municipality).get(URL)
    assert body.status_code == 200
    text = body.content.decode()
    assert "テスト県乙町長" in text and "甲村　代理" not in text and "テスト県甲村" not in text
