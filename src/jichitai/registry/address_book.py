"""住所辞書 ([250]), 住居表示・地番 ([240]) and 方書 ([260]): lookups and staff maintenance.

- 住所コード: 11 digits, 都道府県 (JIS X 0401, 01–47) + 市区町村 (JIS X 0402) + 大字 + 小字.
- 住所カナ入力: 「ト ヒ シ」 — the first kana of each level (都道府県 → 市区町村 → 大字 → 小字),
  separated by spaces — gives the addresses and their 郵便番号; a 郵便番号 gives the addresses.
- 一覧から選択: 都道府県 → 市区町村 → 大字 → 小字, each level a list.
- 番地 codes: 番地・枝番・部屋番号 as numbers so lists sort as people read them.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from .address_models import AddressDictionary, AddressLot, CountryName, Katagaki, LotKind
from .errors import violation
from .models import AddressEntry

CODE_RE = re.compile(r"^\d{11}$")
POSTAL_RE = re.compile(r"^\d{7}$")
LIMIT = 50


def normalize_kana(text: str) -> str:
    """Full-width katakana: NFKC (half-width kana, full-width digits) and hiragana → katakana."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def normalize_postal(text: str) -> str:
    return re.sub(r"[-ー－‐〒\s]", "", unicodedata.normalize("NFKC", text or ""))


def check_code(code: str) -> str:
    """A valid 住所コード or a violation naming the rule."""
    code = unicodedata.normalize("NFKC", code or "").strip()
    if not CODE_RE.match(code):
        raise violation("address_code", "住所コードは11桁の数字です（都道府県2桁＋市区町村3桁＋大字3桁＋小字3桁）。", "code")
    if not 1 <= int(code[:2]) <= 47:
        raise violation("address_code_pref", "住所コードの先頭2桁はJIS X 0401の都道府県コード（01〜47）です。", "code")
    return code


def split_code(code: str) -> tuple[str, str, str, str]:
    """(都道府県, 市区町村, 大字, 小字) of an 11-digit 住所コード."""
    return code[:2], code[2:5], code[5:8], code[8:11]


def by_kana(query: str, *, include_former: bool = False) -> list[AddressDictionary]:
    """住所カナ入力: 「ト ヒ シ」 → 東京都日野市神明… (each word a prefix of one level, in order)."""
    words = [w for w in normalize_kana(query).split() if w]
    if not words or len(words) > 4:
        raise violation("address_kana", "住所カナは都道府県・市区町村・大字・小字の頭文字を空白で区切って1〜4語で入力してください（例: ト ヒ シ）。", "kana")
    fields = ("pref_kana", "city_kana", "oaza_kana", "koaza_kana")
    qs = AddressDictionary.objects.filter(**{f"{f}__startswith": w for f, w in zip(fields, words, strict=False)})
    if not include_former:
        qs = qs.filter(former=False)
    return list(qs.order_by("code")[:LIMIT])


def by_postal_code(postal: str) -> list[AddressDictionary]:
    """郵便番号 → the addresses that carry it."""
    postal = normalize_postal(postal)
    if not POSTAL_RE.match(postal):
        raise violation("postal_code", "郵便番号は7桁の数字で入力してください（例: 191-0016）。", "postal_code")
    return list(AddressDictionary.objects.filter(postal_code=postal, former=False).order_by("code")[:LIMIT])


def choices(level: str, prefix: str = "") -> list[tuple[str, str]]:
    """一覧表からの選択: level "pref" / "city" (prefix: 2 digits) / "oaza" (5) / "koaza" (8):
    (code prefix, name) pairs, in code order."""
    spec = {"pref": (0, 2, "pref_name"), "city": (2, 5, "city_name"), "oaza": (5, 8, "oaza_name"),
            "koaza": (8, 11, "koaza_name")}
    if level not in spec:
        raise violation("level", "選択の段階は都道府県・市区町村・大字・小字のいずれかです。", "level")
    need, upto, name = spec[level]
    if len(prefix) != need or (prefix and not prefix.isdigit()):
        raise violation("prefix", "上の段階を先に選んでください。", "prefix")
    seen: dict[str, str] = {}
    for code, label in (AddressDictionary.objects.filter(code__startswith=prefix, former=False)
                        .order_by("code").values_list("code", name)):
        if label:
            seen.setdefault(code[:upto], label)
    return list(seen.items())


DICT_FIELDS = ("code", "postal_code", "pref_name", "pref_kana", "city_name", "city_kana", "oaza_name", "oaza_kana",
               "koaza_name", "koaza_kana")


def _clean(row: Mapping[str, Any]) -> dict[str, Any]:
    data = {f: unicodedata.normalize("NFKC", str(row.get(f) or "")).strip() for f in DICT_FIELDS}
    data["code"] = check_code(data["code"])
    for f in ("pref_kana", "city_kana", "oaza_kana", "koaza_kana"):
        data[f] = normalize_kana(str(row.get(f) or "")).strip()
    for f in ("pref_name", "city_name"):
        if not data[f]:
            raise violation("required", f"{AddressDictionary._meta.get_field(f).verbose_name}を入力してください。", f)
    for f in ("pref_name", "city_name", "oaza_name", "koaza_name"):  # names keep their full-width form
        data[f] = str(row.get(f) or "").strip()
    if data["postal_code"]:
        data["postal_code"] = normalize_postal(data["postal_code"])
        if not POSTAL_RE.match(data["postal_code"]):
            raise violation("postal_code", "郵便番号は7桁の数字です。", "postal_code")
    data["former"] = str(row.get("former") or "").strip() in ("1", "true", "旧")
    return data


