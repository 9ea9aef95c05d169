"""`jichitai registry addresses`: the 住所辞書, 住居表示・地番 and 方書 masters ([250], [240], [260]).

    addresses --municipality CODE load FILE.csv          (header: code,postal_code,pref_name,pref_kana,
                                                          city_name,city_kana,oaza_name,oaza_kana,
                                                          koaza_name,koaza_kana[,former])
    addresses --municipality CODE countries FILE.csv     国名の一覧（毎年）: header code,name,kana
    addresses --municipality CODE kana "ト ヒ シ"        住所カナ入力
    addresses --municipality CODE postal 191-0016        郵便番号から住所
    addresses --municipality CODE set CODE FIELD=VALUE…  1件の修正（職員による）
    addresses --municipality CODE add-lot TOWN KIND TEXT
    addresses --municipality CODE add-katagaki TOWN BANCHI NAME [KANA]
    addresses --municipality CODE katagaki TOWN [BANCHI]
(TOWN: the 町字コード of the municipality's 町字)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ._django import DATA_DIR_HELP
from .registry_places import logged, municipality_unit


def add_parser(sub: Any) -> None:
    p = sub.add_parser("addresses", help="住所辞書・住居表示・方書 / address dictionary and masters")
    p.add_argument("--municipality", required=True, help="地方公共団体コード（6桁）")
    p.add_argument("--data-dir", type=Path, metavar="DIR", help=DATA_DIR_HELP)
    ops = p.add_subparsers(dest="op", required=True)
    ops.add_parser("load", help="CSVから読込 / load CSV").add_argument("file", type=Path)
    ops.add_parser("countries", help="国名の一覧を更新 / load the yearly country list").add_argument("file", type=Path)
    ops.add_parser("kana", help="住所カナ入力 / kana lookup").add_argument("query")
    ops.add_parser("postal", help="郵便番号から住所 / postal code lookup").add_argument("postal_code")
    s = ops.add_parser("set", help="1件の修正 / correct one row")
    s.add_argument("code")
    s.add_argument("values", nargs="+", metavar="FIELD=VALUE")
    lot = ops.add_parser("add-lot", help="住居表示・地番の登録 / add a lot")
    lot.add_argument("town")
    lot.add_argument("kind", choices=["jukyo", "chiban", "special"], help="住居表示・地番・特殊地番")
    lot.add_argument("text")
    k = ops.add_parser("add-katagaki", help="方書の登録 / add a 方書")
    for a in ("town", "banchi", "name"):
        k.add_argument(a)
    k.add_argument("kana", nargs="?", default="")
    ls = ops.add_parser("katagaki", help="方書の一覧 / list 方書")
    ls.add_argument("town")
    ls.add_argument("banchi", nargs="?", default="")


READ_ONLY = {"kana", "postal", "katagaki"}


def _town(code: str) -> int:
    from jichitai.registry.errors import violation
    from jichitai.registry.models import AddressEntry

    pk = AddressEntry.objects.filter(town_code=code).values_list("pk", flat=True).first()
    if pk is None:
        raise violation("not_found", f"町字コード {code} がありません。", "town")
    return pk


def _do(args: argparse.Namespace) -> int:
    """Run the op; the number of rows changed (0 for a lookup)."""
    from jichitai.registry import address_book as book
    from jichitai.registry.errors import violation

    if args.op == "load":
        with args.file.open(encoding="utf-8-sig", newline="") as fh:
            loaded = book.load_csv(fh)
        print(f"{loaded}件を読み込みました / loaded")
        return loaded
    elif args.op == "countries":
        with args.file.open(encoding="utf-8-sig", newline="") as fh:
            listed, dropped = book.load_countries(fh)
        print(f"{listed}件を更新、{dropped}件を最新の一覧にないものとしました / loaded, marked not current")
        return listed + dropped
    elif args.op in ("kana", "postal"):
        found = book.by_kana(args.query) if args.op == "kana" else book.by_postal_code(args.postal_code)
        for a in found:
            print(f"{a.code}\t〒{a.postal_code[:3]}-{a.postal_code[3:]}\t{a.name}")
    elif args.op == "set":
        current = book.AddressDictionary.objects.filter(code=args.code).values(*book.DICT_FIELDS, "former").first()
        if current is None:
            raise violation("not_found", f"住所コード {args.code} がありません。", "code")
        for item in args.values:
            field, _, value = item.partition("=")
            if field not in (*book.DICT_FIELDS, "former") or field == "code":
                raise violation("field", f"修正できない項目です: {field}", "values")
            current[field] = value
        book.save_entry(current)
    elif args.op == "add-lot":
        book.add_lot(_town(args.town), args.kind, args.text)
    elif args.op == "add-katagaki":
        book.add_katagaki(_town(args.town), args.banchi, args.name, args.kana)
    else:
        for k in book.katagaki_for(_town(args.town), args.banchi):
            print(f"{k.banchi}\t{k.name}\t{k.kana}")
    return 0 if args.op in READ_ONLY else 1


def run(args: argparse.Namespace) -> int:
    unit, code = municipality_unit(args, "住所辞書の管理")
    if unit is None:
        return code
    from django.db import transaction

    from jichitai.registry.errors import RegistryError

    try:
        with unit, logged(args, READ_ONLY) as batch, transaction.atomic():
            batch["rows"] = _do(args)
    except RegistryError as exc:
        for v in exc.violations:
            print(f"jichitai registry addresses: {v.field}: {v.message}", file=sys.stderr)
        return 1
    return 0
