"""Which encoding a file is in, and its physical lines as bytes (so errors have a byte offset).

Detection (when the caller does not say): a BOM decides; a NUL byte means UTF-16; else strict UTF-8,
unless that reading holds characters no Japanese file has while CP932 or EUC-JP reads cleanly; else
CP932 against EUC-JP, whichever decodes the first megabyte with fewer errors and fewer unusual
characters (private use, half-width katakana: what one of them makes of the other's bytes).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

SAMPLE = 1 << 20

_NAMES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf_8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf_8_sig": "utf-8-sig",
    "utf8-sig": "utf-8-sig",
    "cp932": "cp932",
    "ms932": "cp932",
    "windows-31j": "cp932",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "s-jis": "cp932",
    "euc-jp": "euc-jp",
    "euc_jp": "euc-jp",
    "eucjp": "euc-jp",
    "utf-16": "utf-16",
    "utf16": "utf-16",
    "utf-16-le": "utf-16-le",
    "utf-16le": "utf-16-le",
    "utf_16_le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "utf-16be": "utf-16-be",
    "utf_16_be": "utf-16-be",
}
SUPPORTED = ("utf-8", "utf-8-sig", "cp932", "euc-jp", "utf-16", "utf-16-le", "utf-16-be")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)


class EncodingNameError(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"文字コード {name!r} には対応していません(対応: {', '.join(SUPPORTED)}) / "
            f"unsupported encoding {name!r} (supported: {', '.join(SUPPORTED)})"
        )


def canonical(name: str) -> str:
    """The name we use for an encoding a person typed (Shift_JIS, MS932, eucJP … → cp932, euc-jp)."""
    got = _NAMES.get(name.strip().lower().replace(" ", ""))
    if got is None:
        raise EncodingNameError(name)
    return got


@dataclass(frozen=True)
class Source:
    """How to read a file: ``name`` as reported, ``codec`` for each line, ``bom`` bytes to skip."""

    name: str
    codec: str
    bom: bytes = b""

    @property
    def newline(self) -> bytes:
        return "\n".encode(self.codec)


def _decoded(sample: bytes, codec: str) -> str:
    return codecs.getincrementaldecoder(codec)(errors="replace").decode(sample, final=False)


def _score(sample: bytes, codec: str) -> tuple[int, int]:
    text = _decoded(sample, codec)
    unusual = sum(1 for ch in text if 0xFF61 <= ord(ch) <= 0xFF9F or 0xE000 <= ord(ch) <= 0xF8FF)
    return text.count("\ufffd"), unusual


def _odd(text: str) -> int:
    """Characters unlikely in a Japanese data file (what UTF-16 read the wrong way round gives)."""
    return sum(
        1
        for ch in text
        if not (
            ch < "\x7f"
            or "\u3000" <= ch <= "\u30ff"
            or "\u4e00" <= ch <= "\u9fff"
            or "\uff00" <= ch <= "\uffef"
        )
    )


def _utf16_guess(sample: bytes) -> str | None:
    if b"\x00" not in sample:  # CP932, EUC-JP and UTF-8 text never holds a NUL byte
        return None
    even = sample[: len(sample) // 2 * 2]
    le = _odd(even.decode("utf-16-le", errors="replace"))
    be = _odd(even.decode("utf-16-be", errors="replace"))
    return "utf-16-le" if le <= be else "utf-16-be"


def detect(head: bytes) -> Source:
    """Guess the encoding from the first bytes of a file (see the module docstring)."""
    for bom, name, codec in _BOMS:
        if head.startswith(bom):
            return Source(name, codec, bom)
    guess = _utf16_guess(head[:4096])
    if guess is not None:
        return Source(guess, guess)
    sjis, euc = _score(head, "cp932"), _score(head, "euc-jp")
    legacy = Source("cp932", "cp932") if sjis <= euc else Source("euc-jp", "euc-jp")
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < SAMPLE)
    except UnicodeDecodeError:
        return legacy
    if _odd(text) == 0 or min(sjis, euc) != (0, 0) or _odd(_decoded(head, legacy.codec)):
        return Source("utf-8", "utf-8")
    return legacy  # a short CP932/EUC-JP text can be valid UTF-8 too: Ƿ, ƣ … are no Japanese file


def resolve(head: bytes, told: str | None) -> Source:
    """The encoding to read with: the one told (a BOM still skipped), else detected."""
    if not told:
        return detect(head)
    name = canonical(told)
    if name.startswith("utf-8"):
        if head.startswith(codecs.BOM_UTF8):
            return Source("utf-8-sig", "utf-8", codecs.BOM_UTF8)
        return Source("utf-8", "utf-8")
    if name.startswith("utf-16"):
        for bom, bom_name, codec in _BOMS[1:]:
            if head.startswith(bom) and name in ("utf-16", codec):
                return Source(bom_name, codec, bom)
        codec = "utf-16-le" if name == "utf-16" else name
        return Source(codec, codec)
    return Source(name, name)


def byte_lines(f: BinaryIO, src: Source) -> Iterator[tuple[int, bytes]]:
    """(byte offset, physical line with its newline) for each line, the BOM skipped; streaming."""
    offset = len(src.bom)
    f.seek(offset)
    if not src.codec.startswith("utf-16"):
        for line in f:
            yield offset, line
            offset += len(line)
        return
    nl = src.newline
    buf = b""
    while chunk := f.read(SAMPLE):
        buf += chunk
        start = 0
        while True:
            i = buf.find(nl, start)
            while i != -1 and (i - start) % 2:
                i = buf.find(nl, i + 1)
            if i == -1:
                break
            yield offset, buf[start : i + 2]
            offset += i + 2 - start
            start = i + 2
        buf = buf[start:]
    if buf:
        yield offset, buf


def strip_newline(line: bytes, src: Source) -> bytes:
    """The line without its CRLF or LF (in the source encoding)."""
    for end in ("\r\n", "\n"):
        e = end.encode(src.codec)
        if line.endswith(e):
            return line[: -len(e)]
    return line
