"""EUC の条件式 ([1360]#4): any text parses or is a clear error, never a crash; evaluation of what
parses is a value or a clear error."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jichitai.registry.euc.expr import ExprError, evaluate, items_used, parse

NAMES = {"氏名": "name", "生年月日": "birth_date", "住所": "address", "性別": "sex", "世帯員数": "member_count"}
ROW = {"name": "髙橋\u3000一郎", "birth_date": dt.date(1980, 5, 1), "address": "本町一丁目1番地2", "sex": "1",
       "member_count": 3}
BASE = dt.date(2025, 4, 1)


def resolve(name: str, pos: int) -> str:
    if name in NAMES:
        return NAMES[name]
    raise ExprError(f"項目「{name}」はこのデータソースにありません。", pos)


PIECES = st.sampled_from([
    "氏名", "生年月日", "[住所]", "性別", "世帯員数", "'髙橋'", "「一郎」", '"x"', "1", "2.5", "0", "(", ")", ",",
    " AND ", " OR ", " NOT ", " かつ ", " または ", "=", "!=", "<>", "<", "<=", ">", ">=", "+", "-", "*", "/", "&",
    "&&", "||", "!", " contains ", "AGE(", "TODAY()", "DATE(", "YEAR(", "LEN(", "LEFT(", "IF(", "ISBLANK(",
    "CONTAINS(", "ABS(", "NOSUCH(", "[", "]", "'", "＃", "\x00", " ", "TRUE", "FALSE", "9" * 30,
])


def _check(text: str) -> None:
    try:
        node = parse(text, resolve)
    except ExprError as exc:
        assert exc.message and isinstance(exc.message, str)
        return
    assert items_used(node) <= set(NAMES.values())
    try:
        evaluate(node, ROW, BASE)
    except ExprError as exc:
        assert exc.message


@pytest.mark.std("1360#4")
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=25).map("".join))
def test_any_composed_expression_parses_or_is_a_clear_error(text: str) -> None:
    _check(text)


@pytest.mark.std("1360#4")
@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_parses_or_is_a_clear_error(text: str) -> None:
    _check(text)


@pytest.mark.std("1360#4")
def test_deep_and_long_inputs_are_refused_not_crashing() -> None:
    for text in ("(" * 500 + "1" + ")" * 500, "1" + "+1" * 999, "-" * 1500 + "1", "NOT " * 400 + "1", "x" * 3000):
        with pytest.raises(ExprError):
            parse(text, resolve)


@pytest.mark.std("1360#4")
def test_operators_and_functions_evaluate_as_documented() -> None:
    def value(text: str) -> object:
        return evaluate(parse(text, resolve), ROW, BASE)

    assert value("AGE(生年月日)") == 44 and value("AGE(生年月日, '2025-05-01')") == 45
    assert value("性別 = 1") is True and value("性別 <> '2'") is True and value("世帯員数 >= 3") is True
    assert value("氏名 contains '一郎' かつ 住所 を含む '本町'") is True
    assert value("LEFT(住所, 2) & '-' & LEN(氏名)") == "本町-5"
    assert value("IF(世帯員数 > 2, 'multi', 'one')") == "multi"
    assert value("生年月日 < '1990-01-01' AND NOT ISBLANK(住所)") is True
    assert value("(1 + 2) * 3 - 4 / 2") == 7
    with pytest.raises(ExprError, match="0 で割る"):
        value("1 / 0")
    with pytest.raises(ExprError, match="日付"):
        value("生年月日 > 'きのう'")
    with pytest.raises(ExprError, match="項目「本籍」"):
        parse("本籍 = 'x'", resolve)
    with pytest.raises(ExprError, match="計算できません"):
        value("生年月日 + 99999999")


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                       lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                       max_leaves=12)
KEYS = st.sampled_from(["source", "items", "where", "conditions", "combine", "analysis", "group_by", "total",
                        "include_removed", "base_date", "output"])


@pytest.mark.std("1360#4")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, JSONISH | st.sampled_from(["persons", "history", "households", "rows", "group",
                                                        "sum", "csv", "label", "氏名", "[性別] = 1"])))
def test_any_spec_is_a_spec_or_errors_naming_fields(data: dict) -> None:
    from jichitai.registry.euc.run import EucError, Spec, parse_spec

    try:
        assert isinstance(parse_spec(data), Spec)
    except EucError as exc:
        assert exc.errors and all(f and m for f, m in exc.errors)
