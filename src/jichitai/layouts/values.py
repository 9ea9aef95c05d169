"""One value of one item: raw text ↔ Python value, per item type (docs/migration.md).

What is normalised: full-width ASCII (digits, letters, 「－」「／」「：」) becomes half-width, and
surrounding spaces go, in code, number, date, 和暦, era, flag and time fields only; codes are
left-padded with ``pad``. Text is returned exactly as written (no NFKC on names or addresses).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from jichitai import codes as checkdigits
from jichitai import wareki
from jichitai.moji.chars import split

from .model import Item, Layout, PartialDate

_FULL = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


class ValueProblem(ValueError):
    """A raw value that breaks a rule of its item; ``rule`` is a Problem rule id."""

    def __init__(self, rule: str, message_ja: str, message_en: str) -> None:
        super().__init__(message_en)
        self.rule = rule
        self.message_ja = message_ja
        self.message_en = message_en


def half_width(s: str) -> str:
    """Full-width ASCII → half-width, and the ideographic space → a space; nothing else changes."""
    if s.isascii():
        return s.strip()
    return s.translate(_FULL).strip()


def char_count(s: str) -> int:
    """Characters as a person counts them: an IVS sequence or a base with its marks is one."""
    if s.isascii():
        return len(s)
    return sum(1 for _ in split(s))


# check digits ------------------------------------------------------------------------------------


def _m11(s: str) -> bool:
    if len(s) < 2 or not (s.isascii() and s.isdigit()):
        return False
    total = sum((ord(ch) - 48) * ((n - 1) % 6 + 2) for n, ch in enumerate(reversed(s[:-1]), 1))
    r = total % 11
    return (0 if r <= 1 else 11 - r) == ord(s[-1]) - 48


CHECKS = {
    "m11": (_m11, "モジュラス11", "modulus 11"),
    "my_number": (checkdigits.is_valid_my_number, "個人番号", "My Number"),
    "resident_code": (checkdigits.is_valid_resident_code, "住民票コード", "resident code"),
    "lg_code": (
        checkdigits.is_valid_municipality_code,
        "地方公共団体コード",
        "local government code",
    ),
}


def check_digit(item: Item, s: str) -> None:
    if not item.check:
        return
    ok, ja, en = CHECKS[item.check]
    if not ok(s):
        raise ValueProblem(
            "checkdigit",
            f"{ja}の検査数字が合いません: {s}",
            f"{en} check digit does not match: {s}",
        )


# dates -------------------------------------------------------------------------------------------

_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})$|^(\d{4})(\d{2})(\d{2})$|^(\d{4})/(\d{1,2})/(\d{1,2})$"
)


def _bad_date(raw: str) -> ValueProblem:
    return ValueProblem(
        "type.date",
        f"日付として読めません: {raw!r}(YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD)",
        f"not a date: {raw!r} (YYYY-MM-DD, YYYYMMDD or YYYY/MM/DD)",
    )


def _ymd(raw: str) -> tuple[int, int, int]:
    m = _DATE.match(half_width(raw))
    if m is None:
        raise _bad_date(raw)
    y, mo, d = (int(g) for g in m.groups() if g is not None)
    return y, mo, d


def decode_date(raw: str) -> dt.date:
    y, mo, d = _ymd(raw)
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise _bad_date(raw) from None


def encode_date(item: Item, d: dt.date) -> str:
    return d.strftime("%Y%m%d") if item.length == 8 else d.isoformat()


_PARTIAL = re.compile(r"^(\d{4})(?:[-/]?(\d{2})(?:[-/]?(\d{2}))?)?$")


def decode_partial(raw: str) -> tuple[int | None, int | None, int | None]:
    """A date whose unknown parts are zeros or missing: 1980-05-00, 19800500, 1980-05, 0000-00-00."""
    m = _PARTIAL.match(half_width(raw))
    if m is None:
        raise _bad_date(raw)
    y, mo, d = (int(g) if g else 0 for g in m.groups())
    if mo > 12 or d > 31:
        raise _bad_date(raw)
    if y and mo and d:
        try:
            dt.date(y, mo, d)
        except ValueError:
            raise _bad_date(raw) from None
    return (y or None, mo or None, d or None)


def encode_partial(item: Item, value: object) -> str:
    if isinstance(value, dt.date):
        return encode_date(item, value)
    if not isinstance(value, PartialDate):
        raise TypeError(f"{item.key}: a date or PartialDate is needed, got {value!r}")
    if value.year is None and value.month is None and value.day is None:
        return ""
    y, mo, d = value.year or 0, value.month or 0, value.day or 0
    return f"{y:04d}{mo:02d}{d:02d}" if item.length == 8 else f"{y:04d}-{mo:02d}-{d:02d}"


# 和暦 ---------------------------------------------------------------------------------------------

_ERA_TEXT = re.compile(r"^([^\d元]+?)(元|\d{1,2})[年./-](\d{1,2})[月./-](\d{1,2})日?$")


def era_by_code(item: Item, layout: Layout | None, code: str) -> str:
    """The era name of a 元号コード (layouts.md §5.4: 1 明治 … 5 令和, or the item's code table)."""
    if item.codes and layout is not None and item.codes in layout.tables:
        name = layout.codes(item.codes).value_of(code)
    else:
        n = int(code) if code.isdigit() else 0
        name = wareki.ERA_TABLE[n - 1].name if 1 <= n <= len(wareki.ERA_TABLE) else None
    if name is None:
        raise ValueProblem("era", f"元号コード {code!r} は未知です", f"unknown era code {code!r}")
    return name


def era_code(item: Item, layout: Layout | None, name: str, width: int = 0) -> str:
    if item.codes and layout is not None and item.codes in layout.tables:
        code = layout.codes(item.codes).code_of(name)
        if code is None:
            raise ValueError(f"{item.key}: no code for era {name!r}")
        return code
    for n, e in enumerate(wareki.ERA_TABLE, start=1):
        if name in (e.name, e.initial):
            return str(n).zfill(width or item.length or 1)
    raise ValueError(f"{item.key}: unknown era {name!r}")


def decode_era(item: Item, layout: Layout | None, raw: str) -> str:
    s = half_width(raw)
    if s.isdigit():
        return era_by_code(item, layout, s)
    for e in wareki.ERA_TABLE:
        if s.upper() in (e.name, e.initial):
            return e.name
    raise ValueProblem("era", f"元号として読めません: {raw!r}", f"not an era: {raw!r}")


def _era_problem(raw: str, exc: wareki.DateInputError) -> ValueProblem:
    m = _ERA_TEXT.match(half_width(raw).upper())
    en = f"{raw} is not a day of that era"
    if m is not None:
        era = next((e for e in wareki.ERA_TABLE if m.group(1) in (e.name, e.initial)), None)
        year = 1 if m.group(2) == "元" else int(m.group(2))
        try:
            d = dt.date(era.gannen + year - 1, int(m.group(3)), int(m.group(4))) if era else None
        except ValueError:
            d = None
        if d is not None and wareki.era_of(d) is not None:
            en = f"{raw} is {wareki.wareki(d)} ({d.isoformat()}): the era had changed by then"
        elif d is not None:
            en = f"{raw} ({d.isoformat()}) is before that era began"
    return ValueProblem("era", exc.message, en)


def _wareki_code_form(item: Item, layout: Layout | None, s: str) -> str | PartialDate | None:
    """元号コード (1 or 2 digits) + YYMMDD: all zeros is no date, a 00 month or day is unknown."""
    if not s.strip("0"):
        return None
    era = era_by_code(item, layout, s[:-6])
    yy, mm, dd = int(s[-6:-4]), int(s[-4:-2]), int(s[-2:])
    if mm and dd:
        return f"{era}{yy}年{mm}月{dd}日"
    gannen = next((e.gannen for e in wareki.ERA_TABLE if e.name == era), None)
    if gannen is None or yy < 1 or mm > 12 or dd > 31:
        raise ValueProblem(
            "type.date", f"和暦の日付として読めません: {s!r}", f"not a Japanese-era date: {s!r}"
        )
    return PartialDate(gannen + yy - 1, mm or None, dd or None, "")


def decode_wareki(item: Item, layout: Layout | None, raw: str) -> dt.date | PartialDate | None:
    """令和6年4月1日, R06.04.01, R6/4/1, 令和元年5月1日, or 元号コード+YYMMDD (5060401, 05060401).

    The code form may leave the month or day unknown (00): that gives a PartialDate.
    """
    s = half_width(raw)
    if len(s) in (7, 8) and s.isdigit():
        got = _wareki_code_form(item, layout, s)
        if not isinstance(got, str):
            return got
        s = got
    try:
        d = wareki.parse_date(s)
    except wareki.DateInputError as exc:
        if exc.message:
            raise _era_problem(s, exc) from None
        raise ValueProblem(
            "type.date",
            f"和暦の日付として読めません: {raw!r}",
            f"not a Japanese-era date: {raw!r}",
        ) from None
    assert d is not None
    return d


def encode_wareki(item: Item, layout: Layout | None, value: dt.date | PartialDate) -> str:
    if isinstance(value, PartialDate):
        if item.length not in (7, 8) or value.year is None:
            raise ValueError(f"{item.key}: {value} needs the 元号コード+YYMMDD form and a year")
        d = dt.date(value.year, value.month or 1, value.day or 1)
    else:
        d = value
    era = wareki.era_of(d)
    if era is None:
        raise ValueError(f"{item.key}: {d} is before 明治6年 and has no era")
    if item.length in (7, 8):
        code = era_code(item, layout, era[0], item.length - 6)
        mm, dd = (
            (value.month or 0, value.day or 0)
            if isinstance(value, PartialDate)
            else (d.month, d.day)
        )
        return f"{code.zfill(item.length - 6)}{era[1]:02d}{mm:02d}{dd:02d}"
    if item.length == 9:
        initial = next(e.initial for e in wareki.ERA_TABLE if e.name == era[0])
        return f"{initial}{era[1]:02d}.{d.month:02d}.{d.day:02d}"
    return wareki.wareki(d)


# other scalars -----------------------------------------------------------------------------------


def decode_flag(raw: str) -> bool:
    s = half_width(raw)
    if s in ("0", "1"):
        return s == "1"
    raise ValueProblem("type.flag", f"フラグは 0 か 1 です: {raw!r}", f"a flag is 0 or 1: {raw!r}")


def decode_number(item: Item, raw: str) -> int:
    s = half_width(raw)
    if not re.fullmatch(r"-?\d+", s):
        raise ValueProblem("type.number", f"数値ではありません: {raw!r}", f"not a number: {raw!r}")
    check_digit(item, s.rjust(item.length, item.pad) if item.pad else s)
    return int(s)


def encode_number(item: Item, value: int) -> str:
    s = str(int(value))
    return s.rjust(item.length, item.pad) if item.pad and item.length else s


_TIME = re.compile(r"^(\d{2}):?(\d{2})(?::?(\d{2}))?$")


def decode_time(raw: str) -> dt.time:
    m = _TIME.match(half_width(raw))
    try:
        if m is None:
            raise ValueError
        return dt.time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
    except ValueError:
        raise ValueProblem(
            "type.time",
            f"時刻として読めません: {raw!r}(HH:MM:SS)",
            f"not a time: {raw!r} (HH:MM:SS)",
        ) from None


def encode_time(item: Item, t: dt.time) -> str:
    return t.strftime("%H%M%S") if item.length == 6 else t.strftime("%H:%M:%S")


def normal_code(item: Item, raw: str) -> str:
    """A code as the file should hold it: half-width, padded to ``length`` with ``pad``."""
    s = half_width(raw)
    if item.pad and item.length and len(s) < item.length:
        s = s.rjust(item.length, item.pad)
    return s


def decode_code(item: Item, layout: Layout | None, raw: str) -> str:
    s = normal_code(item, raw)
    check_digit(item, s)
    if not item.codes or layout is None or item.codes not in layout.tables:
        return s
    table = layout.codes(item.codes)
    value = table.value_of(s)
    if value is None:
        raise ValueProblem(
            "code.unknown",
            f"コード {s!r} はコード表「{table.title or table.name}」({table.name}) にありません",
            f"code {s!r} is not in code table {table.name}",
        )
    return value


def encode_code(item: Item, layout: Layout | None, value: object) -> str:
    s = str(value)
    if item.codes and layout is not None and item.codes in layout.tables:
        table = layout.codes(item.codes)
        code = table.code_of(s)
        if code is None:
            if table.value_of(s) is None:
                raise ValueError(f"{item.key}: {s!r} is not a value of code table {table.name}")
            code = s  # already a code of the table
        s = code
    return normal_code(item, s)


# dispatch ----------------------------------------------------------------------------------------


def decode_value(item: Item, raw: str, layout: Layout | None = None) -> object:
    """The Python value of one raw field; None when empty. partial_date gives (y, m, d) parts."""
    if item.type == "text":
        return raw if raw != "" else None
    if half_width(raw) == "":
        return None
    t = item.type
    if t == "code":
        return decode_code(item, layout, raw)
    if t == "date":
        return decode_date(raw)
    if t == "wareki_date":
        return decode_wareki(item, layout, raw)
    if t == "era":
        return decode_era(item, layout, raw)
    if t == "partial_date":
        return decode_partial(raw)
    if t == "flag":
        return decode_flag(raw)
    if t == "number":
        return decode_number(item, raw)
    if t == "time":
        return decode_time(raw)
    raise ValueError(f"unknown type {t!r}")  # pragma: no cover - load_layout refuses it


def encode_value(item: Item, value: object, layout: Layout | None = None) -> str:
    """The raw text of one value as this item writes it; "" for None."""
    if value is None or value == "":
        return ""
    t = item.type
    if t == "text":
        return str(value)
    if t == "code":
        return encode_code(item, layout, value)
    if t == "date":
        return encode_date(item, _as_date(item, value))
    if t == "wareki_date":
        return encode_wareki(
            item, layout, value if isinstance(value, PartialDate) else _as_date(item, value)
        )
    if t == "era":
        return era_code(item, layout, str(value))
    if t == "partial_date":
        return encode_partial(item, value)
    if t == "flag":
        return "1" if value else "0"
    if t == "number":
        return encode_number(item, int(value))  # type: ignore[call-overload]
    if t == "time":
        if not isinstance(value, dt.time):
            raise TypeError(f"{item.key}: a time is needed, got {value!r}")
        return encode_time(item, value)
    raise ValueError(f"unknown type {t!r}")  # pragma: no cover


def _as_date(item: Item, value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return decode_date(value)
    raise TypeError(f"{item.key}: a date is needed, got {value!r}")


# per-item decoders: the same rules as decode_value, with the common cases short --------------------


def _code_decoder(item: Item, layout: Layout | None) -> Callable[[str], object]:
    table = (
        layout.codes(item.codes) if item.codes and layout and item.codes in layout.tables else None
    )
    pad, length = item.pad, item.length
    check = CHECKS[item.check][0] if item.check else None

    def code(raw: str) -> object:
        s = raw.strip() if raw.isascii() else half_width(raw)
        if not s:
            return None
        if pad and len(s) < length:
            s = s.rjust(length, pad)
        if (check is not None and not check(s)) or (
            table is not None and table.value_of(s) is None
        ):
            return decode_code(item, layout, s)  # raises the problem with its message
        return s if table is None else table.value_of(s)

    return code


def _date_decoder(item: Item) -> Callable[[str], object]:
    def date(raw: str) -> object:
        s = raw.strip() if raw.isascii() else half_width(raw)
        if not s:
            return None
        if (
            len(s) == 10
            and s.isascii()
            and s[4] == s[7] == "-"
            and (s[:4] + s[5:7] + s[8:]).isdigit()
        ):
            try:
                return dt.date(int(s[:4]), int(s[5:7]), int(s[8:]))
            except ValueError:
                raise _bad_date(raw) from None
        return decode_date(raw)

    return date


def decoder(item: Item, layout: Layout | None = None) -> Callable[[str], object]:
    """A function raw → value for a non-text item (None when blank); raises ValueProblem."""
    if item.type == "code":
        return _code_decoder(item, layout)
    if item.type == "date":
        return _date_decoder(item)

    def other(raw: str) -> object:
        return decode_value(item, raw, layout)

    return other
