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
    out = dict.fromkeys(layout.items_by_key, "")
    out.update(_given(_derived(values, layout), layout))
    return out


def _derived(values: Mapping[str, object], layout: Layout) -> dict[str, object]:
    derived = dict(values)
    for it in layout.linked_items:
        v = values.get(it.key)
        if it.type == "partial_date" and v is not None:
            if it.unknown_flag not in values:
                derived[it.unknown_flag] = isinstance(v, PartialDate)
            if it.unknown_text not in values and isinstance(v, PartialDate):
                derived[it.unknown_text] = v.text
        if it.era and it.era not in values and isinstance(v, dt.date):
            era = wareki.era_of(v)
            derived[it.era] = era[0] if era else None
    return derived


def _given(derived: Mapping[str, object], layout: Layout) -> dict[str, str]:
    """The raw text of the items ``derived`` gives (most items of a row are empty, and
    ``encode_value`` writes "" for None and "" anyway)."""
    by_key = layout.items_by_key
    return {
        k: encode_value(by_key[k], v, layout)
        for k, v in derived.items()
        if v is not None and v != "" and k in by_key
    }


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


def _fit(line: int, key: str, text: str, codec: str, degraded: list[Degraded]) -> str:
    if codec in _DEGRADING and not text.isascii():
        after = fit(text, codec)
        if after != text:
            degraded.append(Degraded(line, key, text, after))
            return after
    return text


def _fixed_line(
    line: int,
    layout: Layout,
    raw: Mapping[str, str],
    codec: str,
    include_restricted: bool,
    degraded: list[Degraded],
) -> str:
    out: list[str] = []
    for it in layout.items:
        text = raw[it.key] if include_restricted or not it.restricted else ""
        text = _fit(line, it.key, text, codec, degraded)
        gap = it.start - 1 - sum(len(x.encode(_byte_codec(codec))) for x in out)
        out.append(" " * (gap // len(" ".encode(_byte_codec(codec)))))
        out.append(_fixed_field(line, it, text, codec))
    return "".join(out)


def _csv_fields(
    line: int,
    layout: Layout,
    values: Mapping[str, object],
    codec: str,
    include_restricted: bool,
    degraded: list[Degraded],
) -> list[str]:
    """A CSV row's fields: only the items the row gives are encoded, degraded and measured (an
    empty field has nothing to fit), each in every column of its key."""
    out = [""] * len(layout.items)
    columns = _columns(layout)
    changed: list[Degraded] = []
    for key, text in _given(_derived(values, layout), layout).items():
        if not text:
            continue
        for i, it in columns[key]:
            if it.restricted and not include_restricted:
                continue
            written = _fit(line, key, text, codec, changed)
            if it.length and len(written) > it.length and char_count(written) > it.length:
                raise _too_long(line, it, written, char_count(written), ("文字", "characters"))
            out[i] = written
    if changed:  # listed in column order, as a reader of the file meets them
        order = {it.key: i for i, it in reversed(list(enumerate(layout.items)))}
        degraded += sorted(changed, key=lambda d: order[d.key])
    return out


def _columns(layout: Layout) -> dict[str, list[tuple[int, Item]]]:
    got = _COLUMNS.get(id(layout))
    if got is None or got[0] is not layout:
        cols: dict[str, list[tuple[int, Item]]] = {}
        for i, it in enumerate(layout.items):
            cols.setdefault(it.key, []).append((i, it))
        if len(_COLUMNS) > 16:
            _COLUMNS.clear()
        got = _COLUMNS[id(layout)] = (layout, cols)
    return got[1]


_COLUMNS: dict[int, tuple[Layout, dict[str, list[tuple[int, Item]]]]] = {}


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
        if fixed:
            for values in rows:
                line += 1
                f.write(
                    _fixed_line(
                        line,
                        layout,
                        encode_row(values, layout),
                        codec,
                        include_restricted,
                        degraded,
                    )
                    + newline
                )
                count += 1
        else:
            for values in rows:
                line += 1
                writer.writerow(
                    _csv_fields(line, layout, values, codec, include_restricted, degraded)
                )
                count += 1
    return WriteResult(count, degraded, canonical(encoding))
