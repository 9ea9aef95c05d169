"""[340]#1: 旧氏のフリガナ, 通称のフリガナ, 氏名（アルファベット）, 特別永住者証明書番号 are searchable;
each from the protected side (a 支援措置 person is a masked row for staff without need-to-know) and
from another municipality."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.registry import selectors
from jichitai.registry.selectors import SearchQuery
from jichitai.tenancy.context import activate

from .conftest import apply, people, person_spec
from .test_search_support import _protect

pytestmark = pytest.mark.django_db
KIM = "金\u3000英子"
AOKI = "青木\u3000一郎"


def _family(office: Any) -> tuple[Any, Any]:
    apply(office, "move_in", {
        "household": {"new": {"address_id": office.address.pk, "banchi": "3"}},
        "persons": [
            person_spec("p1", "青木", "一郎", "1980-05-01", "世帯主", former_surname="佐藤",
                        former_surname_kana="サトウ"),
            person_spec("p2", "金", "英子", "1950-02-03", "妻", resident_type="foreign", nationality="韓国",
                        honseki="", hittousha="", foreign_category="special_permanent", residence_status="",
                        residence_card_no="", special_permanent_cert_no="XY12345678ZW", alphabet_name="Kim Youngja",
                        alias="青木　英子", alias_kana="アオキ　エイコ", became_foreign_resident_on="2012-07-09"),
        ],
        "previous_address": "東京都千代田区千代田1番1号",
    }, dt.date(2021, 6, 1))
    aoki, kim = sorted(people(), key=lambda p: p.atena_no)
    return aoki, kim


def _find(staff: Any, **kw: Any) -> list[str]:
    return [r.name for r in selectors.search(SearchQuery(**kw), staff=staff).results]


@pytest.mark.std("340#1")
def test_the_kana_of_former_surname_and_alias_the_alphabet_name_and_the_certificate_are_searched(
        office: Any, office_b: Any) -> None:
    with activate(office.ctx()):
        _family(office)
        clerk = office.clerk
        assert _find(clerk, former_surname_kana="さとう") == [AOKI]  # ひらがな typed, katakana kept
        assert _find(clerk, former_surname_kana="ｻﾄ") == [AOKI]  # 前方一致, 半角
        assert _find(clerk, former_surname_kana="サト", match="exact") == []
        assert _find(clerk, alias_kana="アオキ　エイコ", match="exact") == [KIM]
        assert _find(clerk, alias_kana="えいこ", match="partial") == [KIM]
        assert _find(clerk, alias_kana="サトウ") == []  # 旧氏のフリガナ is not 通称の
        assert _find(clerk, alphabet_name="KIM") == [KIM]  # case does not matter
        assert _find(clerk, alphabet_name="kim  youngja", match="exact") == [KIM]
        assert _find(clerk, alphabet_name="young", match="partial") == [KIM]
        assert _find(clerk, alphabet_name="YOUNG") == []
        assert _find(clerk, special_permanent_cert_no="ｘｙ12345678ｚｗ") == [KIM]  # full width, lower case
        assert _find(clerk, special_permanent_cert_no="XY1234567") == []  # a number: exact only
        entry = AuditEntry.objects.filter(category="read", action="search").order_by("-seq").first()
        assert entry.detail["identifiers"] == {"special_permanent_cert_no": "XY1234567"}  # 宛名番号等 ([1370])
    with activate(office_b.ctx()):
        for kw in ({"former_surname_kana": "サトウ"}, {"alias_kana": "アオキ"}, {"alphabet_name": "KIM"},
                   {"special_permanent_cert_no": "XY12345678ZW"}):
            assert _find(office_b.clerk, **kw) == [], kw


@pytest.mark.std("340#1")
@pytest.mark.parametrize(("kw", "whom"), [
    ({"former_surname_kana": "サトウ"}, 0),
    ({"alias_kana": "アオキ"}, 1),
    ({"alphabet_name": "kim"}, 1),
    ({"special_permanent_cert_no": "XY12345678ZW"}, 1),
])
def test_a_protected_person_found_by_the_new_items_is_masked_without_need_to_know(
        office: Any, kw: dict[str, str], whom: int) -> None:
    with activate(office.ctx()):
        target = _family(office)[whom]
        officer = _protect(office, target.pk)
        alerts = AuditEntry.objects.filter(category="alert").count()
        (row,) = selectors.search(SearchQuery(**kw), staff=office.clerk).results
        assert row.masked and row.id is None and row.atena_no == "" and row.address == "（非表示）"
        assert AuditEntry.objects.filter(category="alert").count() > alerts  # the access is alerted
        (seen,) = selectors.search(SearchQuery(**kw), staff=officer).results
        assert seen.id == target.pk and not seen.masked
