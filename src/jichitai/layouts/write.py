"""Write rows in a layout: CSV (Japanese header, CRLF, minimal quoting) or fixed width.

For CP932 and EUC-JP targets a character the encoding lacks is 縮退 through `jichitai.moji.degrade`
(JIS X 0208) and every changed value is listed in `WriteResult.degraded`; nothing is dropped or
truncated silently: a value longer than its item is an error.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from jichitai import wareki
from jichitai.moji import degrade
from jichitai.moji.chars import split
from jichitai.moji.degrade import GETA

from .encodings import canonical
from .model import Item, Layout, LayoutError, PartialDate
from .values import char_count, encode_value

_DEGRADING = ("cp932", "euc-jp")


@dataclass(frozen=True)
class Degraded:
    """One value changed to fit the target encoding: where, and what it was and became."""

    line: int
    key: str
    before: str
    after: str


@dataclass(frozen=True)
class WriteResult:
    rows: int
    degraded: list[Degraded] = field(default_factory=list)
    encoding: str = ""


def encode_row(values: Mapping[str, object], layout: Layout) -> dict[str, str]:
    """The raw text of every item (key → text, "" when empty), as the layout writes it.

    An item the values do not give is derived where the layout links it: the 不詳フラグ and 不詳表記
    of a partial date, and the 元号 printed beside a date.
    """
    derived = dict(values)
    for it in layout.items:
        v = values.get(it.key)
        if it.type == "partial_date" and v is not None:
            if it.unknown_flag not in values:
                derived[it.unknown_flag] = isinstance(v, PartialDate)
            if it.unknown_text not in values and isinstance(v, PartialDate):
                derived[it.unknown_text] = v.text
        if it.era and it.era not in values and isinstance(v, dt.date):
            era = wareki.era_of(v)
            derived[it.era] = era[0] if era else None
    return {it.key: encode_value(it, derived.get(it.key), layout) for it in layout.items}


def fit(text: str, codec: str) -> str:
    """``text`` with each character ``codec`` cannot hold degraded (JIS X 0208), else 〓."""
    try:
        text.encode(codec)
        return text
    except UnicodeEncodeError:
        pass
    out: list[str] = []
    for _, ch in split(text):
        try:
            ch.encode(codec)
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        rep = degrade(ch, "jisx0208").text
        try:
            rep.encode(codec)
        except UnicodeEncodeError:
            rep = GETA
        out.append(rep)
    return "".join(out)


def _too_long(line: int, it: Item, text: str, size: int, unit: tuple[str, str]) -> LayoutError:
    return LayoutError(
        [
            f"{line}行目 「{it.name}」({it.key}): 値 {text!r} は {size}{unit[0]} で、"
            f"最大 {it.length}{unit[0]} を超えます(切り詰めません)",
            f"line {line}, {it.key}: value {text!r} is {size} {unit[1]}, more than {it.length}"
            " (not truncated)",
        ]
    )


def _byte_codec(codec: str) -> str:
    return {"utf-16": "utf-16-le", "utf-8-sig": "utf-8"}.get(codec, codec)


def _fixed_field(line: int, it: Item, text: str, codec: str) -> str:
    if "\n" in text or "\r" in text:
        raise LayoutError(
            [
                f"{line}行目 「{it.name}」({it.key}): 固定長のレコードに改行は書けません: {text!r}",
                f"line {line}, {it.key}: a fixed-width record cannot hold a line break: {text!r}",
            ]
        )
    size = len(text.encode(_byte_codec(codec)))
    if size > it.length:
        raise _too_long(line, it, text, size, ("バイト", "bytes"))
    space = len(" ".encode(_byte_codec(codec)))
    return text + " " * ((it.length - size) // space)


def _codec(encoding: str) -> str:
    name = canonical(encoding)
    return "utf-16" if name == "utf-16" else name


def write_rows(
    path: Path,
    layout: Layout,
    rows: Iterable[Mapping[str, object]],
    *,
    encoding: str = "utf-8",
    include_restricted: bool = False,
    newline: str = "\r\n",
) -> WriteResult:
    """Write ``rows`` to ``path`` in ``layout``; restricted items stay empty unless included."""
    codec = _codec(encoding)
    degraded: list[Degraded] = []
    count = 0
    fixed = layout.format == "fixed"
    with Path(path).open("wb") as raw_f, io.TextIOWrapper(raw_f, encoding=codec, newline="") as f:
        writer = csv.writer(f, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
        line = 0
        if layout.header and not fixed:
            writer.writerow([it.name for it in layout.items])
            line = 1
        for values in rows:
            line += 1
            raw = encode_row(values, layout)
            out: list[str] = []
            for it in layout.items:
                text = raw[it.key] if include_restricted or not it.restricted else ""
                if codec in _DEGRADING and not text.isascii():
                    after = fit(text, codec)
                    if after != text:
                        degraded.append(Degraded(line, it.key, text, after))
                        text = after
                if fixed:
                    gap = it.start - 1 - sum(len(x.encode(_byte_codec(codec))) for x in out)
                    out.append(" " * (gap // len(" ".encode(_byte_codec(codec)))))
                    out.append(_fixed_field(line, it, text, codec))
                elif it.length and len(text) > it.length and char_count(text) > it.length:
                    raise _too_long(line, it, text, char_count(text), ("文字", "characters"))
                else:
                    out.append(text)
            if fixed:
                f.write("".join(out) + newline)
            else:
                writer.writerow(out)
            count += 1
    return WriteResult(count, degraded, canonical(encoding))
