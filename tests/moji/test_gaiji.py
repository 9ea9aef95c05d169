"""Legacy 外字 tables: validation with line/field/rule, conversion, worklist and decisions."""

from __future__ import annotations

import pytest

from jichitai import moji
from jichitai.moji import GaijiDecision

GOOD = """vendor,code,mj,decided_by,decided_at,evidence
acme,U+E000,MJ028902,佐藤,2024-04-01,戸籍謄本の字形と照合
acme,U+E001,MJ025760,佐藤,2024-04-01T10:00:00+09:00,住基ネット J+8FBB
acme,0xF040,MJ030196,鈴木,2024-04-02,旧システム外字帳 p.12
"""


def test_a_good_table_loads() -> None:
    table = moji.load_gaiji_table(GOOD)
    assert table.lookup("acme", "u+e000") is not None
    assert table.lookup("acme", "0xF040").mj == "MJ030196"  # type: ignore[union-attr]
    again = moji.load_gaiji_table(moji.dump_gaiji_table(table))

    def strip(t: moji.GaijiTable) -> set[tuple[str, ...]]:
        return {(r.vendor, r.code, r.mj, r.decided_by, r.decided_at, r.evidence) for r in t.rows}

    assert strip(again) == strip(table)


def test_every_error_is_reported_with_line_field_and_rule() -> None:
    bad = (
        "vendor,code,mj,decided_by,decided_at,evidence\n"
        "acme,U+4E00,MJ028902,佐藤,2024-04-01,x\n"  # not private use
        "acme,U+E000,MJ99,佐藤,2024-04-01,x\n"  # malformed MJ
        "acme,U+E001,MJ999999,佐藤,yesterday,x\n"  # unknown MJ, bad date
        "acme,U+E002,MJ028902,,2024-04-01,x\n"  # missing decided_by
        "acme,U+E002,MJ028902,佐藤,2024-04-01,x\n"  # duplicate code
        "acme,U+E003\n"
    )
    with pytest.raises(moji.GaijiTableError) as exc:
        moji.load_gaiji_table(bad)
    got = {(e.line, e.field, e.rule) for e in exc.value.errors}
    assert got == {
        (2, "code", "private-use"),
        (3, "mj", "mj-format"),
        (4, "mj", "mj-unknown"),
        (4, "decided_at", "iso8601"),
        (5, "decided_by", "required"),
        (6, "code", "duplicate"),
        (7, "row", "columns"),
    }
    for e in exc.value.errors:
        assert e.message_ja and e.message_en and str(e.line) in e.message_ja


def test_wrong_header_is_one_error_on_line_one() -> None:
    _rows, errors = moji.validate_gaiji_table("a,b\n1,2\n")
    assert [(e.line, e.field, e.rule) for e in errors] == [(1, "header", "header")]


def test_convert_legacy_maps_known_codes_and_lists_every_unknown_one() -> None:
    table = moji.load_gaiji_table(GOOD)
    r = moji.convert_legacy("\ue000橋\ue001子\ue00f", table, "acme")
    assert r.text == "髙橋辻\U000e0102子\ue00f"
    assert [(u.index, u.code) for u in r.unmapped] == [(4, "U+E00F")]
    other = moji.convert_legacy("\ue000", table, "other-vendor", placeholder="〓")
    assert other.text == "〓" and other.unmapped[0].code == "U+E000"


def test_a_decision_is_applied_and_replaces_the_earlier_one() -> None:
    table = moji.load_gaiji_table(GOOD)
    d = GaijiDecision("acme", "U+E000", "MJ028901", "田中", "2024-05-01", "再確認: 高 の字形")
    new = moji.apply_decision(table, d)
    assert new.lookup("acme", "U+E000").mj == "MJ028901"  # type: ignore[union-attr]
    assert len(new.rows) == len(table.rows)
    assert table.lookup("acme", "U+E000").mj == "MJ028902"  # type: ignore[union-attr]
    with pytest.raises(moji.GaijiTableError):
        moji.apply_decision(table, GaijiDecision("acme", "U+E000", "MJ1", "", "x", ""))


def test_candidates_rank_the_variant_of_the_base_character_first() -> None:
    got = moji.candidates(base_char="高", reading="たか", strokes=11, limit=5)
    assert got[0].mj == "MJ028902"  # 髙: same key, JIS/戸籍 links, reading, 11 strokes
    assert "高" in {c.char for c in got}


def test_candidates_by_radical_and_reading() -> None:
    got = moji.candidates(reading="さき", radical=46, limit=50)  # 46 = 山
    assert {"崎", "﨑"} <= {c.char for c in got}


def test_candidates_need_evidence() -> None:
    with pytest.raises(moji.NoCandidateCriteriaError):
        moji.candidates()
