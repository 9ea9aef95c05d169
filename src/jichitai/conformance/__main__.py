"""``python -m jichitai.conformance [--items]``: the report per chapter; exit 1 on a problem."""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from . import claims as claims_mod
from .evidence import tests_by_item
from .standard import items


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="jichitai.conformance", description=__doc__)
    p.add_argument("--items", action="store_true", help="list every must item with its claim")
    args = p.parse_args(argv)
    standard, claims, tests = items(), claims_mod.load(), tests_by_item()
    print("住民記録システム標準仕様書 第1.0版: 適合状況 / conformance (src/jichitai/conformance)")
    print("ch  must  impl  tested  n/bind  planned  open | must_not  proven  n/a  open | chapter")
    chapters: dict[int, str] = {}
    for i in standard.values():
        chapters.setdefault(i.chapter, i.section.split(" > ")[0].split(" ", 1)[1])
    for ch, name in sorted(chapters.items()):
        mine = [i for i in standard.values() if i.chapter == ch]
        must = [i for i in mine if i.level == "must"]
        mnot = [i for i in mine if i.level == "must_not"]
        m = Counter(claims[i.key].status if i.key in claims else "" for i in must)
        n = Counter(claims[i.key].status if i.key in claims else "" for i in mnot)
        tested = sum(1 for i in must if tests.get(i.key))
        print(f"{ch:>2}{len(must):>6}{m['implemented']:>6}{tested:>8}{m['not_binding']:>8}"
              f"{m['planned']:>9}{m[''] + m['partial']:>6} |{len(mnot):>9}{n['proven']:>8}"
              f"{n['not_applicable']:>5}{n['']:>6} | {name}")
    print("impl = implemented (実装), tested = a test names it (試験あり), n/bind = not binding on "
          "一般市区町村 (対象外), open = not assessed or partial (未評価・一部), n/a = feature absent (該当なし)")
    print("\nmust_not: 証明するテスト、または該当なしの理由 / the test that proves each, or why n/a")
    for item in (i for i in standard.values() if i.level == "must_not"):
        claim = claims.get(item.key)
        proof = ", ".join(tests.get(item.key, [])) or (claim.reason if claim else "未評価 / not assessed")
        print(f"  [{item.key:>7}] {item.title}: {claim.status if claim else '-'}: {proof}")
    if args.items:
        for item in (i for i in standard.values() if i.level == "must"):
            claim = claims.get(item.key)
            print(f"  [{item.key:>7}] {item.title}: {claim.status if claim else '未評価'}; "
                  f"{', '.join(tests.get(item.key, [])) or 'no test'}")
    found = claims_mod.problems(standard, claims, tests)
    for line in found:
        print(f"問題 / problem: {line}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
