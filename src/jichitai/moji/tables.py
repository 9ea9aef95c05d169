"""The loaded MJ tables: read once per process from the packaged artefact, on first use.

Never reads ../shared or any CSV (that is `build.py`'s job), never writes, and never imports Django:
a web worker, a migration job and the CLI all share this one immutable object.
"""

from __future__ import annotations

import gzip
import json
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .errors import ArtefactMissingError

DATA_DIR = Path(__file__).resolve().parent / "data"
CORE = DATA_DIR / "mj.json.gz"
INDEX = DATA_DIR / "mj_index.json.gz"
FORMAT = "jichitai.moji/1"

# NTA JIS区分 codes as stored in the artefact (build.NTA_KUBUN).
KUBUN_NAMES = ("半角", "JIS1水", "JIS2水", "非漢字", "JIS3水", "JIS4水", "追加非漢字")
X0208_KUBUN = frozenset({0, 1, 2, 3})  # 1・2水 kanji, 非漢字 (1・2水), and the half-width rows


def _load(path: Path) -> dict[str, Any]:
    try:
        with gzip.open(path, "rb") as f:
            payload: dict[str, Any] = json.loads(f.read())
    except OSError as e:
        raise ArtefactMissingError(
            f"MJ データ {path.name} を読めません。python -m jichitai.moji.build で作り直してください",
            f"cannot read MJ artefact {path}: {e}; rebuild with python -m jichitai.moji.build",
        ) from e
    if payload.get("format") != FORMAT:
        raise ArtefactMissingError(
            f"MJ データ {path.name} の形式が違います", f"{path} is not format {FORMAT}"
        )
    return payload


@dataclass(frozen=True)
class NtaRow:
    """One 国税庁 JIS縮退マップ row: the JIS X 0213 character and its way down to JIS X 0208."""

    kubun: int  # index into KUBUN_NAMES
    men_ku_ten: str
    code: str  # コード変換 (one character) or ""
    string: str  # 文字列変換 (one or more characters) or ""


class Tables:
    """Column arrays of mji.csv plus derived look-ups. Index ``i`` is the i-th MJ row."""

    def __init__(self, core: dict[str, Any]) -> None:
        mj = core["mj"]
        self.num: list[int] = mj["num"]
        self.ucs: list[str] = mj["ucs"]
        self.corr: list[str] = mj["corr"]
        self.ivs: list[str] = mj["ivs"]
        self.svs: list[str] = mj["svs"]
        self.koseki: list[str] = mj["koseki"]
        self.juki: list[str] = mj["juki"]
        self.x0213: list[str] = mj["x0213"]
        self.x0213_kubun: list[str] = mj["x0213_kubun"]
        self.x0212: list[str] = mj["x0212"]
        self.policy: list[int] = mj["policy"]
        self.strokes: list[int] = mj["strokes"]
        self.nyukan: list[str] = mj["nyukan"]
        self.note: list[str] = mj["note"]
        self.mjsu: list[str] = mj["mjsu"]
        self.fold: dict[str, str] = core["fold"]
        self.fold_unresolved: list[list[str]] = core["fold_unresolved"]
        self.cannot_link: list[list[str]] = core["cannot_link"]
        self.nta_raw: dict[str, list[Any]] = core["nta"]
        self.nta_similar: dict[str, str] = core["nta_similar"]
        self.ivd_other: dict[str, list[str]] = core["ivd_other"]
        self.hentaigana: dict[str, str] = core["hentaigana"]
        self.sources: dict[str, str] = core["sources"]
        self.unicode_version: str = core["unicode_version"]
        # The look-ups every call needs, built eagerly (cheap: one pass over 58k rows).
        self.by_char: dict[str, int] = {c: i for i, c in enumerate(self.ucs) if c}
        by_seq: dict[str, int] = {}
        for i, (ivs, svs) in enumerate(zip(self.ivs, self.svs, strict=True)):
            for s in (*ivs.split(";"), *svs.split(";")):
                if s:
                    by_seq[s] = i
        self.by_seq = by_seq
        self.x0213_set: frozenset[str] = frozenset(self.nta_raw)
        self.x0208_set: frozenset[str] = frozenset(
            c for c, r in self.nta_raw.items() if r[0] in X0208_KUBUN
        )

    def __len__(self) -> int:
        return len(self.num)

    def name(self, i: int) -> str:
        return f"MJ{self.num[i]:06d}"

    @cached_property
    def by_name(self) -> dict[str, int]:
        return {f"MJ{n:06d}": i for i, n in enumerate(self.num)}

    @cached_property
    def by_koseki(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.koseki) if k}

    @cached_property
    def by_juki(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.juki) if k}

    def nta(self, ch: str) -> NtaRow | None:
        r = self.nta_raw.get(ch)
        return None if r is None else NtaRow(r[0], r[1], r[2], r[3])

    def canonical(self, i: int) -> str:
        """The form IPAmj明朝 prints this glyph with: 実装したUCS, else its (first) Moji_Joho IVS."""
        return self.ucs[i] or self.ivs[i].split(";")[0]


class Index:
    """The 外字同定 worklist data: readings, radical/stroke index, every 縮退マップ link."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self.link_kinds: list[str] = payload["link_kinds"]
        self.readings: list[str] = payload["readings"]
        self.rsindex: list[list[int]] = payload["rsindex"]
        self.links: list[list[Any]] = payload["links"]  # [mj index, target char, kind index]


_lock = threading.Lock()
_tables: Tables | None = None
_index: Index | None = None


def tables() -> Tables:
    """The process-wide tables, loaded on first call (thread-safe)."""
    global _tables
    if _tables is None:
        with _lock:
            if _tables is None:
                _tables = Tables(_load(CORE))
    return _tables


def index() -> Index:
    """The worklist index, loaded on first call; only `candidates()` needs it."""
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = Index(_load(INDEX))
    return _index
