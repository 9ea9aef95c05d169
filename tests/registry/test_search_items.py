"""[330]#2 あいまい検索 and [340] 基本検索 items, each also tried from the protected side and from
another municipality."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.audit.models import AuditEntry
from jichitai.registry import selectors
from jichitai.registry.errors import RegistryError
from jichitai.registry.selectors import SearchQuery
from jichitai.tenancy.context import activate

from .conftest import apply, move_in_family, people
from .test_search_support import _protect

D = dt.date
pytestmark = pytest.mark.django_db


def _find(office, staff=None, **kw) -> list[str]:
    page = selectors.search(SearchQuery(include_removed=True, **kw), staff=staff or office.clerk)
    return [r.name for r in page.results]


@pytest.mark.std("330#1", "330#2")
def test_fuzzy_kana_search_finds_voicing_small_long_and_u_variants(office, office_b) -> None:
    with activate(office.ctx()):
        move_in_family(office)  # タカハシ イチロウ / ハナコ / タロウ
        assert _find(office, kana="タカバシ　イチロオ") == ["髙橋\u3000一郎"]
        assert _find(office, kana="たかはし いちろー") == ["髙橋\u3000一郎"]
        assert _find(office, kana="ﾀｶﾊｼｲﾁﾛｳ") == ["髙橋\u3000一郎"]
        assert len(_find(office, kana="タカパシ")) == 3
        assert _find(office, kana="たかはし　いちろお", match="exact") == ["髙橋\u3000一郎"]
        assert _find(office, kana="タカハシイチ", match="exact") == []
    with activate(office_b.ctx()):
        assert _find(office_b, kana="タカハシ") == []


@pytest.mark.std("330#2", "340#4")
def test_partial_and_given_name_only_search(office, office_b) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        assert _find(office, kana="ハナコ", match="partial") == ["髙橋\u3000花子"]
        assert _find(office, kana="ウ", match="partial") != []  # a leading ウ also matches where it became オ
        assert _find(office, given_kana="たろう") == ["髙橋\u3000太郎"]
        assert _find(office, given_kana="タカハシ") == []  # 名のみ: never the 氏
        assert _find(office, given_name="花") == ["髙橋\u3000花子"]
        assert _find(office, given_name="花子", match="exact") == ["髙橋\u3000花子"]
        assert _find(office, name="橋", match="partial") and _find(office, name="橋") == []
    with activate(office_b.ctx()):
        assert _find(office_b, given_kana="タロウ") == [] and _find(office_b, name="橋", match="partial") == []


@pytest.mark.std("330#2")
def test_protected_person_found_by_kana_is_masked(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        officer = _protect(office, wife.pk)
        page = selectors.search(SearchQuery(given_kana="ハナコ", match="partial"), staff=office.clerk)
        (row,) = page.results
        assert row.masked and row.id is None and row.address == "（非表示）"
        seen = selectors.search(SearchQuery(given_kana="ハナコ"), staff=officer).results
        assert [r.id for r in seen] == [wife.pk]


def test_migration_recomputes_keys_of_existing_rows(office, office_b) -> None:
    import importlib

    from django.apps import apps

    from jichitai.registry.models import Person

    mig = importlib.import_module("jichitai.registry.migrations.0006_search_keys")
    for o in (office, office_b):
        with activate(o.ctx()):
            move_in_family(o)
            Person.objects.without_read_log("test").update(kana_key="OLD", given_kana_key="", given_name_key="")
    mig.recompute(apps, None)
    for o in (office, office_b):
        with activate(o.ctx()):
            rows = people()
            assert {p.kana_key for p in rows} == {"タカハシイチロオ", "タカハシハナコ", "タカハシタロオ"}
            assert {p.given_name_key for p in rows} == {"一郎", "花子", "太郎"}


@pytest.mark.std("340#1", "340#4", "340#8")
def test_birth_date_in_wareki_or_seireki_and_year_only(office, office_b) -> None:
    from jichitai.registry.search_dates import birth_range

    with activate(office.ctx()):
        move_in_family(office)  # 1980-05-01, 1982-07-07, 2010-01-15
        for text in ("昭和55年5月1日", "S55.5.1", "1980-05-01", "1980", "昭和55年", "S55", "1980年5月"):
            lo, hi = birth_range(text)
            assert _find(office, birth_date=lo, birth_to=hi) == ["髙橋\u3000一郎"], text
        lo, hi = birth_range("平成22年")
        assert _find(office, birth_date=lo, birth_to=hi) == ["髙橋\u3000太郎"]
        lo, hi = birth_range("1982")
        assert _find(office, birth_date=lo, birth_to=hi, sex="2") == ["髙橋\u3000花子"]  # 複数条件
    with activate(office_b.ctx()):
        assert _find(office_b, birth_date=D(1980, 5, 1)) == []


@pytest.mark.std("340#1")
def test_items_sex_relationship_numbers_and_removal(office, office_b) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, child = people()
        assert _find(office, relationship="妻") == ["髙橋\u3000花子"]
        assert _find(office, atena_no=child.atena_no) == ["髙橋\u3000太郎"]
        assert len(_find(office, household_no=head.household.household_no)) == 3
        assert _find(office, sex="1", relationship="子") == ["髙橋\u3000太郎"]
        assert _find(office, address_code="001") and _find(office, address_code="002") == []
        assert _find(office, katagaki="ハイツ") == []
        apply(office, "death", {"person_id": child.pk}, D(2024, 1, 1))
        assert _find(office, removal="dead") == ["髙橋\u3000太郎"]
        assert _find(office, removal="moved_out") == []
        with pytest.raises(RegistryError) as exc:
            _find(office, removal="ペット")
        assert exc.value.violations[0].field == "removal"
    with activate(office_b.ctx()):
        assert _find(office_b, relationship="妻") == [] and _find(office_b, atena_no=child.atena_no) == []


@pytest.mark.std("340#6")
def test_blank_items_can_be_searched(office, office_b) -> None:
    from jichitai.registry.models import Person

    with activate(office.ctx()):
        move_in_family(office)
        Person.objects.without_read_log("test").filter(given_name="太郎").update(resident_code="")
        assert "髙橋\u3000太郎" in _find(office, blank=("resident_code",), name="髙橋")
        assert len(_find(office, blank=("alias",))) == 3
        with pytest.raises(RegistryError):
            _find(office, blank=("my_number",))
    with activate(office_b.ctx()):
        assert _find(office_b, blank=("alias",)) == []


@pytest.mark.std("340#5", "340#9")
def test_past_names_and_addresses_are_searched_from_history(office, office_b) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, _ = people()
        apply(office, "name_change", {"person_id": wife.pk, "family_name": "渡辺", "given_name": "花子",
                                      "family_name_kana": "ワタナベ", "given_name_kana": "ハナコ"}, D(2023, 7, 1))
        assert "渡辺\u3000花子" not in _find(office, name="髙橋 花子")
        assert _find(office, name="髙橋 花子", include_history=True) == ["渡辺\u3000花子"]
        apply(office, "move_within", {"person_ids": [p.pk for p in people() if p.household_id == head.household_id],
                                      "address": {"address_id": office.address2.pk, "banchi": "3番地"}}, D(2024, 1, 1))
        assert _find(office, address_id=office.address.pk) == []
        assert len(_find(office, address_id=office.address.pk, include_history=True)) == 3
    with activate(office_b.ctx()):
        assert _find(office_b, name="髙橋 花子", include_history=True) == []


@pytest.mark.std("340#5", "340#9")
def test_past_address_never_finds_a_protected_person_without_need_to_know(office) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, _ = people()
        apply(office, "move_within", {"person_ids": [p.pk for p in people() if p.household_id == head.household_id],
                                      "address": {"address_id": office.address2.pk, "banchi": "3番地"}}, D(2024, 1, 1))
        officer = _protect(office, wife.pk)
        alerts = AuditEntry.objects.filter(category="alert").count()
        for q in (dict(address_id=office.address.pk, include_history=True), dict(address_code="00"),
                  dict(address_id=office.address2.pk), dict(blank=("katagaki",))):
            found = selectors.search(SearchQuery(**q), staff=office.clerk)
            assert found.total == 0 and not any(r.masked for r in found.results), q
        assert AuditEntry.objects.filter(category="alert").count() > alerts
        assert selectors.search(SearchQuery(address_id=office.address.pk, include_history=True), staff=officer).total == 3


@pytest.mark.std("330#2", "330#3", "330#4")
def test_variant_characters_are_included_in_name_search(office, office_b) -> None:
    """異体字・正字 (optional for 一般市区町村, done): 辺 finds 邊 and 邉, 浜 finds 濱, from the MJ data."""
    with activate(office.ctx()):
        move_in_family(office, family="渡邊")
        move_in_family(office, family="濱田", effective=D(2020, 5, 1))
        assert len(_find(office, name="渡辺")) == 3 and len(_find(office, name="渡邉")) == 3
        assert len(_find(office, name="浜田")) == 3
    with activate(office_b.ctx()):
        assert _find(office_b, name="渡辺") == []
