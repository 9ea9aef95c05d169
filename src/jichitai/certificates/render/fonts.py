"""IPAmj明朝: where the font is, what it can draw, and whether HarfBuzz can subset it.

The coverage check reads the font's own cmap (format 4/12 for code points, format 14 for variation
sequences) so that a character the font cannot draw is refused before rendering. Pango would
otherwise fall back to another font, or drop a selector and print the base glyph: both print a
character other than the one in the register.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from jichitai.moji.chars import is_selector, split

# Debian fonts-ipamj-mincho
DEBIAN_FONT = Path("/usr/share/fonts/truetype/ipamj/ipamjm.ttf")
FAMILY = "IPAmj明朝"
# WeasyPrint needs hb_set_add_sorted_array (HarfBuzz 4.1.0) to subset with HarfBuzz
HARFBUZZ_MIN = (4, 1, 0)
# characters that are layout, not ink: never looked up in the font
_LAYOUT = frozenset(" \t\n\r\f\u00a0\u200b")


class RenderError(Exception):
    """Rendering cannot go on; the message says why in Japanese."""


class FontMissingError(RenderError):
    pass


class SubsettingUnavailableError(RenderError):
    pass


class UndrawableCharactersError(RenderError):
    """Characters IPAmj明朝 cannot draw as stored: issuance stops and they go to the 外字 list."""

    def __init__(self, characters: list[str]) -> None:
        self.characters = characters
        self.codes = [code_points(c) for c in characters]
        # (person id or None, item, character, code): filled by render_certificate for the 外字 list
        self.found: list[tuple[int | None, str, str, str]] = []
        listed = "、".join(f"{c}（{code}）" for c, code in zip(characters, self.codes, strict=True))
        super().__init__(
            f"IPAmj明朝で印字できない文字があるため発行を中止しました: {listed}。"
            "外字一覧で字形を確認してください。"
        )


def code_points(seq: str) -> str:
    """``U+8FBB U+E0102``: how a character is named in messages and the 外字 list."""
    return " ".join(f"U+{ord(c):04X}" for c in seq)


def font_path() -> Path:
    """The IPAmj明朝 file: Debian's path, else what fontconfig finds for the family."""
    if DEBIAN_FONT.is_file():
        return DEBIAN_FONT
    if shutil.which("fc-match"):
        out = subprocess.run(
            ["fc-match", f"{FAMILY}:style=Regular", "--format=%{family}\n%{file}"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.splitlines()
        if len(out) == 2 and "IPAmj" in out[0] and Path(out[1]).is_file():
            return Path(out[1]).resolve()
    raise FontMissingError(
        "IPAmj明朝が見つかりません。Debian パッケージ fonts-ipamj-mincho を入れてください"
        "（scripts/system_deps.sh test）。"
    )


def check_subsetting() -> None:
    """Refuse to run when WeasyPrint would subset fonts with fontTools (about 8× slower).

    WeasyPrint (pdf/fonts.py) subsets with HarfBuzz when it could load libharfbuzz-subset and
    HarfBuzz is at least 4.1.0; we ask the same two things of the same module.
    """
    from weasyprint.pdf import fonts as wp_fonts

    if wp_fonts.harfbuzz_subset is None:
        raise SubsettingUnavailableError(
            "HarfBuzz のサブセット化ライブラリ（Debian libharfbuzz-subset0）がありません。"
            "これなしでは PDF の作成が約8倍遅くなるため、証明書の印刷を開始しません。"
        )
    if not wp_fonts.harfbuzz.hb_version_atleast(*HARFBUZZ_MIN):
        raise SubsettingUnavailableError(
            "HarfBuzz が古すぎます（4.1.0 以上が必要）。証明書の印刷を開始しません。"
        )


@dataclass(frozen=True)
class Coverage:
    """What the font maps: code points, and variation sequences (base, selector)."""

    chars: frozenset[int]
    sequences: frozenset[tuple[int, int]]

    def drawable(self, seq: str) -> bool:
        """True when every code point is in the font and a selector is one the font maps."""
        if not all(ord(c) in self.chars for c in seq if not is_selector(c)):
            return False
        selectors = [c for c in seq if is_selector(c)]
        if not selectors:
            return True
        # one selector on the base: the font's format 14 table must list the pair, else HarfBuzz
        # would print the base's default glyph for a variant the register did not store
        return len(selectors) == 1 and (ord(seq[0]), ord(selectors[0])) in self.sequences

    def undrawable(self, text: str) -> list[str]:
        """The characters of ``text`` the font cannot draw, each once, in order of appearance."""
        bad: dict[str, None] = {}
        for _, seq in split(text):
            if seq in _LAYOUT or unicodedata.category(seq[0]) == "Cc":
                continue
            if not self.drawable(seq):
                bad[seq] = None
        return list(bad)


@functools.cache
def coverage(path: Path | None = None) -> Coverage:
    """Read the cmap once per process (about 55,000 code points and 9,000 sequences)."""
    from fontTools.ttLib import TTFont

    font = TTFont(path or font_path(), lazy=True)
    chars = frozenset(font.getBestCmap())
    sequences: set[tuple[int, int]] = set()
    for table in font["cmap"].tables:
        if table.format == 14:
            for selector, pairs in table.uvsDict.items():
                # a pair with no glyph is a "default" sequence: the base's own glyph is right
                sequences.update((base, selector) for base, _glyph in pairs)
    font.close()
    return Coverage(chars, frozenset(sequences))
