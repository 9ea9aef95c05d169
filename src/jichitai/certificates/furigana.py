"""フリガナ on certificates ([1020]): after 氏名, 旧氏 and 通称 only, in parentheses, in katakana.

Whether to print it is the municipality's choice (団体別設定 ``certificates.furigana``, off unless
set to on); there is no other setting: no other item ([1020]#2), no other form than 「（カタカナ）」
after the value (#3), and a reading stored in hiragana or half-width kana is printed in full-width
katakana (#4). A stored reading that is not kana at all is not printed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

SETTING = "certificates.furigana"
ITEMS = ("氏名", "旧氏", "通称")  # [1020]#1; every other item never gets a reading
_ON = frozenset({True, "1", "on", "true", "yes", "記載する"})
SPACE = "\u3000"


def enabled() -> bool:
    """The municipality's choice; anything but an explicit "on" (a typo, "ruby", "住所") is off."""
    from jichitai.tenancy.models import MunicipalSetting

    row = MunicipalSetting.objects.filter(key=SETTING).first()
    value = row.value if row is not None else False
    return (value.strip().lower() if isinstance(value, str) else value) in _ON


def _kata(ch: str) -> str:
    o = ord(ch)
    return chr(o + 0x60) if 0x3041 <= o <= 0x3096 or o in (0x309D, 0x309E) else ch


def katakana(reading: str) -> str:
    """``reading`` in full-width katakana (hiragana and half-width kana converted, words one U+3000
    apart), or "" when it holds anything that is not kana."""
    s = "".join(
        unicodedata.normalize("NFKC", c) if "\uff61" <= c <= "\uff9f" else c for c in reading
    )
    s = unicodedata.normalize("NFC", "".join(_kata(c) for c in s))
    words = s.split()
    if not words or not all("\u30a1" <= c <= "\u30fa" or c in "ーヽヾ" for w in words for c in w):
        return ""
    return SPACE.join(words)


def with_reading(value: str, reading: str) -> str:
    """「住民　太郎　（ジュウミン　タロウ）」: the value, then the katakana in parentheses."""
    kana = katakana(reading)
    return f"{value}{SPACE}（{kana}）" if value and kana else value


def readings(values: Mapping[str, Any]) -> dict[str, str]:
    """The register's readings of 氏名, 旧氏 and 通称."""
    name = SPACE.join(
        r for r in (values.get("family_name_kana") or "", values.get("given_name_kana") or "") if r
    )
    return {
        "氏名": name,
        "旧氏": values.get("former_surname_kana") or "",
        "通称": values.get("alias_kana") or "",
    }


def apply(row: dict[str, str], values: Mapping[str, Any], on: bool) -> dict[str, str]:
    """``row`` with the readings after 氏名, 旧氏 and 通称 when ``on``; no other item is touched."""
    if not on:
        return row
    kana = readings(values)
    return {k: with_reading(v, kana[k]) if k in ITEMS else v for k, v in row.items()}
