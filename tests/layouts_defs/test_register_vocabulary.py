"""The definitions speak the register's language: item keys are its field names where it holds the
item, and every code table's value is one of its internal values (never a forbidden 続柄)."""

from __future__ import annotations

import re

import pytest

from jichitai.registry import conventions, reasons, relationships
from jichitai.registry.items import CATEGORY_LABELS
from jichitai.wareki import ERA_TABLE

from .support import codes, field_choices, layout, model_fields, module_choices, text_choices

REG = "registry/models.py"
NOT_HELD = "not held by the register"
SOURCES = ("kihon", "chukan")
# §3A of layouts.md: at least these names, one or more from every group of its tables
SECTION_3A = (
    "市区町村コード",
    "宛名番号",
    "個人履歴番号",
    "個人履歴番号_枝番号",
    "最新フラグ",
    "改製番号",
    "世帯番号",
    "住民種別",
    "住民状態",
    "住民票コード",
    "個人番号",
    "異動年月日",
    "異動年月日_不詳フラグ",
    "異動年月日_不詳表記",
    "異動届出年月日",
    "届出番号",
    "異動事由",
    "異動区分",
    "通知日",
    "記載等の種別",
    "氏名",
    "氏_日本人",
    "名_日本人",
    "氏名_外国人ローマ字",
    "氏名_外国人漢字",
    "氏名_フリガナ",
    "氏名_フリガナ確認状況",
    "旧氏",
    "旧氏_フリガナ",
    "旧氏_フリガナ確認状況",
    "通称",
    "通称_フリガナ",
    "通称_フリガナ確認状況",
    "氏名優先区分",
    "氏名_優先",
    "氏名_フリガナ_優先",
    "性別",
    "性別表記",
    "生年月日_元号",
    "生年月日",
    "生年月日_不詳フラグ",
    "生年月日_不詳表記",
    "続柄コード1",
    "続柄コード4",
    "続柄表記",
    "世帯主氏名",
    "記載順位",
    "住所_市区町村コード",
    "住所_町字コード",
    "指定都市_行政区等コード",
    "住所_都道府県",
    "住所_市区郡町村名",
    "住所_町字",
    "住所_番地号表記",
    "住所_番地枝番数値",
    "住所_方書コード",
    "住所_方書",
    "住所_方書_フリガナ",
    "住所_郵便番号",
    "住民となった年月日",
    "住所を定めた年月日",
    "記載の異動年月日",
    "記載の事由",
    "転入前住所_町字",
    "転入前住所_国外住所",
    "転入前住所_世帯主氏名",
    "転居前住所_方書_フリガナ",
    "本籍",
    "本籍_地番号または、街区符号",
    "戸籍_筆頭者",
    "戸籍_筆頭者_名",
    "消除の事由",
    "消除の届出年月日",
    "消除の異動年月日",
    "転出届出年月日",
    "転出予定年月日",
    "転出年月日（確定）",
    "転入通知年月日",
    "転出先住所（予定）_国外住所",
    "転出先住所（確定）_郵便番号",
    "外国人住民となった年月日",
    "在留カード等番号",
    "在留カード等番号区分",
    "国籍等_国名コード",
    "国籍名等",
    "第30条45規定区分",
    "住居地の届出の有無",
    "在留資格等コード",
    "在留期間等コード_年",
    "在留期間等コード_月",
    "在留期間等コード_日",
    "在留期間の満了の日",
    "地区管理コード1",
    "地区管理コード10",
    "成年被後見人_該当有無",
    "選挙人名簿登録有無",
    "国保資格有無",
    "年金資格喪失年月日",
    "基礎年金番号",
    "児童手当受給開始年月",
    "除票フラグ",
    "除票用データベース登録年月日",
    "履歴選択不可フラグ",
    "処理年月日",
    "改製記載年月日",
    "統合宛名フラグ",
    "他業務参照不可フラグ",
    "業務ID",
    "削除フラグ",
    "操作者ID",
    "操作年月日",
    "操作時刻",
)
# §3A dates that carry both a 不詳フラグ and a 不詳表記
PARTIAL_DATES = (
    "異動年月日",
    "生年月日",
    "住民となった年月日",
    "住所を定めた年月日",
    "消除の異動年月日",
    "外国人住民となった年月日",
)
REGISTER_FIELDS = set(conventions.PERSON_FIELDS) | set(conventions.HOUSEHOLD_FIELDS)


