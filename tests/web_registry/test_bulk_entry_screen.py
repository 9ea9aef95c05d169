"""一括入力（転入） screen ([550]): several households on one sheet with 〃, all or nothing; the
must-not (#9) through the screen; another municipality's 町字 is not offered."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.registry.models import EventStatus, RegistryEvent
from jichitai.tenancy.context import activate
from tests.registry.conftest import people, resident_code

pytestmark = pytest.mark.django_db


def _line(n: int, household: str, **cells: str) -> dict[str, str]:
    return {f"r-{n}-household": household, **{f"r-{n}-{k}": v for k, v in cells.items()}}


def _sheet(office: Any, **extra: str) -> dict[str, str]:
    return {"kind": "move_in", "effective_date": "令和6年4月1日", "reported_date": "令和6年4月2日",
            **_line(1, "1", relationship="世帯主", family_name="長谷川", given_name="一郎", family_name_kana="ハセガワ",
                    given_name_kana="イチロウ", birth_date="昭和55年5月1日", sex="1", honseki="テスト県乙村2番地",
                    hittousha="長谷川一郎", resident_code=resident_code(), address_id=str(office.address.pk),
                    banchi="1番地", katagaki="ハイツ101", previous_address="東京都千代田区千代田1番1号"),
            **_line(2, "1", relationship="子", given_name="太郎", given_name_kana="タロウ", birth_date="平成22年1月15日",
                    sex="1", honseki="〃", hittousha="＝氏名", resident_code=resident_code()),
            **_line(3, "2", relationship="世帯主", family_name="井上", given_name="二郎", family_name_kana="イノウエ",
                    given_name_kana="ジロウ", birth_date="昭和56年6月1日", sex="1", honseki="＝転入前住所",
                    hittousha="井上二郎", resident_code=resident_code(), address_id=str(office.address.pk),
                    banchi="2番地", katagaki="", previous_address="〃"),
            **extra}


@pytest.mark.std("550#1")
def test_several_households_move_in_from_one_sheet(office, staff_client) -> None:
    client = staff_client("clerk")
    assert "一括入力（転入）" in client.get("/registry/bulk/").content.decode()
    resp = client.post("/registry/bulk/", _sheet(office))
    assert resp.status_code == 302, resp.content.decode()[:4000]
    with activate(office.ctx()):
        subs = RegistryEvent.objects.filter(status=EventStatus.PROVISIONAL).order_by("pk")
        assert [e.kind for e in subs] == ["move_in", "move_in"]
        first, second = (e.request for e in subs)
        son = first["persons"][1]
        assert (son["family_name"], son["honseki"], son["hittousha"]) == ("長谷川", "テスト県乙村2番地", "長谷川\u3000一郎")
        assert second["previous_address"] == "東京都千代田区千代田1番1号"
        assert second["persons"][0]["honseki"] == "東京都千代田区千代田1番1号"
        assert not people()  # 仮登録 only


@pytest.mark.std("550#9")
def test_the_sheet_refuses_another_households_address_with_only_the_room_changed(office, staff_client) -> None:
    sheet = _sheet(office, **{"r-3-address_id": "〃", "r-3-banchi": "〃", "r-3-katagaki": "ハイツ102"})
    resp = staff_client("clerk").post("/registry/bulk/", sheet)
    text = resp.content.decode()
    assert resp.status_code == 400 and "部屋番号" in text and "2件目" in text
    with activate(office.ctx()):
        assert not RegistryEvent.objects.exists()  # the first household was not stored either


def test_bad_dates_and_lines_are_named_not_a_5xx_550(office, staff_client) -> None:
    client = staff_client("clerk")
    resp = client.post("/registry/bulk/", {**_sheet(office), "effective_date": "平成99年"})
    assert resp.status_code == 400 and "異動日" in resp.content.decode()
    resp = client.post("/registry/bulk/", {**_sheet(office), "r-1-birth_date": "昭和99年13月"})
    assert resp.status_code == 400 and "1行目" in resp.content.decode()
    resp = client.post("/registry/bulk/", {"kind": "move_in", "effective_date": "2024-04-01"})
    assert resp.status_code == 400


def test_another_municipalitys_address_cannot_be_used_550(office, office_b, staff_client) -> None:
    sheet = _sheet(office, **{"r-1-address_id": str(office_b.address.pk)})
    page = staff_client("clerk").get("/registry/bulk/").content.decode()
    assert f'value="{office_b.address.pk}"' not in page or office_b.address.pk == office.address.pk
    resp = staff_client("clerk").post("/registry/bulk/", sheet)
    assert resp.status_code == 400
    with activate(office.ctx()):
        assert not RegistryEvent.objects.exists()
