"""`jichitai layouts new`: a skeleton layout definition (TOML) from a vendor's sample file.

Pure (no Django, no ``jichitai.layouts``): it reads the sample, guesses one item per column and
writes TOML text by hand (tomllib only reads). The guesses are a start for a person to finish
(docs/migration.md 「Adding a vendor's layout」): names are the header's, keys the register's when a
packaged layout knows the header, types from the sample values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFS = Path(__file__).resolve().parents[1] / "layouts" / "defs"
SAMPLE_ROWS = 1000  # enough to see every shape a column takes; a big file is not read to its end
DETECT = ("utf-8-sig", "cp932", "euc-jp")
# copied from a packaged item whose name or alias the header matches
KNOWN_EXTRAS = ("codes", "check", "restricted", "pad")

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_WAREKI = re.compile(r"^0[1-5]\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")  # 年号コード(2) + YYMMDD
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")


class SampleError(Exception):
    """A sample that cannot be used; ``str()`` is the bilingual message."""


@dataclass
class Column:
    name: str
    values: list[str] = field(default_factory=list)
    length: int = 0  # fixed width: bytes from the item list


@dataclass
class Guess:
    name: str
    key: str
    type: str
    length: int
    extras: dict[str, object] = field(default_factory=dict)
    notes: str = ""


def decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """The sample's text and the encoding it was read with (BOM → UTF-8/UTF-16, then UTF-8, CP932,
    EUC-JP); SampleError when none fits."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError as exc:
            raise SampleError(f"不明な文字コードです / unknown encoding: {encoding}") from exc
        except UnicodeDecodeError as exc:
            raise SampleError(
                f"{encoding} として読めません（{exc.start + 1} バイト目） / "
                f"not {encoding} (byte {exc.start + 1})"
            ) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise SampleError("UTF-16 として読めません / not valid UTF-16") from exc
    if b"\x00" in data[:4096]:  # no text file holds NUL: UTF-16 without its BOM
        head = data[:4096]
        # ASCII (commas, digits) is "c\0" in little-endian: NULs at odd offsets
        odd = head[1::2].count(0) >= head[0::2].count(0)
        candidate = "utf-16-le" if odd else "utf-16-be"
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError as exc:
            raise SampleError(f"{candidate} として読めません / not valid {candidate}") from exc
    for candidate in DETECT:
        try:
            return data.decode(candidate), "utf-8" if candidate == "utf-8-sig" else candidate
        except UnicodeDecodeError:
            continue
    raise SampleError(
        "文字コードを判定できません（UTF-8・CP932・EUC-JP・UTF-16 のいずれでもありません）。--encoding "
        "で指定してください / cannot tell the encoding (not UTF-8, CP932, EUC-JP or UTF-16): give --encoding"
    )


def csv_columns(text: str) -> list[Column]:
    """Columns of a CSV sample: the first line names them, up to SAMPLE_ROWS rows give values."""
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows)
    except (StopIteration, csv.Error) as exc:
        raise SampleError("見出し行がありません / the sample has no header line") from exc
    names = [h.strip() for h in header]
    if not any(names):
        raise SampleError("見出し行が空です / the header line is empty")
    columns = [Column(name) for name in names]
    try:
        for count, row in enumerate(rows):
            if count >= SAMPLE_ROWS:
                break
            for column, value in zip(columns, row, strict=False):
                column.values.append(value)
    except csv.Error as exc:
        raise SampleError(f"CSV として読めません / not a readable CSV: {exc}") from exc
    return columns


def fixed_columns(text: str, data_text: str | None, encoding: str) -> list[Column]:
    """Columns of a fixed-width file from the vendor's item list (a CSV: 項目名, バイト数), with
    values cut from an optional data sample."""
    columns: list[Column] = []
    for line_no, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if not row or not "".join(row).strip():
            continue
        digits = unicodedata.normalize("NFKC", row[1]).strip() if len(row) > 1 else ""
        if not digits.isdigit():
            if line_no == 1:
                continue  # the item list's own header (項目名,バイト数)
            raise SampleError(
                f"{line_no}行目: バイト数がありません / line {line_no}: the byte length is missing"
            )
        if int(digits) <= 0:
            raise SampleError(
                f"{line_no}行目: バイト数は1以上です / line {line_no}: the byte length must be positive"
            )
        columns.append(Column(row[0].strip(), length=int(digits)))
    if not columns:
        raise SampleError("項目一覧が空です / the item list is empty")
    for count, record in enumerate((data_text or "").splitlines()):
        if count >= SAMPLE_ROWS:
            break
        raw, pos = record.encode(encoding, errors="replace"), 0
        for column in columns:
            piece = raw[pos : pos + column.length]
            column.values.append(piece.decode(encoding, errors="replace").strip(" \u3000"))
            pos += column.length
    return columns


