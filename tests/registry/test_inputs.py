"""Input by kind of item (registry.inputs): フリガナ normalized to full-width katakana, names in the
MJ set without compatibility or symbol forms, 番地・方書 character sets, numbers typed full-width.

Property tests for the normalizers and character checks; register tests through submit (the
stored value, the refusal naming item and character), another municipality's rows tried too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jichitai.codes import my_number_check_digit
from jichitai.registry import events, inputs, rules
from jichitai.registry.errors import RegistryError
from jichitai.registry.inputs import kana, text
from jichitai.registry.inputs.problems import InputProblem
from jichitai.tenancy.context import activate

from .conftest import apply, people, person_spec

D = dt.date

HIRAGANA = "".join(chr(c) for c in range(0x3041, 0x3097)) + "ゝゞ"
KATAKANA = "".join(chr(c) for c in range(0x30A1, 0x30FB)) + "ーヽヾ"
HALF_KANA = "".join(chr(c) for c in range(0xFF66, 0xFFA0))
TYPED_KANA = HIRAGANA + KATAKANA + HALF_KANA + " \u3000\t"
NOT_KANA = ["山", "髙", "々", "a", "Z", "Ａ", "1", "１", "①", "-", "・", "(", "@", "😀", "\x07", "\u200b"]


def _stored(s: str) -> bool:
    return all(kana.is_stored_kana(c) or c == "\u3000" for c in s) and "\u3000\u3000" not in s \
        and not s.startswith("\u3000") and not s.endswith("\u3000")


# --- フリガナ ---------------------------------------------------------------------------------


@pytest.mark.std("1440#1")
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=TYPED_KANA, max_size=20))
def test_property_typed_kana_becomes_stored_katakana_and_is_stable(typed: str) -> None:
    try:
        out = kana.normalize(typed)
    except InputProblem as exc:  # only a 濁点 no kana takes (half-width ﾞ after a space)
        assert exc.rule == "kana_only" and "濁点" in exc.message
        return
    assert _stored(out)
    assert kana.normalize(out) == out  # what is stored passes unchanged


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=HIRAGANA, min_size=1, max_size=12))
def test_property_hiragana_is_the_same_reading_in_katakana(hira: str) -> None:
    out = kana.normalize(hira)
    assert len(out) == len(hira)
    assert out == "".join(chr(ord(c) + 0x60) for c in hira)


@pytest.mark.std("1440#1", "1440#3")
@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=KATAKANA, max_size=8), st.sampled_from(NOT_KANA), st.integers(0, 8))
def test_property_anything_else_in_kana_is_refused_naming_item_character_and_position(
        base: str, bad: str, at: int) -> None:
    at = min(at, len(base))
    typed = base[:at] + bad + base[at:]
    with pytest.raises(InputProblem) as exc:
        kana.normalize(typed, "氏（ふりがな）")
    assert exc.value.rule == "kana_only"
    assert exc.value.message.startswith(f"氏（ふりがな）の{at + 1}文字目")
    assert "全角カタカナで入力してください" in exc.value.message  # what to do


@pytest.mark.parametrize(("typed", "stored"), [
    ("さとう", "サトウ"), ("ｻﾄｳ", "サトウ"), ("ｶﾞｯｺｳ", "ガッコウ"), ("カ゛", "ガ"), ("ハ\u309a", "パ"),
    ("ゔぁいおれっと", "ヴァイオレット"), ("  ジョン   スミス ", "ジョン\u3000スミス"), ("すゞき", "スヾキ"),
])
def test_typed_kana_is_stored_as_full_width_katakana(typed: str, stored: str) -> None:
    assert inputs.normalize("family_name_kana", typed) == stored


# --- names -------------------------------------------------------------------------------------

MJ_KANJI = "山田佐藤鈴木高橋髙﨑邉渡辺斎齋齊𠮷吉一郎花子太美和真由香健翔大輝々"
KANA_OK = "あいうえおかきくけこアイウエオカキクケコー"
FORBIDDEN_IN_NAMES = {
    "ｱ": "name_halfwidth_kana", "〓": "name_geta", "㍻": "name_compatibility", "①": "name_compatibility",
    "😀": "name_symbol", "\x07": "name_control", "\u200b": "name_control", "Ａ": "name_fullwidth_ascii",
    "1": "name_digit", "１": "name_digit", "・": "name_symbol", "☆": "name_symbol",
    "\ue000": "name_control",
}


@pytest.mark.std("1440#1", "1440#3")
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=MJ_KANJI + KANA_OK, min_size=1, max_size=10),
       st.sampled_from(sorted(FORBIDDEN_IN_NAMES)), st.integers(0, 10),
       st.sampled_from(["family_name", "given_name", "former_surname", "alias"]))
def test_property_names_pass_in_the_mj_set_and_any_symbol_form_is_refused(
        name: str, bad: str, at: int, item: str) -> None:
    rules.validate_name({"family_name": name, "given_name": name, item: name})
    at = min(at, len(name))
    with pytest.raises(RegistryError) as exc:
        rules.validate_name({"family_name": "山田", item: name[:at] + bad + name[at:]})
    (v,) = exc.value.violations
    label = {"family_name": "氏", "given_name": "名", "former_surname": "旧氏", "alias": "通称"}[item]
    assert (v.rule, v.field) == (FORBIDDEN_IN_NAMES[bad], item)
    assert v.message.startswith(f"{label}の{at + 1}文字目")


def test_latin_letters_only_in_a_foreign_residents_name() -> None:
    rules.validate_name({"family_name": "NGUYEN", "given_name": "VAN NAM", "resident_type": "foreign"})
    rules.validate_name({"family_name": "O'BRIEN-SMITH", "resident_type": "foreign"})
    with pytest.raises(RegistryError) as exc:
        rules.validate_name({"family_name": "SATO", "resident_type": "japanese"})
    assert exc.value.violations[0].rule == "name_latin"
    assert "外国人住民" in exc.value.violations[0].message


def test_a_kanji_outside_the_mj_set_or_another_ivd_collection_is_refused() -> None:
    assert text.name_problem("葛\U000E0102", "氏", latin=False) is None  # Moji_Joho IVS
    found = text.name_problem("葛\U000E0100", "氏", latin=False)  # Adobe-Japan1 only
    assert found is not None and found.rule == "unprintable_char" and "U+E0100" in found.message


# --- 番地・方書・番号 ----------------------------------------------------------------------------

BANCHI_TYPED = "0123456789０１２３４５６７８９番地号の-－‐ー 　"


@pytest.mark.std("1440#1")
@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=BANCHI_TYPED, min_size=1, max_size=12))
def test_property_banchi_is_stored_with_ascii_digits_and_one_dash(typed: str) -> None:
    out = text.normalize_banchi(typed)
    assert all((c.isascii() and c.isdigit()) or c in "番地号の-" for c in out)
    assert text.normalize_banchi(out) == out


@pytest.mark.std("1440#1", "1440#3")
@pytest.mark.parametrize("bad", ["😀", "\x00", "a", "百", "①", "＃"])
def test_banchi_refuses_what_is_not_a_lot_number(bad: str) -> None:
    with pytest.raises(InputProblem) as exc:
        text.normalize_banchi(f"3番{bad}12号")
    assert exc.value.rule == "banchi_chars" and exc.value.message.startswith("番地の3文字目")
    assert "例: 3番12号" in exc.value.message


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="メゾン桜ハイツ髙ｱｲＡＢab０１23 　-・（）()#", max_size=20))
def test_property_katagaki_is_normalized_once_and_stays(typed: str) -> None:
    out = text.normalize_katagaki(typed)
    assert not any("\uff01" <= c <= "\uff5e" or "\uff61" <= c <= "\uff9f" for c in out)
    assert text.normalize_katagaki(out) == out


@pytest.mark.parametrize("bad", ["😀", "\x07", "①", "〓"])
def test_katagaki_refuses_emoji_control_and_symbol_forms(bad: str) -> None:
    with pytest.raises(InputProblem) as exc:
        text.normalize_katagaki(f"メゾン{bad}101")
    assert exc.value.rule == "katagaki_chars" and exc.value.message.startswith("方書の4文字目")


def _full_width(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in s)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=11, max_size=11), st.sampled_from(["", " ", "-", "　"]))
def test_property_a_full_width_my_number_is_checked_as_the_same_number(first11: str, sep: str) -> None:
    number = first11 + str(my_number_check_digit(first11))
    typed = sep.join(_full_width(number[i:i + 4]) for i in (0, 4, 8))
    assert text.normalize_digits(typed) == number
    rules.validate_person_row({**person_spec("p1", "山田", "一", "1990-01-01", "世帯主"), "my_number": typed})


# --- through the register: what is stored, what is refused, another municipality -------------



def _move_in(office: Any, **person: Any) -> dict[str, Any]:
    return {
        "household": {"new": {"address_id": office.address.pk, "banchi": person.pop("banchi", "１２番地３"),
                              "katagaki": person.pop("katagaki", "メゾン桜３０５号室")}},
        "persons": [person_spec("p1", "山田", "一郎", "1990-01-01", "世帯主", **person)],
        "previous_address": "大阪府大阪市北区1番",
    }


@pytest.mark.django_db
@pytest.mark.std("1440#1")
def test_typed_values_are_stored_normalized_in_each_municipality(office, office_b) -> None:
    for first11, o in (("12345678901", office), ("12345678902", office_b)):
        number = first11 + str(my_number_check_digit(first11))  # 個人番号 are unique nationally
        with activate(o.ctx()):
            apply(o, "move_in", _move_in(o, family_kana="やまだ", given_kana="ｲﾁﾛｳ",
                                         my_number=" ".join(_full_width(number[i:i + 4]) for i in (0, 4, 8))),
                  D(2024, 2, 1))
            (p,) = people()
            assert (p.family_name_kana, p.given_name_kana, p.my_number) == ("ヤマダ", "イチロウ", number)
            assert (p.household.banchi, p.household.katagaki) == ("12番地3", "メゾン桜305号室")
            assert p.municipality_id == o.municipality.pk  # each sees its own row only


@pytest.mark.django_db
@pytest.mark.std("1440#1", "1440#3")
@pytest.mark.parametrize(("item", "value", "rule", "field"), [
    ("family_name_kana", "山田", "kana_only", "persons.0.family_name_kana"),
    ("given_name_kana", "ichiro", "kana_only", "persons.0.given_name_kana"),
    ("family_name", "ｻﾄｳ", "name_halfwidth_kana", "persons.0.family_name"),
    ("given_name", "〓", "name_geta", "persons.0.given_name"),
    ("family_name", "山田㍻", "name_compatibility", "persons.0.family_name"),
    ("given_name", "一①", "name_compatibility", "persons.0.given_name"),
    ("banchi", "1番😀", "banchi_chars", "household.new.banchi"),
    ("katagaki", "ハイツ\x07", "katagaki_chars", "household.new.katagaki"),
    ("my_number", "１２３４５６７８９０１２", "my_number", "my_number"),
])
def test_bad_input_is_refused_at_submit_naming_the_item_and_nothing_is_stored(
        office, office_b, item: str, value: str, rule: str, field: str) -> None:
    from jichitai.registry.models import RegistryEvent

    with activate(office.ctx()):
        with pytest.raises(RegistryError) as exc:
            events.submit_event("move_in", _move_in(office, **{item: value}), effective_date=D(2024, 2, 1),
                                reported_date=None, entered_by=office.clerk, confirm_duplicates=True)
        found = [v for v in exc.value.violations if v.rule == rule]
        # shape errors name the request path, rules of the whole row the item (as every rule does)
        assert found and field.endswith(found[0].field), exc.value.violations
        if rule == "my_number":  # a full-width number is read, then its check digit is wrong
            assert found[0].message == "個人番号の検査用数字が正しくありません。番号を確かめて入力してください。"
        assert not RegistryEvent.objects.exists()
    with activate(office_b.ctx()):  # B is untouched by A's refusal, and its own entry works
        apply(office_b, "move_in", _move_in(office_b), D(2024, 2, 1))
        assert [p.family_name for p in people()] == ["山田"]


@pytest.mark.django_db
def test_a_name_change_and_a_correction_normalize_kana_too_and_b_is_out_of_reach(office, office_b) -> None:
    with activate(office_b.ctx()):
        apply(office_b, "move_in", _move_in(office_b), D(2024, 2, 1))
        (b_person,) = people()
    with activate(office.ctx()):
        apply(office, "move_in", _move_in(office), D(2024, 2, 1))
        (p,) = people()
        apply(office, "name_change", {"person_id": p.pk, "family_name": "佐藤", "family_name_kana": "さとう"},
              D(2024, 3, 1))
        apply(office, "ex_officio_correction", {"person_id": p.pk, "changes": {"given_name_kana": "ｲﾁﾛｰ"}},
              D(2024, 3, 2))
        (p,) = people()
        assert (p.family_name, p.family_name_kana, p.given_name_kana) == ("佐藤", "サトウ", "イチロー")
        with pytest.raises(RegistryError) as exc:
            events.submit_event("name_change", {"person_id": b_person.pk, "family_name": "佐藤"},
                                effective_date=D(2024, 3, 1), reported_date=None, entered_by=office.clerk)
        assert exc.value.violations[0].rule == "not_found"


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=30), st.sampled_from(
    ["family_name_kana", "given_name_kana", "banchi", "katagaki", "my_number", "resident_code", "residence_card_no"]))
def test_property_any_text_is_normalized_or_refused_with_a_message_never_a_crash(typed: str, field: str) -> None:
    try:
        out = inputs.normalize(field, typed)
    except InputProblem as exc:
        assert exc.rule and exc.message
        return
    assert isinstance(out, str) and inputs.normalize(field, out) == out


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=20), st.booleans())
def test_property_the_name_check_answers_any_text(typed: str, latin: bool) -> None:
    found = text.name_problem(typed, "氏", latin=latin)
    assert found is None or (found.rule.startswith(("name_", "unprintable")) and found.message.startswith("氏の"))


@pytest.mark.django_db
@pytest.mark.std("1440#1")
def test_a_correction_may_not_date_a_past_event_in_the_future(office, office_b) -> None:
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    with activate(office.ctx()):
        apply(office, "move_in", _move_in(office), D(2024, 2, 1))
        (p,) = people()
        for field in ("became_resident_on", "birth_date", "reported_on"):
            with pytest.raises(RegistryError) as exc:
                events.submit_event("ex_officio_correction", {"person_id": p.pk, "changes": {field: future}},
                                    effective_date=D(2024, 3, 1), reported_date=None, entered_by=office.clerk)
            (v,) = exc.value.violations
            assert v.rule == "future_date" and "未来の日付は入力できません" in v.message, v
        # a stay may end in the future: not refused for that reason
        sub = events.submit_event("ex_officio_correction", {"person_id": p.pk, "changes": {"move_out_planned_on": future}},
                                  effective_date=D(2024, 3, 1), reported_date=None, entered_by=office.clerk)
        assert sub.event.status == "provisional"
    with activate(office_b.ctx()):  # B cannot correct A's person
        with pytest.raises(RegistryError) as exc:
            events.submit_event("ex_officio_correction", {"person_id": p.pk, "changes": {"birth_date": "2000-01-01"}},
                                effective_date=D(2024, 3, 1), reported_date=None, entered_by=office_b.clerk)
        assert exc.value.violations[0].rule == "not_found"


@pytest.mark.std("1440#1")
@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="東京都千代田区甲村大字1234５６番地-－ 　ABCabc,.〒・", max_size=25),
       st.sampled_from(["😀", "\x07", "①", "㍻", "〓", "\ue000"]), st.integers(0, 25))
def test_property_address_text_passes_ordinary_addresses_and_refuses_symbol_forms(ordinary: str, bad: str, at: int) -> None:
    for field in ("honseki", "previous_address", "move_out_destination"):
        assert inputs.normalize(field, ordinary) == ordinary  # kept as typed
        at = min(at, len(ordinary))
        with pytest.raises(InputProblem) as exc:
            inputs.normalize(field, ordinary[:at] + bad + ordinary[at:])
        assert exc.value.rule == "address_chars" and f"{at + 1}文字目" in exc.value.message


def test_hittousha_is_a_name_of_the_mj_set() -> None:
    rules.validate_name({"family_name": "山田", "hittousha": "山田一郎"})
    with pytest.raises(RegistryError) as exc:
        rules.validate_name({"family_name": "山田", "hittousha": "山田〓郎"})
    assert (exc.value.violations[0].rule, exc.value.violations[0].field) == ("name_geta", "hittousha")