@pytest.fixture(scope="module")
def jumin() -> list[dict]:
    return layout("kihon-1.0-jumin")["items"]


def test_jumin_is_the_whole_section_3a(jumin: list[dict]) -> None:
    names = [item["name"] for item in jumin]
    assert len(jumin) >= 120
    missing = [n for n in SECTION_3A if n not in names]
    assert not missing, missing
    # in the list's order
    assert [n for n in names if n in SECTION_3A] == sorted(SECTION_3A, key=names.index)
    assert (
        names.index("宛名番号")
        < names.index("異動年月日")
        < names.index("氏名")
        < names.index("性別")
    )


@pytest.mark.parametrize("name", PARTIAL_DATES)
def test_partial_dates_carry_their_unknown_items(jumin: list[dict], name: str) -> None:
    by_name = {item["name"]: item for item in jumin}
    item = by_name[name]
    assert item["type"] == "partial_date"
    assert by_name[f"{name}_不詳フラグ"]["key"] == item["unknown_flag"]
    assert by_name[f"{name}_不詳表記"]["key"] == item["unknown_text"]


def test_keys_are_register_fields_unless_the_notes_say_otherwise(jumin: list[dict]) -> None:
    for item in jumin:
        notes = item.get("notes", "")
        if item["key"] in REGISTER_FIELDS:
            assert NOT_HELD not in notes, item["name"]
        elif not notes.startswith("register:"):
            assert NOT_HELD in notes, f"{item['name']} ({item['key']}) claims a register field"
            assert re.search(
                r"kept|ignored|joins|joined|derives|used on import|taken from|writes", notes
            ), item["name"]


def test_register_fields_named_elsewhere_exist(jumin: list[dict]) -> None:
    models = {m: model_fields(REG, m) for m in ("AddressEntry", "RegistryEvent", "Person")}
    for item in jumin:
        for model, field in re.findall(r"register: (\w+)\.(\w+)", item.get("notes", "")):
            if model in models:
                assert field in models[model], f"{item['name']}: {model}.{field}"


def test_every_register_item_has_a_column(jumin: list[dict]) -> None:
    """So an export of the register can be re-imported whole (birth_date_precision comes from the
    不詳 flag and text, household_id from 世帯番号)."""
    keys = {item["key"] for item in jumin}
    missing = (
        REGISTER_FIELDS
        - keys
        - {"household_id", "birth_date_precision", "address_id", "head_id", "active"}
    )
    assert not missing, sorted(missing)
    assert set(conventions.PERSON_FIELDS) <= set(model_fields(REG, "Person")) | {"household_id"}


def test_my_number_is_restricted_and_checked(jumin: list[dict]) -> None:
    by_key = {item["key"]: item for item in jumin}
    assert by_key["my_number"]["restricted"] is True and by_key["my_number"]["check"] == "my_number"
    assert by_key["resident_code"]["check"] == "resident_code"
    assert [k for k, item in by_key.items() if item.get("restricted")] == ["my_number"]


@pytest.mark.parametrize("source", SOURCES)
def test_relationship_codes_are_allowed_or_nothing(source: str) -> None:
    rows = codes(source, "relationship")
    forbidden = {"準世帯主", "使用人", "家事使用人", "本人", "孫", "祖父", "祖母"}
    for row in rows:
        if row["value"]:
            assert relationships.is_standard(row["value"]), row
        if row["label"] in forbidden:
            assert row["value"] == "", f"{row['code']} {row['label']} must map to nothing"
    values = {r["value"] for r in rows}
    assert {"世帯主", "子", "妻", "縁故者", "同居人", "夫（未届）"} <= values
    # a chain of codes is a chain of values the register allows (妻の子 = 12, 20)
    by_code = {r["code"]: r["value"] for r in rows}
    assert relationships.is_standard(relationships.JOIN.join([by_code["12"], by_code["20"]]))


