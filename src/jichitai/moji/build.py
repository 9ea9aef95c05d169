"""Build the packaged MJ artefacts from the CSVs in ``../shared/data/mj`` (run at development time).

    python -m jichitai.moji.build [--src ../shared/data/mj] [--out src/jichitai/moji/data]

Writes ``mj.json.gz`` (what identify/key/degrade need; loaded on first use) and
``mj_index.json.gz`` (readings, radical/stroke index and every shrink link; only the 外字同定
worklist loads it). The output is deterministic: same CSVs + same Python give the same bytes, and a
test rebuilds and compares. This module must never be imported at run time by the library: it is
the only place that reads CSV, and the only place that decides which 縮退マップ links fold.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "jichitai.moji/1"
DEFAULT_SRC = Path("../shared/data/mj")
DEFAULT_OUT = Path(__file__).resolve().parent / "data"

# 縮退マップ link kinds. Only FOLD_KINDS mean "the same character" and fold in the matching key.
KIND_JIS = "jis"  # JIS包摂規準・UCS統合規則
KIND_KOSEKI = "koseki"  # 戸籍統一文字情報 親字・正字
KIND_KOKUJI_ITAIJI = "kokuji1"  # 法務省告示582号別表第四 表一 (異体字)
KIND_KOKUJI_RUIJI = "kokuji2"  # 告示582号 表二 (類字: look-alikes, never folded)
KIND_M2842 = "m2842"  # 民一2842号 誤字俗字・正字一覧表 (not folded, see docs/moji.md)
KIND_M5202 = "m5202"  # 民二5202号 正字・俗字等対照表 (not folded)
KIND_BETSUJI = "betsuji"  # 付記=別字: the notice says the two are different; a cannot-link
KIND_DICT = "dict"  # 辞書類等による関連字
KIND_GUESS = "guess"  # 読み・字形による類推
KIND_CANONICAL = "canonical"  # Unicode canonical decomposition of a CJK compatibility ideograph
FOLD_KINDS = (KIND_JIS, KIND_KOSEKI, KIND_KOKUJI_ITAIJI)
LINK_KINDS = (
    KIND_JIS,
    KIND_KOSEKI,
    KIND_KOKUJI_ITAIJI,
    KIND_KOKUJI_RUIJI,
    KIND_M2842,
    KIND_M5202,
    KIND_BETSUJI,
    KIND_DICT,
    KIND_GUESS,
)

# The README's lesson 2: 斎 and 斉 are different characters. No row marks them 別字, so we add it.
EXTRA_CANNOT_LINK = (("斎", "斉", "README lesson 2: 齊 is the old form of 斉, not of 斎"),)

NTA_KUBUN = ("", "JIS1水", "JIS2水", "非漢字", "JIS3水", "JIS4水", "追加非漢字")
POLICY = ("", "常用漢字", "人名用漢字")


def _read(src: Path, name: str) -> Iterator[dict[str, str]]:
    with (src / name).open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def _cp(u: str) -> str:
    """``U+9AD9`` / ``9AD9`` / ``u+9ad9`` → the character."""
    return chr(int(u.strip().upper().removeprefix("U+"), 16))


def _seq(base_sel: str) -> str:
    """``9089_E010F`` → the IVS as a string."""
    base, sel = base_sel.split("_")
    return chr(int(base, 16)) + chr(int(sel, 16))


def link_kind(row: dict[str, str]) -> str:
    """The kind of one mj_shrink_map.csv row (see docs/moji.md, "Which links fold")."""
    if row["付記"] == "別字":
        return KIND_BETSUJI
    category = row["分類"]
    if category == "JIS包摂規準・UCS統合規則":
        return KIND_JIS
    if category == "法務省告示582号別表第四":
        return KIND_KOKUJI_ITAIJI if row["表"] == "一" else KIND_KOKUJI_RUIJI
    if category == "法務省戸籍法関連通達・通知":
        sub = row["種別"]
        if sub == "戸籍統一文字情報 親字・正字":
            return KIND_KOSEKI
        if sub.startswith("民一2842号"):
            return KIND_M2842
        if sub.startswith("民二5202号"):
            return KIND_M5202
        raise ValueError(f"unknown 種別 {sub!r}")
    if category == "辞書類等による関連字":
        return KIND_DICT
    if category == "読み・字形による類推":
        return KIND_GUESS
    raise ValueError(f"unknown 分類 {category!r}")


@dataclass
class FoldResult:
    rep: dict[str, str]  # node -> representative, non-identity only
    unresolved: list[list[str]]  # [source, targets, reason, MJs]
    cannot: list[list[str]]  # [a, b, why]


@dataclass
class _UnionFind:
    cannot: dict[str, set[str]]
    policy: dict[str, int]
    parent: dict[str, str] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)

    def find(self, x: str) -> str:
        while (p := self.parent.get(x, x)) != x:
            x = p
        return x

    def group(self, root: str) -> set[str]:
        return self.members.get(root, {root})

    def union(self, a: str, b: str) -> str | None:
        """Merge the classes of a and b; return the refusal reason instead when it is forbidden."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        ga, gb = self.group(ra), self.group(rb)
        banned = set().union(*(self.cannot.get(x, set()) for x in ga))
        if banned & gb:
            return "betsuji"
        joyo_a = {x for x in ga if self.policy.get(x) == 1}
        joyo_b = {x for x in gb if self.policy.get(x) == 1}
        if joyo_a and joyo_b:
            return "two-joyo"
        if rb < ra:
            ra, rb, ga, gb = rb, ra, gb, ga
        self.parent[rb] = ra
        self.members[ra] = ga | gb
        self.members.pop(rb, None)
        return None