def _is_date(value: str) -> bool:
    for pattern in _DATE_PATTERNS:
        hit = pattern.match(value)
        if hit:
            try:
                day = dt.date(*(int(g) for g in hit.groups()))
            except ValueError:
                return False
            return day.year >= 1800  # 03550102 is 和暦 (昭和55年), not the year 355
    return False


def guess_type(values: Iterable[str]) -> str:
    """date, wareki_date, flag (0/1), code (digits), time or text, from the non-empty values; text when none."""
    seen = [unicodedata.normalize("NFKC", v).strip() for v in values]
    seen = [v for v in seen if v]
    if not seen:
        return "text"
    if all(_is_date(v) for v in seen):
        return "date"
    if all(_WAREKI.match(v) for v in seen):
        return "wareki_date"
    if all(v in ("0", "1") for v in seen):
        return "flag"
    if all(v.isascii() and v.isdigit() for v in seen):
        return "code"
    if all(_TIME.match(v) for v in seen):
        return "time"
    return "text"


def known_items() -> dict[str, dict[str, object]]:
    """Header spelling → packaged item (names and aliases of the packaged layouts; first wins)."""
    found: dict[str, dict[str, object]] = {}
    # the 基本データリスト layouts first: their keys are the register's
    for path in sorted(DEFS.rglob("*.toml"), key=lambda p: (p.parts[-4] != "kihon", str(p))):
        try:
            items = tomllib.loads(path.read_text(encoding="utf-8")).get("items", [])
        except (OSError, tomllib.TOMLDecodeError):
            continue
        for item in items:
            for spelling in (item.get("name", ""), *item.get("aliases", [])):
                found.setdefault(header_key(str(spelling)), item)
    return found


def header_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).replace(" ", "").replace("\u3000", "")


def _key_from(name: str, no: int) -> str:
    words = _ASCII_WORD.findall(unicodedata.normalize("NFKC", name))
    joined = "_".join(w.lower() for w in words)
    if name.isascii() and joined and not joined[0].isdigit():
        return joined[:60]
    return f"item_{no:02d}"


def _length(values: Sequence[str], kind: str, encoding: str, fixed: bool) -> int:
    if fixed:
        return 0
    longest = max((len(v) for v in values), default=0)
    if kind == "date":
        return max(10, longest)  # YYYY-MM-DD on export
    return max(1, longest)


# what a packaged item's type may be when the sample's values look like the key of this map
# (a history number that is 1 in every sampled row looks like a flag)
_COMPATIBLE = {
    "flag": {"flag", "code", "number"},
    "code": {"code", "number"},
    "date": {"date"},
    "wareki_date": {"wareki_date"},
    "time": {"time"},
    "text": {"text"},
}
_STANDALONE = ("text", "code", "date", "wareki_date", "flag", "number", "time")


def _known_type(guessed: str, known: str, values: Sequence[str]) -> str:
    """The packaged item's type when the sample does not contradict it (an empty column: always)."""
    if known not in _STANDALONE:  # partial_date and era need items of their own: the guess stands
        return guessed
    if not any(v.strip() for v in values) or known in _COMPATIBLE[guessed]:
        return known
    return guessed


def guess(columns: Sequence[Column], *, encoding: str, fixed: bool) -> list[Guess]:
    """One item per column: unique names and keys, the register's key when a packaged layout knows
    the header, types from the values."""
    known = known_items()
    keys: set[str] = set()
    names: set[str] = set()
    out: list[Guess] = []
    for no, column in enumerate(columns, start=1):
        name = column.name or f"項目{no}"
        notes = []
        if name in names:
            name, notes = f"{name}_{no}", [f"duplicate header {column.name!r} in the sample"]
        names.add(name)
        match = known.get(header_key(column.name))
        kind = guess_type(column.values)
        key = str(match["key"]) if match else _key_from(column.name, no)
        if key in keys:
            key = f"{key}_{no}"
        keys.add(key)
        extras: dict[str, object] = {}
        if match:
            kind = _known_type(kind, str(match["type"]), column.values)
            extras = {k: match[k] for k in KNOWN_EXTRAS if match.get(k)}
            if kind != "code":  # a code table or padding only fits a code column
                extras = {k: v for k, v in extras.items() if k not in ("codes", "pad")}
            notes.append(f"key from the packaged item {match['name']!r}; check its codes and type")
        length = column.length or _length(column.values, kind, encoding, fixed)
        out.append(
            Guess(
                name,
                key,
                kind,
                length,
                extras,
                "; ".join(notes) or "TODO: check type, length, codes",
            )
        )
    return out
