"""Shape errors of a request (pydantic's) as the register's RuleViolations, in Japanese.

Each names its item by path (``persons.0.family_name``) so a form can put the message next to
the field, and says the rule a clerk can act on: required, too long, not a number, out of range.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import RuleViolation
from ..labels import label

# pydantic error type → (rule, message template); {label} and the error's ctx fill it in.
_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("required", "{label}を入力してください。"),
    "string_too_short": ("required", "{label}を入力してください。"),
    "string_too_long": ("too_long", "{label}は{max_length}文字以内で入力してください。"),
    "string_type": ("invalid", "{label}は文字で入力してください。"),
    "string_pattern_mismatch": ("invalid", "{label}は半角英数字で入力してください。"),
    "int_parsing": ("invalid", "{label}は数字で入力してください。"),
    "int_type": ("invalid", "{label}は数字で入力してください。"),
    "int_from_float": ("invalid", "{label}は整数で入力してください。"),
    "greater_than_equal": ("out_of_range", "{label}の値が範囲外です（{ge}以上）。"),
    "less_than_equal": ("out_of_range", "{label}の値が範囲外です。"),
    "date_parsing": ("date_format", "{label}は日付（例: 2024-04-01）で入力してください。"),
    "date_from_datetime_parsing": ("date_format", "{label}は日付（例: 2024-04-01）で入力してください。"),
    "date_from_datetime_inexact": ("date_format", "{label}は日付（例: 2024-04-01）で入力してください。"),
    "date_type": ("date_format", "{label}は日付（例: 2024-04-01）で入力してください。"),
    "literal_error": ("invalid", "{label}の値が正しくありません（{expected}）。"),
    "enum": ("invalid", "{label}の値が正しくありません（{expected}）。"),
    "list_type": ("invalid", "{label}は一覧（配列）で入力してください。"),
    "dict_type": ("invalid", "{label}の形式が正しくありません。"),
    "model_type": ("invalid", "{label}の形式が正しくありません。"),
    "model_attributes_type": ("invalid", "{label}の形式が正しくありません。"),
    "too_short": ("required", "{label}を{min_length}件以上入力してください。"),
    "too_long": ("too_long", "{label}は{max_length}件以内にしてください。"),
    "extra_forbidden": ("unknown_item", "{label}は指定できない項目です。"),
    "bool_type": ("invalid", "{label}は true / false で指定してください。"),
    "bool_parsing": ("invalid", "{label}は true / false で指定してください。"),
    "union_tag_invalid": ("unknown_kind", "{label}が正しくありません（{expected_tags}）。"),
    "union_tag_not_found": ("required", "{label}を指定してください。"),
    "json_invalid": ("invalid", "本文がJSONとして読めません。"),
}
# Items whose absence has its own rule and message (kept from before requests were typed).
_REQUIRED: dict[str, tuple[str, str]] = {
    "previous_address": ("previous_address", "転入には従前の住所（前住所）の入力が必要です。"),
    "persons": ("persons_required", "異動者を1人以上入力してください。"),
    "person_ids": ("persons_required", "異動者を1人以上選んでください。"),
}
_ONE_OF = "{label}は「新しい世帯（new）」か「既存の世帯ID（existing_id）」のどちらか一方を指定してください。"


def _where(loc: Sequence[Any]) -> tuple[str, str]:
    """(field path, label) of an error location; list rows are numbered from 1 for people."""
    parts = [str(p) for p in loc]
    path = ".".join(parts)
    names = [p for p in loc if isinstance(p, str) and p != "[key]"]
    if not names:
        return path, "届出内容"
    last = names[-1]
    text = f"「{last}」" if label(last) == last else label(last)
    if loc and loc[-1] == "[key]":
        text = f"{label(names[-1])}の住民ID"
    rows = [(loc[i - 1], p) for i, p in enumerate(loc) if isinstance(p, int) and i > 0]
    if rows:
        owner, index = rows[-1]
        text = f"{label(str(owner))}{index + 1}の{text}" if str(owner) != last else f"{text}{index + 1}"
    return path, text


def violations_from(errors: Iterable[Mapping[str, Any]], *, strip: Sequence[str] = ()) -> list[RuleViolation]:
    """One RuleViolation per pydantic error; ``strip`` drops leading location parts (``body``)."""
    out = []
    for e in errors:
        loc = list(e.get("loc") or ())
        while loc and loc[0] in strip:
            loc.pop(0)
        ctx = dict(e.get("ctx") or {})
        if ctx.get("item") and not any(isinstance(p, str) and p == ctx["item"] for p in loc):
            loc.append(str(ctx["item"]))  # a model-level error naming its item (written dates)
        path, text = _where(loc)
        kind = str(e.get("type", ""))
        if kind == "value_error":
            message = str(ctx.get("error") or e.get("msg", ""))
            if message == "one_of":
                out.append(RuleViolation("invalid", _ONE_OF.format(label=text), path))
                continue
            out.append(RuleViolation("invalid", f"{text}: {message}" if path else message, path))
            continue
        last = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
        if kind in ("missing", "string_too_short", "too_short") and last in _REQUIRED and len(loc) == 1:
            out.append(RuleViolation(*_REQUIRED[last], path))
            continue
        if kind not in _MESSAGES and e.get("msg"):  # our own errors (PydanticCustomError)
            out.append(RuleViolation(kind, str(e["msg"]), path))
            continue
        rule, template = _MESSAGES.get(kind, ("invalid", "{label}の値が正しくありません。"))
        try:
            message = template.format(label=text, **ctx)
        except (KeyError, IndexError):
            message = template.split("（")[0].format(label=text) if "{" in template else template
        out.append(RuleViolation(rule, message, path))
    return out