def compute_fold(
    links: list[tuple[str, str, str, str, bool]],
    policy: dict[str, int],
    jis_level: dict[str, int],
) -> FoldResult:
    """Union-find over code points with cannot-links (docs/moji.md, "Matching key").

    ``links`` are (mj, source code point, target, kind, source-is-primary). A source's fold targets
    come from its primary MJ (the glyph the plain code point prints) when it has one: IVS-only
    glyphs sharing the code point are sometimes a different character (玉+E0102 is 王), and the key
    drops the selector, so they must not drag the code point along.
    """
    cannot: dict[str, set[str]] = defaultdict(set)
    cannot_rows: list[list[str]] = []
    primary_t: dict[str, set[str]] = defaultdict(set)
    other_t: dict[str, set[str]] = defaultdict(set)
    mjs: dict[str, set[str]] = defaultdict(set)
    has_primary: set[str] = set()
    for mj, src, tgt, kind, primary in links:
        if primary:
            has_primary.add(src)
        if kind == KIND_BETSUJI and src != tgt:
            cannot[src].add(tgt)
            cannot[tgt].add(src)
            cannot_rows.append([src, tgt, f"{mj} 付記=別字"])
        if kind in FOLD_KINDS and src != tgt:
            (primary_t if primary else other_t)[src].add(tgt)
            mjs[src].add(mj)
    for a, b, why in EXTRA_CANNOT_LINK:
        cannot[a].add(b)
        cannot[b].add(a)
        cannot_rows.append([a, b, why])
    targets: dict[str, set[str]] = {}
    for src in set(primary_t) | set(other_t):
        if src in has_primary:
            if src in primary_t:
                targets[src] = primary_t[src]
        else:
            targets[src] = other_t[src]
    uf = _UnionFind(cannot=cannot, policy=policy)
    unresolved: list[list[str]] = []

    def record(src: str, reason: str) -> None:
        unresolved.append([src, "".join(sorted(targets[src])), reason, " ".join(sorted(mjs[src]))])

    # Pass 0: a CJK compatibility ideograph is canonically equivalent to its unified ideograph (NFC
    # maps one to the other), and MJ reaches the same glyph both ways (FA5E and 8279+E0104), so they
    # are one node before any 縮退マップ link is looked at. A 別字 link can still refuse it.
    for c in [*range(0xF900, 0xFB00), *range(0x2F800, 0x2FA20)]:
        ch = chr(c)
        d = unicodedata.normalize("NFC", ch)
        if d != ch and len(d) == 1:
            reason = uf.union(ch, d)
            if reason:
                unresolved.append([ch, d, reason, "NFC"])

    # Pass 1: sources with one target. Pass 2 (to a fixed point): a source with several targets
    # folds only once all its targets are already one class (邉 → 辺 and 邊, after 邊 → 辺);
    # otherwise it is ambiguous (㐪 → 亥 or 宛) and stays alone.
    pending = []
    for src in sorted(targets):
        if len(targets[src]) == 1:
            reason = uf.union(src, next(iter(targets[src])))
            if reason:
                record(src, reason)
        else:
            pending.append(src)
    changed = True
    while changed:
        changed = False
        rest = []
        for src in pending:
            roots = {uf.find(t) for t in targets[src]}
            if len(roots) == 1:
                reason = uf.union(src, min(targets[src]))
                if reason:
                    record(src, reason)
                changed = True
            else:
                rest.append(src)
        pending = rest
    for src in pending:
        record(src, "ambiguous")

    def rank(ch: str) -> tuple[int, int, int, int]:
        # 常用 before 人名用 before JIS level 1, 2, 3/4, then NFKC-stable, then the smallest code point.
        prank = {1: 0, 2: 1}.get(policy.get(ch, 0), 2)
        unstable = 0 if unicodedata.normalize("NFKC", ch) == ch else 1
        return (prank, jis_level.get(ch, 9), unstable, ord(ch))

    rep: dict[str, str] = {}
    for group in uf.members.values():
        best = min(group, key=rank)
        for ch in group:
            if ch != best:
                rep[ch] = best
    unresolved.sort()
    cannot_rows.sort()
    return FoldResult(rep=rep, unresolved=unresolved, cannot=cannot_rows)


