"""`jichitai moji …`: inspect characters, print matching keys, degrade text, look up MJ names.

A thin shell over `jichitai.moji`; it must never import Django (it runs without settings or a
database). Results go to stdout, reports of changes and errors to stderr in Japanese and English.
"""

from __future__ import annotations

import argparse
import json
import sys

from jichitai import moji


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"jichitai moji: 引数が正しくありません / {message}", file=sys.stderr)
        self.print_usage(sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="jichitai moji", description="MJ文字情報: inspect, key, kana-key, degrade, lookup"
    )
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    s = sub.add_parser("inspect", help="文字ごとの同定結果 / identify each character")
    s.add_argument("text")
    s.add_argument("--json", action="store_true", help="JSON array, one object per character")
    s = sub.add_parser("key", help="照合キー / matching key")
    s.add_argument("text")
    s = sub.add_parser("kana-key", help="カナ照合キー / kana matching key")
    s.add_argument("text")
    s = sub.add_parser("degrade", help="縮退 / degrade to JIS X 0213 or JIS X 0208")
    s.add_argument("text")
    s.add_argument("--to", choices=("jisx0208", "jisx0213"), default="jisx0208")
    s = sub.add_parser("lookup", help="MJ文字図形名の情報 / look up an MJ glyph name")
    s.add_argument("name")
    s.add_argument("--json", action="store_true")
    return p


def _inspect(text: str, as_json: bool) -> int:
    infos = moji.identify(text)
    checks = {v.index: v for v in moji.validate(text)}
    if as_json:
        out = []
        for info in infos:
            d = info.as_dict()
            v = checks[info.index]
            d["prints_as_entered"] = v.ok
            d["check"] = v.rule
            d["key"] = moji.key(info.char)
            out.append(d)
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    for info in infos:
        v = checks[info.index]
        cps = " ".join(info.codepoints)
        jis = "0208" if info.jisx0208 else "0213" if info.jisx0213 else "-"
        line = (
            f"{info.char}\t{cps}\t{info.mj or '-'}\tJIS:{jis}\t"
            f"font:{'yes' if info.font else 'no'}\t{v.rule}"
        )
        print(line)
        if not v.ok:
            print(f"  {info.char}: {v.message_ja} / {v.message_en}", file=sys.stderr)
    return 0


def _degrade(text: str, to: str) -> int:
    r = moji.degrade(text, to)
    print(r.text)
    for c in r.changes:
        print(
            f"変換 / changed [{c.index}] {c.original} → {c.replacement} ({c.rule})", file=sys.stderr
        )
    for f in r.failures:
        print(
            f"縮退できません / cannot degrade [{f.index}] {f.original} → {f.replacement} ({f.reason})",
            file=sys.stderr,
        )
    return 0 if r.ok else 1


def _lookup(name: str, as_json: bool) -> int:
    rec = moji.lookup(name)
    if as_json:
        print(json.dumps(rec.as_dict(), ensure_ascii=False, indent=1))
        return 0
    for k, v in rec.as_dict().items():
        if v not in (None, [], ()):
            print(f"{k}\t{v}")
    return 0


def main(argv: list[str]) -> int:
    try:
        a = _parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    try:
        if a.cmd == "inspect":
            return _inspect(a.text, a.json)
        if a.cmd == "key":
            print(moji.key(a.text))
            return 0
        if a.cmd == "kana-key":
            print(moji.kana_key(a.text))
            return 0
        if a.cmd == "degrade":
            return _degrade(a.text, a.to)
        if a.cmd == "lookup":
            return _lookup(a.name, a.json)
    except moji.MojiError as e:
        print(f"jichitai moji: {e.message_ja} / {e.message_en}", file=sys.stderr)
        return 1
    return 2