CHOICES = {
    "resident_type": lambda: text_choices(REG, "ResidentType"),
    "status": lambda: text_choices(REG, "PersonStatus"),
    "sex": lambda: field_choices(REG, "Person", "sex"),
    "foreign_category": lambda: (
        set(CATEGORY_LABELS) & field_choices(REG, "Person", "foreign_category")
    ),
    "name_priority": lambda: field_choices(REG, "Person", "name_priority"),
    "mail_name": lambda: field_choices(REG, "Person", "mail_name_code"),
    "presence": lambda: module_choices(REG, "YES_NO"),
    "pension_kind": lambda: module_choices(REG, "PENSION_KINDS"),
    "card_status": lambda: module_choices(REG, "CARD_STATUS"),
    "era": lambda: {era.name for era in ERA_TABLE},
    "reason": lambda: text_choices(REG, "EventKind"),
    "seal_state": lambda: text_choices("seals/models.py", "RegistrationState"),
    "seal_card_state": lambda: text_choices("seals/models.py", "CardState"),
    "tax_status": lambda: text_choices("tax/models.py", "TaxStatus"),
}


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("table", sorted(CHOICES))
def test_code_values_are_the_registers(source: str, table: str) -> None:
    allowed = CHOICES[table]()
    assert allowed
    for row in codes(source, table):
        # "" only where a code has no register meaning (改製, a vendor's 削除): reported on import
        assert row["value"] in allowed or (row["value"] == "" and table == "reason"), row


@pytest.mark.parametrize(
    "table", ["resident_type", "sex", "foreign_category", "era", "presence", "tax_status"]
)
def test_tables_cover_every_value(table: str) -> None:
    assert {r["value"] for r in codes("kihon", table)} == CHOICES[table]()


def test_every_event_kind_exports_to_a_code() -> None:
    assert {r["value"] for r in codes("kihon", "reason")} - {""} == text_choices(REG, "EventKind")
    death = {r["code"] for r in codes("kihon", "reason") if r["value"] == "death"}
    assert death == {"23"}, "23 = 死亡 as seen in the field (layouts.md §5.5)"


def test_reason_codes_follow_the_standards_list() -> None:
    """11–49: 区分 digit (1 記載, 2 消除, 3–4 修正) + position in reasons.STANDARD_REASONS."""
    divisions = {
        "1": (reasons.ENTRY, 10),
        "2": (reasons.REMOVAL, 20),
        "3": (reasons.CHANGE, 30),
        "4": (reasons.CHANGE, 30),
    }
    seen = set()
    for row in codes("kihon", "reason"):
        if row["code"][0] in divisions:
            division, base = divisions[row["code"][0]]
            assert (
                reasons.STANDARD_REASONS[division][int(row["code"]) - base - 1] == row["label"]
            ), row
            seen.add((division, row["label"]))
    assert seen == {
        (d, label) for d, labels in reasons.STANDARD_REASONS.items() for label in labels
    }


def test_status_table_never_imports_a_voided_record() -> None:
    assert "void" not in {r["value"] for r in codes("kihon", "status")}


def test_residence_status_values_are_names() -> None:
    rows = codes("kihon", "residence_status")
    assert all(r["value"] == r["label"] and r["value"] for r in rows)
    assert {"永住者", "特別永住者", "留学", "技術・人文知識・国際業務", "日本人の配偶者等"} <= {
        r["value"] for r in rows
    }


@pytest.mark.parametrize(
    ("layout_id", "models"),
    [
        (
            "kihon-1.0-inkan",
            {"": ("seals/models.py", "SealRegistration"), "card_": ("seals/models.py", "SealCard")},
        ),
        ("kihon-1.0-juminzei", {"": ("tax/models.py", "Assessment")}),
    ],
)
def test_seal_and_tax_keys_are_model_fields(
    layout_id: str, models: dict[str, tuple[str, str]]
) -> None:
    fields = {prefix: model_fields(*where) for prefix, where in models.items()}
    for item in layout(layout_id)["items"]:
        key, notes = item["key"], item.get("notes", "")
        if NOT_HELD in notes or notes.startswith("register:"):
            continue
        held = any(key.startswith(p) and key.removeprefix(p) in f for p, f in fields.items())
        assert held, f"{layout_id}: {item['name']} ({key})"


def test_chukan_layout_is_marked_a_reconstruction() -> None:
    head = layout("chukan-2.x-jumin-kojin")["layout"]
    assert head["format"] == "fixed" and head["encoding"] == "cp932" and "[R]" in head["notes"]
    items = layout("chukan-2.x-jumin-kojin")["items"]
    wareki = [i for i in items if i["type"] == "wareki_date"]
    assert wareki and all(i["length"] == 8 and i["codes"] == "era" for i in wareki)
    assert {r["code"] for r in codes("chukan", "era")} == {"01", "02", "03", "04", "05"}
