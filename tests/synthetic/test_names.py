"""Name tables: kana, variants, and every emittable IVS checked against the Unicode IVD."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from jichitai.synthetic.foreign import FOREIGN_NATIONALITIES
from jichitai.synthetic.names import (
    GIVEN_NAMES_FEMALE,
    GIVEN_NAMES_MALE,
    MOJI_JOHO_IVS,
    SURNAME_VARIANTS,
    SURNAMES,
    all_emittable_japanese_names,
)

IVD_CSV = Path(__file__).resolve().parents[3] / "shared" / "data" / "mj" / "ivd_sequences.csv"
if not IVD_CSV.exists():  # the lead's checkout layout: /work/main next to /work/shared
    IVD_CSV = Path("/work/shared/data/mj/ivd_sequences.csv")

KATAKANA = re.compile(r"[ァ-ヶー\u3000]+")
VS = re.compile("[\U000e0100-\U000e01ef]")


def all_emittable_strings() -> list[str]:
    out = all_emittable_japanese_names()
    for table in FOREIGN_NATIONALITIES:
        out += [w for pool in (table.family, table.male, table.female) for w, _k in pool]
    return out


def ivs_sequences_in(strings: list[str]) -> set[tuple[int, int]]:
    found = set()
    for s in strings:
        for m in VS.finditer(s):
            assert m.start() > 0, f"variation selector without a base character in {s!r}"
            found.add((ord(s[m.start() - 1]), ord(m.group())))
    return found


def test_readings_are_katakana() -> None:
    for _w, kana, _n in SURNAMES:
        assert KATAKANA.fullmatch(kana), kana
    for eras in (GIVEN_NAMES_MALE, GIVEN_NAMES_FEMALE):
        for era in eras:
            for _w, kana in era:
                assert KATAKANA.fullmatch(kana), kana
    for table in FOREIGN_NATIONALITIES:
        for pool in (table.family, table.male, table.female):
            for _w, kana in pool:
                assert KATAKANA.fullmatch(kana), kana


def test_tables_are_sizeable_and_without_duplicates() -> None:
    surnames = [w for w, _k, _n in SURNAMES]
    assert len(surnames) >= 250
    assert len(set(surnames)) == len(surnames)
    given = {w for eras in (GIVEN_NAMES_MALE, GIVEN_NAMES_FEMALE) for era in eras for w, _ in era}
    assert len(given) >= 200
    for eras in (GIVEN_NAMES_MALE, GIVEN_NAMES_FEMALE):
        for era in eras:
            assert len({w for w, _ in era}) == len(era)


def test_variants_belong_to_listed_surnames_and_rates_are_small() -> None:
    surnames = {w for w, _k, _n in SURNAMES}
    for common, variants in SURNAME_VARIANTS.items():
        assert common in surnames
        assert 0 < sum(p for _v, p in variants) <= 0.35
        for spelling, _p in variants:
            assert spelling != common and spelling not in surnames


def test_required_variant_characters_can_be_emitted() -> None:
    text = "".join(all_emittable_japanese_names())
    for ch in ("髙", "\ufa11", "邉", "邊", "齋", "齊", "\U00020bb7"):
        assert ch in text, ch
    # 齊 is the old form of 斉 (not 斎): 齊藤 must be a variant of 斉藤 only.
    assert any("齊" in v for v, _ in SURNAME_VARIANTS["斉藤"])
    assert not any("齊" in v for v, _ in SURNAME_VARIANTS["斎藤"])


def test_every_emittable_ivs_is_one_of_the_embedded_constants() -> None:
    embedded = {(base, vs) for base, vs, _mj in MOJI_JOHO_IVS.values()}
    emitted = ivs_sequences_in(all_emittable_strings())
    assert emitted == embedded  # nothing unlisted, and every constant is actually used


@pytest.mark.skipif(
    not IVD_CSV.exists(),
    reason=f"{IVD_CSV} is absent (shared MJ data not mounted); the IVS constants cannot be checked",
)
def test_every_emittable_ivs_is_a_moji_joho_sequence_in_the_ivd() -> None:
    moji_joho: dict[tuple[int, int], str] = {}
    with IVD_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["コレクション"] == "Moji_Joho":
                moji_joho[(int(row["基底文字"], 16), int(row["異体字セレクタ"], 16))] = row[
                    "シーケンス識別子"
                ]
    assert len(moji_joho) == 11_384  # IVD 2022-09-13, as the data README states
    for key, (base, vs, mj) in MOJI_JOHO_IVS.items():
        assert (base, vs) in moji_joho, f"{key}: U+{base:04X} U+{vs:X} is not Moji_Joho"
        assert moji_joho[(base, vs)] == mj, key
    for base, vs in ivs_sequences_in(all_emittable_strings()):
        assert (base, vs) in moji_joho, f"U+{base:04X} U+{vs:X} is not a Moji_Joho sequence"
