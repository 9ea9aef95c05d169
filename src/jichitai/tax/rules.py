"""Amounts and 年度: the normalizer (full-width digits, commas, 円) and the consistency rules.

The rules are kept simple on purpose (docs/tax.md 「検査」): the 課税 system computes; we check
that what it gives can be printed without contradiction. Every problem is a ``Problem`` with a
rule code and a message in Japanese and English.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from jichitai.wareki import era_of

from .models import AMOUNT_FIELDS, INCOME_ITEMS, TaxStatus

MAX_AMOUNT = 999_999_999_999  # 12 digits: more than any 所得 a certificate shows
FIRST_YEAR, LAST_YEAR = 1989, 2099  # 平成元年度 ..
LABELS = dict(AMOUNT_FIELDS)
STATUS_BY_LABEL = {label: value for value, label in TaxStatus.choices}
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
_ERA_YEAR = re.compile(r"(令和|平成|R|H)([0-9]+|元)年?度?")
_ERA_START = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988}


@dataclass(frozen=True)
class Problem:
    rule: str
    field: str  # the item's Japanese label ("" for the record as a whole)
    ja: str
    en: str

    def __str__(self) -> str:
        return f"{self.ja} / {self.en}"


class AmountError(ValueError):
    def __init__(self, rule: str, ja: str, en: str) -> None:
        self.rule, self.ja, self.en = rule, ja, en
        super().__init__(f"{ja} / {en}")


def normalize_amount(text: str | None) -> int | None:
    """An amount as typed or written by the 課税 system: full-width digits, thousands separators
    (、 is not one) and a trailing 円 accepted; empty is None. Refuses signs, decimals and junk."""
    s = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "")
    s = s.removesuffix("円")
    if s == "":
        return None
    if s.startswith("-") or s.startswith("−"):
        raise AmountError(
            "negative", "金額に負の値は入力できません", "amounts must not be negative"
        )
    if "," in s:
        if not _GROUPED.fullmatch(s):
            raise AmountError(
                "amount_format",
                "桁区切りのカンマの位置が正しくありません",
                "misplaced thousands separator",
            )
        s = s.replace(",", "")
    if not s.isascii() or not s.isdigit():
        raise AmountError(
            "amount_format",
            "金額は0以上の整数（円）で入力してください",
            "an amount is a whole number of yen, 0 or more",
        )
    value = int(s)
    if value > MAX_AMOUNT:
        raise AmountError(
            "amount_too_large",
            "金額が大きすぎます（12桁まで）",
            "amount too large (12 digits at most)",
        )
    return value


def fiscal_year_text(year: int) -> str:
    """令和7年度 for 2025 (the 年度 is named by the era of its 31 December: 2019 is 令和元年度)."""
    era = era_of(dt.date(year, 12, 31))
    if era is None:
        return f"{year}年度"
    name, n = era
    return f"{name}{'元' if n == 1 else n}年度"


def parse_fiscal_year(text: str | None) -> int:
    """2025, ２０２５, 令和7年度, R7 → 2025. Raises AmountError (rule fiscal_year)."""
    s = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "")
    year: int | None = None
    if s.isascii() and s.isdigit() and len(s) == 4:
        year = int(s)
    elif m := _ERA_YEAR.fullmatch(s):
        n = 1 if m.group(2) == "元" else int(m.group(2))
        year = _ERA_START[m.group(1)] + n if n >= 1 else None
        if year is not None and m.group(1) in ("平成", "H") and n > 31:
            year = None
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise AmountError(
            "fiscal_year",
            f"年度が正しくありません（例: 令和7年度、2025）: {text}",
            f"invalid fiscal year (e.g. 令和7年度 or 2025): {text}",
        )
    return year


def check(status: str, amounts: dict[str, int | None]) -> list[Problem]:
    """Every inconsistency of a record (docs/tax.md 「検査」); [] when it may be stored."""
    if status not in TaxStatus.values:
        return [
            Problem(
                "status",
                "課税区分",
                "課税区分は 課税・非課税・未申告 のいずれかです",
                "status must be 課税, 非課税 or 未申告",
            )
        ]
    given = {f: v for f, v in amounts.items() if v is not None}
    if status == TaxStatus.UNDECLARED:
        return [
            Problem(
                "undeclared_amounts",
                LABELS[f],
                "未申告の記録に金額は入力できません",
                "an undeclared (未申告) record has no amounts",
            )
            for f in LABELS
            if f in given
        ]
    out = [
        Problem(
            "negative", LABELS[f], "金額に負の値は入力できません", "amounts must not be negative"
        )
        for f, v in given.items()
        if v < 0
    ]
    if out:
        return out
    a = {f: amounts.get(f) or 0 for f in LABELS}
    for key, label in INCOME_ITEMS:
        if a[f"{key}_income"] > a[f"{key}_revenue"]:
            out.append(
                Problem(
                    "income_over_revenue",
                    f"{label}所得",
                    f"{label}所得が{label}収入を超えています",
                    f"{key} income exceeds {key} revenue",
                )
            )
    if a["total_income"] != sum(a[f"{k}_income"] for k, _ in INCOME_ITEMS):
        out.append(
            Problem(
                "total_income",
                "合計所得金額",
                "合計所得金額が各所得の合計と一致しません",
                "total income is not the sum of the incomes",
            )
        )
    if status == TaxStatus.EXEMPT and (a["income_levy"] or a["per_capita_levy"]):
        out.append(
            Problem(
                "exempt_levy",
                "所得割額" if a["income_levy"] else "均等割額",
                "非課税の記録の所得割額・均等割額は0円です",
                "an exempt (非課税) record has no income levy and no per-capita levy",
            )
        )
    if status == TaxStatus.TAXABLE and not (a["income_levy"] or a["per_capita_levy"]):
        out.append(
            Problem(
                "taxable_levy",
                "均等割額",
                "課税の記録には所得割額か均等割額が必要です",
                "a taxable (課税) record has an income levy or a per-capita levy",
            )
        )
    return out


def completed(status: str, amounts: dict[str, int | None]) -> dict[str, int | None]:
    """The amounts as stored: blanks are 0 in a 課税/非課税 record; a 未申告 record has none."""
    if status == TaxStatus.UNDECLARED:
        return dict.fromkeys(LABELS)
    return {f: amounts.get(f) or 0 for f in LABELS}