def build(src: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read the CSVs and return (core, index) artefact payloads."""
    mji = list(_read(src, "mji.csv"))
    names = [r["MJ文字図形名"] for r in mji]
    idx = {n: i for i, n in enumerate(names)}

    policy: dict[str, int] = {}
    col: dict[str, list[Any]] = defaultdict(list)
    for r in mji:
        ucs = r["実装したUCS"]
        col["num"].append(int(r["MJ文字図形名"][2:]))
        col["ucs"].append(_cp(ucs) if ucs else "")
        col["corr"].append(_cp(r["対応するUCS"]) if r["対応するUCS"] else "")
        col["ivs"].append(
            ";".join(_seq(s) for s in r["実装したMoji_JohoコレクションIVS"].split(";") if s)
        )
        col["svs"].append(";".join(_seq(s) for s in r["実装したSVS"].split(";") if s))
        col["koseki"].append(r["戸籍統一文字番号"])
        col["juki"].append(r["住基ネット統一文字コード"])
        col["x0213"].append(r["X0213"])
        col["x0213_kubun"].append(r["X0213_包摂区分"])
        col["x0212"].append(r["X0212"])
        col["policy"].append(POLICY.index(r["漢字施策"]))
        col["strokes"].append(int(r["総画数"]) if r["総画数"] else 0)
        col["nyukan"].append(r["入管正字コード"])
        col["note"].append(r["備考"])
        if ucs and r["漢字施策"]:
            policy[_cp(ucs)] = POLICY.index(r["漢字施策"])

    # 国税庁 map: the JIS X 0213 repertoire (+ half-width rows) and the way down to JIS X 0208.
    nta: dict[str, list[Any]] = {}
    similar: dict[str, str] = {}
    jis_level: dict[str, int] = {}
    for r in _read(src, "nta_jis_shrink_map.csv"):
        ch = "".join(_cp(u) for u in r["変換元_UCS"].split())
        code = "".join(_cp(u) for u in r["コード変換_UCS"].split())
        string = "".join(_cp(u) for u in r["文字列変換_UCS"].split())
        kubun = NTA_KUBUN.index(r["JIS区分"])
        nta[ch] = [kubun, r["変換元_面区点"], code, string]
        jis_level[ch] = kubun if kubun in (1, 2) else 3 if kubun in (4, 5) else 9
        note = r["備考"]
        if note.startswith("類似字形u+"):
            similar[_cp(note[len("類似字形") : len("類似字形") + 6])] = ch

    # 縮退マップ links, with the source as a code point (the key drops selectors).
    links: list[tuple[str, str, str, str, bool]] = []
    link_rows: list[list[Any]] = []
    for r in _read(src, "mj_shrink_map.csv"):
        mj = r["MJ文字図形名"]
        m = mji[idx[mj]]
        if r["縮退元_実装したUCS"]:
            source, primary = _cp(r["縮退元_実装したUCS"]), True
        elif r["縮退元_Moji_JohoIVS"]:
            source, primary = _seq(r["縮退元_Moji_JohoIVS"])[0], False
        elif m["対応するUCS"]:
            source, primary = _cp(m["対応するUCS"]), False
        else:
            continue
        kind = link_kind(r)
        target = _cp(r["縮退先UCS"])
        links.append((mj, source, target, kind, primary))
        link_rows.append([idx[mj], target, LINK_KINDS.index(kind)])
    fold = compute_fold(links, policy, jis_level)

    mjsu = [""] * len(mji)
    for r in _read(src, "mj_shrink_unique.csv"):
        mjsu[idx[r["MJ文字図形名"]]] = _cp(r["変換先UCS"])

    # IVD: sequences of other collections. A base+selector also registered as Moji_Joho is the same
    # glyph and needs nothing. Hanyo-Denshi ids KSnnnnnn / JTxxxx carry the 戸籍統一文字番号 /
    # 住基ネット統一文字コード, which lead to an MJ row (docs/moji.md, "Other IVD collections").
    koseki = {r["戸籍統一文字番号"]: i for i, r in enumerate(mji) if r["戸籍統一文字番号"]}
    juki = {
        r["住基ネット統一文字コード"]: i for i, r in enumerate(mji) if r["住基ネット統一文字コード"]
    }
    by_seq: dict[str, dict[str, str]] = defaultdict(dict)
    for r in _read(src, "ivd_sequences.csv"):
        s = chr(int(r["基底文字"], 16)) + chr(int(r["異体字セレクタ"], 16))
        by_seq[s][r["コレクション"]] = r["シーケンス識別子"]
    ivd_other: dict[str, list[str]] = {}
    for s, colls in sorted(by_seq.items()):
        if "Moji_Joho" in colls:
            continue
        coll = sorted(colls)[0]
        ident = colls[coll]
        via = ""
        hd = colls.get("Hanyo-Denshi", "")
        hit: int | None = None
        if hd.startswith("KS"):
            hit = koseki.get(hd[2:])
        elif hd.startswith("JT"):
            hit = juki.get("J+" + hd[2:])
        if hit is not None:
            canon = col["ucs"][hit] or col["ivs"][hit].split(";")[0]
            if canon and canon[0] == s[0]:
                via = canon
        mj_name = names[hit] if via and hit is not None else ""
        ivd_other[s] = ["+".join(sorted(colls)), ident, via, mj_name]
    hentaigana = {r["文字"]: r["MJ文字図形名"] for r in _read(src, "mjih_hentaigana.csv")}

    core: dict[str, Any] = {
        "format": FORMAT,
        "unicode_version": unicodedata.unidata_version,
        "sources": {
            "mji": "MJ文字情報一覧表 Ver.006.02",
            "shrink_map": "MJ縮退マップ Ver.1.2.0",
            "mjsu": "MJSU.1.2.0",
            "ivd": "IVD 2022-09-13",
            "nta": "国税庁 JIS縮退マップ 1.0.0",
            "hentaigana": "MJ文字情報一覧表 変体仮名編 Ver.002.01",
        },
        "mj": dict(col) | {"mjsu": mjsu},
        "fold": fold.rep,
        "fold_unresolved": fold.unresolved,
        "cannot_link": fold.cannot,
        "nta": nta,
        "nta_similar": similar,
        "ivd_other": ivd_other,
        "hentaigana": hentaigana,
    }
    readings: list[str] = [""] * len(mji)
    per: dict[int, list[str]] = defaultdict(list)
    for r in _read(src, "mji_reading.csv"):
        per[idx[r["MJ文字図形名"]]].append(r["読み"])
    for i, rs in per.items():
        readings[i] = " ".join(rs)
    rsindex: list[list[int]] = [[] for _ in mji]
    for r in _read(src, "mji_rsindex.csv"):
        inner = r["内画数"]  # "-" (51 rows): not given
        rsindex[idx[r["MJ文字図形名"]]] += [int(r["部首"]), int(inner) if inner != "-" else -1]
    index: dict[str, Any] = {
        "format": FORMAT,
        "link_kinds": list(LINK_KINDS),
        "readings": readings,
        "rsindex": rsindex,
        "links": link_rows,
    }
    return core, index


def encode(payload: dict[str, Any]) -> bytes:
    """Deterministic gzip'd JSON: sorted keys, no timestamps, no file name in the gzip header."""
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m jichitai.moji.build", description=__doc__.splitlines()[0]
    )
    p.add_argument("--src", type=Path, default=DEFAULT_SRC, help="directory with the MJ CSVs")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="package data directory")
    a = p.parse_args(argv)
    if not (a.src / "mji.csv").exists():
        print(f"MJ データがありません / no MJ data at {a.src}", file=sys.stderr)
        return 2
    core, index = build(a.src)
    a.out.mkdir(parents=True, exist_ok=True)
    for name, payload in (("mj.json.gz", core), ("mj_index.json.gz", index)):
        data = encode(payload)
        (a.out / name).write_bytes(data)
        print(f"{a.out / name}: {len(data):,} bytes")
    print(
        f"fold: {len(core['fold'])} code points folded, {len(core['fold_unresolved'])} left alone"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