def save_entry(row: Mapping[str, Any]) -> AddressDictionary:
    """Add or correct one dictionary row (by 住所コード): what staff do when the 住所 changes."""
    data = _clean(row)
    obj, _ = AddressDictionary.objects.update_or_create(code=data["code"], defaults={**data,
                                                                                    "updated_at": timezone.now()})
    return obj


def load_csv(lines: Iterable[str]) -> int:
    """Load (or update) the dictionary from CSV with a header of ``DICT_FIELDS`` (+ ``former``);
    every row is checked first, nothing is written if one is refused (its line is named)."""
    rows = list(csv.DictReader(lines))
    cleaned = []
    for n, row in enumerate(rows, start=2):
        try:
            cleaned.append(_clean(row))
        except Exception as exc:
            raise violation("csv", f"{n}行目: {getattr(exc, 'violations', [exc])[0]}", "file") from None
    with transaction.atomic():
        for data in cleaned:
            AddressDictionary.objects.update_or_create(code=data["code"], defaults={**data,
                                                                                  "updated_at": timezone.now()})
    return len(cleaned)


_NUM = re.compile(r"\d+")


def banchi_codes(text: str) -> tuple[int, int, int]:
    """(番地, 枝番, 部屋番号等) as numbers: 「12番地3 305号室」 → (12, 3, 305); 漢数字は使わない。"""
    nums = [int(n) for n in _NUM.findall(unicodedata.normalize("NFKC", text or ""))][:3]
    nums = [min(n, 2**31 - 1) for n in nums]
    return (nums + [0, 0, 0])[0], (nums + [0, 0, 0])[1], (nums + [0, 0, 0])[2]


def add_lot(address_id: int, kind: str, text: str) -> AddressLot:
    if kind not in LotKind.values:
        raise violation("lot_kind", "種別は住居表示・地番・特殊地番のいずれかです。", "kind")
    text = (text or "").strip()
    if not text or len(text) > 100:
        raise violation("lot_text", "番地は1〜100文字で入力してください。", "text")
    address = AddressEntry.objects.filter(pk=address_id).first()
    if address is None:
        raise violation("not_found", "町字が見つかりません。", "address_id")
    ban, eda, sub = banchi_codes(text)
    return AddressLot.objects.create(address=address, kind=kind, text=text, ban=ban, eda=eda, sub=sub)


def lots(address_id: int) -> list[AddressLot]:
    return list(AddressLot.objects.filter(address_id=address_id, active=True).order_by("ban", "eda", "sub", "text"))


def add_katagaki(address_id: int, banchi: str, name: str, kana: str = "") -> Katagaki:
    name, banchi = (name or "").strip(), (banchi or "").strip()
    if not name or len(name) > 200:
        raise violation("katagaki", "方書は1〜200文字で入力してください。", "name")
    if not banchi:
        raise violation("required", "方書の番地を入力してください。", "banchi")
    if not AddressEntry.objects.filter(pk=address_id).exists():
        raise violation("not_found", "町字が見つかりません。", "address_id")
    if Katagaki.objects.filter(address_id=address_id, banchi=banchi, name=name).exists():
        raise violation("duplicate", f"方書「{name}」はこの住所に登録済みです。", "name")
    return Katagaki.objects.create(address_id=address_id, banchi=banchi, name=name, kana=normalize_kana(kana))


def katagaki_for(address_id: int, banchi: str = "") -> list[Katagaki]:
    """The 方書 at an address (all of the 町字, or of one 番地)."""
    qs = Katagaki.objects.filter(address_id=address_id, active=True)
    if banchi.strip():
        qs = qs.filter(banchi=banchi.strip())
    return list(qs.order_by("banchi", "name"))


def set_katagaki_active(katagaki_id: int, active: bool) -> None:
    if not Katagaki.objects.filter(pk=katagaki_id).update(active=active):
        raise violation("not_found", "方書が見つかりません。", "katagaki_id")


def load_countries(lines: Iterable[str]) -> tuple[int, int]:
    """The yearly 国名 list (CSV header ``code,name,kana``): rows added or renamed, names no longer
    listed kept but marked not current. Returns (rows in the list, rows marked not current)."""
    rows = list(csv.DictReader(lines))
    seen: dict[str, dict[str, str]] = {}
    for n, row in enumerate(rows, start=2):
        code = unicodedata.normalize("NFKC", str(row.get("code") or "")).strip().upper()
        name = str(row.get("name") or "").strip()
        if not (1 <= len(code) <= 3 and code.isalnum()) or not name or len(name) > 60:
            raise violation("csv", f"{n}行目: 国コード（英数字3文字以内）と国名（60文字以内）を入力してください。", "file")
        seen[code] = {"name": name, "kana": normalize_kana(str(row.get("kana") or "")).strip()}
    with transaction.atomic():
        for code, data in seen.items():
            CountryName.objects.update_or_create(code=code, defaults={**data, "current": True,
                                                                      "updated_at": timezone.now()})
        dropped = CountryName.objects.exclude(code__in=list(seen)).filter(current=True).update(
            current=False, updated_at=timezone.now())
    return len(seen), dropped


def countries(*, include_former: bool = False) -> list[CountryName]:
    qs = CountryName.objects.all() if include_former else CountryName.objects.filter(current=True)
    return list(qs.order_by("kana", "code"))
