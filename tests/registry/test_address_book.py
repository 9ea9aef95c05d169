"""住所辞書 ([250]), 住居表示・地番 ([240]), 方書 ([260]): codes, kana and postal lookups, the
level-by-level choice, staff maintenance (CLI), property tests of the normalizers; another
municipality's rows."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.registry import address_book as book
from jichitai.registry.errors import RegistryError
from jichitai.tenancy.context import activate

pytestmark = pytest.mark.django_db
HEADER = "code,postal_code,pref_name,pref_kana,city_name,city_kana,oaza_name,oaza_kana,koaza_name,koaza_kana,former\n"
ROWS = (
    "13212001000,1910016,東京都,トウキョウト,日野市,ヒノシ,神明,シンメイ,,,\n"
    "13212002001,191-0011,東京都,とうきょうと,日野市,ﾋﾉｼ,日野本町,ヒノホンマチ,一丁目,イッチョウメ,\n"
    "13212099000,1910099,東京都,トウキョウト,日野市,ヒノシ,旧村,キュウムラ,,,1\n"
    "01101001000,0600001,北海道,ホッカイドウ,札幌市中央区,サッポロシチュウオウク,北一条西,キタ1ジョウニシ,,,\n"
)


def _cli(office, *args: str) -> int:
    from jichitai.cli import main

    return main(["registry", "addresses", "--municipality", office.municipality.code, *args])


@pytest.fixture
def loaded(office, tmp_path):
    f = tmp_path / "dict.csv"
    f.write_text(HEADER + ROWS, encoding="utf-8")
    assert _cli(office, "load", str(f)) == 0
    return office


@pytest.mark.std("250#3", "250#4", "250#5", "250#6")
def test_kana_and_postal_lookup(loaded, capsys) -> None:
    with activate(loaded.ctx()):
        (a,) = book.by_kana("ト ヒ シ")
        assert (a.name, a.code, a.postal_code) == ("東京都日野市神明", "13212001000", "1910016")
        assert book.split_code(a.code) == ("13", "212", "001", "000")
        assert [x.code for x in book.by_kana("と ひ")] == ["13212001000", "13212002001"]  # ひらがなでも
        assert book.by_kana("ト ヒ キ") == []  # (旧)町名 is not offered for a 住所
        assert [x.code for x in book.by_kana("ト ヒ キ", include_former=True)] == ["13212099000"]
        assert [x.name for x in book.by_postal_code("〒191-0011")] == ["東京都日野市日野本町一丁目"]
        assert [x.name for x in book.by_postal_code("１９１００１６")] == ["東京都日野市神明"]
        with pytest.raises(RegistryError) as err:
            book.by_postal_code("191")
        assert err.value.violations[0].field == "postal_code"
    assert _cli(loaded, "kana", "ト ヒ シ") == 0
    assert "〒191-0016\t東京都日野市神明" in capsys.readouterr().out


@pytest.mark.std("250#7")
def test_choose_level_by_level(loaded) -> None:
    with activate(loaded.ctx()):
        assert book.choices("pref") == [("01", "北海道"), ("13", "東京都")]
        assert book.choices("city", "13") == [("13212", "日野市")]
        assert book.choices("oaza", "13212") == [("13212001", "神明"), ("13212002", "日野本町")]
        assert book.choices("koaza", "13212002") == [("13212002001", "一丁目")]
        with pytest.raises(RegistryError):
            book.choices("oaza", "13")


@pytest.mark.std("250#2")
def test_staff_correct_one_row_and_bad_rows_are_named(loaded, tmp_path, capsys) -> None:
    assert _cli(loaded, "set", "13212001000", "postal_code=191-0017", "oaza_kana=シンメイ") == 0
    with activate(loaded.ctx()):
        assert book.by_postal_code("1910017")[0].name == "東京都日野市神明"
    assert _cli(loaded, "set", "13212001000", "code=1") == 1
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "1321200100,1910016,東京都,トウキョウト,日野市,ヒノシ,,,,,\n", encoding="utf-8")
    assert _cli(loaded, "load", str(bad)) == 1
    err = capsys.readouterr().err
    assert "2行目" in err and "11桁" in err


@pytest.mark.std("260#1", "260#2", "260#3", "240#1", "240#2")
def test_katagaki_and_lots_per_address(office, capsys) -> None:
    assert _cli(office, "add-katagaki", "001", "1番地2", "ハイツ本町", "はいつほんまち") == 0
    assert _cli(office, "add-katagaki", "001", "1番地2", "ハイツ本町") == 1  # already there
    assert _cli(office, "add-katagaki", "999", "1", "x") == 1  # no such 町字
    assert _cli(office, "katagaki", "001", "1番地2") == 0
    assert "1番地2\tハイツ本町\tハイツホンマチ" in capsys.readouterr().out
    for text in ("10番地", "2番地10", "2番地3", "特殊1"):
        assert _cli(office, "add-lot", "001", "special" if "特殊" in text else "chiban", text) == 0
    with activate(office.ctx()):
        assert [x.text for x in book.lots(office.address.pk)] == ["特殊1", "2番地3", "2番地10", "10番地"]
        assert book.katagaki_for(office.address2.pk) == []


def test_another_municipality_sees_nothing(loaded, office_b) -> None:
    with activate(office_b.ctx()):
        assert book.by_kana("ト") == [] and book.choices("pref") == []
        with pytest.raises(RegistryError):
            book.add_katagaki(1, "1", "x")  # A's 町字 id is not B's


@given(st.text(alphabet=st.sampled_from("あいうかがぱゃアイｱｲｶﾞ１２ 　"), max_size=20))
def test_kana_normalizer_gives_full_width_katakana(text: str) -> None:
    out = book.normalize_kana(text)
    assert not any("ぁ" <= c <= "ゖ" or "ｦ" <= c <= "ﾟ" or "０" <= c <= "９" for c in out)
    assert book.normalize_kana(out) == out


@given(st.integers(0, 99999), st.integers(0, 999), st.integers(0, 9999), st.sampled_from(["　", "－", "-", "の"]))
def test_banchi_codes_sort_numerically(ban: int, eda: int, sub: int, sep: str) -> None:
    text = f"{ban}番地{eda}{sep}{sub}号室".translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert book.banchi_codes(text) == (ban, eda, sub)


@given(st.text(max_size=15))
def test_address_code_is_eleven_digits_with_a_prefecture(code: str) -> None:
    try:
        ok = book.check_code(code)
    except RegistryError as exc:
        assert exc.violations[0].field == "code"
    else:
        assert len(ok) == 11 and ok.isdigit() and 1 <= int(ok[:2]) <= 47


@pytest.mark.std("250#1")
def test_yearly_country_list_and_former_town_names(loaded, tmp_path, capsys) -> None:
    f = tmp_path / "countries.csv"
    f.write_text("code,name,kana\n840,アメリカ合衆国,あめりかがっしゅうこく\n156,中国,チュウゴク\n", encoding="utf-8")
    assert _cli(loaded, "countries", str(f)) == 0
    f.write_text("code,name,kana\n840,アメリカ合衆国,アメリカガッシュウコク\n", encoding="utf-8")
    assert _cli(loaded, "countries", str(f)) == 0
    assert "1件を最新の一覧にないものとしました" in capsys.readouterr().out
    with activate(loaded.ctx()):
        assert [c.name for c in book.countries()] == ["アメリカ合衆国"]
        assert {c.name for c in book.countries(include_former=True)} == {"アメリカ合衆国", "中国"}
        # (旧)町名 stay in the dictionary and can be quoted for a 本籍
        assert book.by_kana("ト ヒ キ", include_former=True)[0].former
    f.write_text("code,name,kana\n,名無し,\n", encoding="utf-8")
    assert _cli(loaded, "countries", str(f)) == 1 and "2行目" in capsys.readouterr().err
