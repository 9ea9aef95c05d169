"""The order of 生年月日, 異動日 and 届出日 (errors) and families that are implausible (alerts).

Errors ([1440]#1), refused at 仮登録:
- 届出日 before 異動日: a 届出 reports what has happened ([570] 4.1.0.2), except a 転出, whose
  異動日 may lie after its 届出日 ([640] 4.1.3.0.1 #1: 転出予定, 転出確定, 国外転出). 取消・訂正
  keep their target's 異動日 and are exempt.
- a new person whose 生年月日 is after the 異動日 (a 転入 before birth).
Alerts ([1440]#2), the clerk confirms them:
- a person the event adds, or whose 生年月日 it changes, who is 120 years or older on the 異動日.
- a child born on or before a parent's 生年月日, and a parent less than 15 years older than a
  child; parent and child read from 続柄 in the same household (子 → 世帯主, 父・母 → of the
  世帯主, 妻の子 → 妻, 妻の父・妻の母 → of the 妻, and the same for 夫). Only pairs with a person
  the event adds or changes are asked; 生年月日 with 不詳 parts are not compared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..conventions import HEAD
from ..errors import RuleViolation

REPORTED_MAY_PRECEDE = frozenset({"move_out_planned", "move_out_confirmed", "move_out_abroad"})
COMPENSATING = frozenset({"cancellation", "correction"})
MIN_PARENT_AGE = 15  # years: a smaller gap is questioned, not refused
MAX_AGE = 120  # years at the 異動日: older is questioned (an era typed wrong, 明治 for 昭和 …)


def _wareki(d: dt.date, *, foreign: bool = False) -> str:
    """A date in a message as [90] wants it on screen: 和暦, but a foreign resident's 生年月日 in 西暦."""
    from jichitai.wareki import format_date, format_seireki

    return format_seireki(d) if foreign else format_date(d)


def order_violations(kind: str, effective: dt.date, reported: dt.date | None) -> list[RuleViolation]:
    """届出日 before 異動日 where the law does not allow it."""
    if reported is None or reported >= effective or kind in REPORTED_MAY_PRECEDE | COMPENSATING:
        return []
    return [RuleViolation(
        "reported_before_effective",
        f"届出日（{_wareki(reported)}）が異動日（{_wareki(effective)}）より前です。届出は異動の後にされるもので、"
        "届出日より後の異動日を入力できるのは転出（予定・確定・国外転出）だけです。届出日と異動日を確かめてください。",
        "reported_date",
    )]


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def birth_order_violations(rows: Mapping[Any, Mapping[str, Any]], new: list[str],
                           effective: dt.date, kind: str) -> list[RuleViolation]:
    """A new person may not arrive (転入・職権記載) before being born."""
    out = []
    for i, ref in enumerate(new):
        birth = _date(rows[ref].get("birth_date"))
        if birth is not None and birth > effective and kind != "birth":
            foreign = rows[ref].get("resident_type") == "foreign"
            out.append(RuleViolation(
                "before_birth",
                f"異動者{i + 1}の生年月日（{_wareki(birth, foreign=foreign)}）が異動日（{_wareki(effective)}）より後です。"
                "生まれる前の転入・記載はできません。生年月日と異動日を確かめてください。",
                f"persons.{i}.birth_date",
            ))
    return out


# 続柄 → whose child the person is (a 続柄 of the same household), or whose parent.
CHILD_OF = {"子": HEAD, "妻の子": "妻", "夫の子": "夫"}
PARENT_OF = {"父": HEAD, "母": HEAD, "妻の父": "妻", "妻の母": "妻", "夫の父": "夫", "夫の母": "夫"}


def _pairs(members: Mapping[Any, Mapping[str, Any]]) -> Iterator[tuple[Any, Any]]:
    """(parent, child) pairs the 続柄 of a household's members state."""
    by_rel: dict[str, list[Any]] = {}
    for ref, row in members.items():
        by_rel.setdefault(str(row.get("relationship") or ""), []).append(ref)
    for ref, row in members.items():
        rel = str(row.get("relationship") or "")
        for parent in by_rel.get(CHILD_OF.get(rel, ""), []):
            yield parent, ref
        for child in by_rel.get(PARENT_OF.get(rel, ""), []):
            yield ref, child


def _years(older: dt.date, younger: dt.date) -> int:
    return younger.year - older.year - ((younger.month, younger.day) < (older.month, older.day))


def family_alerts(members: Mapping[Any, Mapping[str, Any]], changed: set[Any],
                  where: Mapping[Any, str]) -> list[RuleViolation]:
    """Alerts for the (parent, child) pairs of one household that involve a ``changed`` person;
    ``where`` names the item of a changed person (the request's path). The messages name 続柄
    only: a member's name or date is not shown to a clerk through an alert."""
    out: list[RuleViolation] = []
    for parent, child in _pairs(members):
        if parent not in changed and child not in changed:
            continue
        p, c = members[parent], members[child]
        if (p.get("birth_date_precision") or "day") != "day" or (c.get("birth_date_precision") or "day") != "day":
            continue
        pb, cb = _date(p.get("birth_date")), _date(c.get("birth_date"))
        if pb is None or cb is None:
            continue
        field = where.get(child if child in changed else parent, "relationship")
        names = f"続柄「{c.get('relationship')}」の人と、その親にあたる続柄「{p.get('relationship')}」の人"
        if cb <= pb:
            out.append(RuleViolation(
                "child_not_younger",
                f"{names}の生年月日の順が逆です（子が親と同じ日か先に生まれています）。続柄と生年月日を確かめ、"
                "誤りでなければアラートを確認して仮登録してください。", field))
        elif _years(pb, cb) < MIN_PARENT_AGE:
            out.append(RuleViolation(
                "parent_age_gap",
                f"{names}の年齢差が{MIN_PARENT_AGE}歳未満です。続柄と生年月日を確かめ、"
                "誤りでなければアラートを確認して仮登録してください。", field))
    return out


def age_alerts(rows: Mapping[Any, Mapping[str, Any]], refs: Iterable[Any], where: Mapping[Any, str],
               effective: dt.date) -> list[RuleViolation]:
    """A person of ``refs`` aged MAX_AGE or more on the 異動日 (不詳 parts: read as the 1st)."""
    out = []
    for ref in refs:
        birth = _date(rows[ref].get("birth_date")) if ref in rows else None
        if birth is not None and _years(birth, effective) >= MAX_AGE:
            out.append(RuleViolation(
                "very_old",
                f"生年月日から、異動日に{MAX_AGE}歳以上になります。生年月日（元号を含む）を確かめ、"
                "誤りでなければアラートを確認して仮登録してください。", where.get(ref, "birth_date")))
    return out


def planner_alerts(p: Any, kind: str) -> list[RuleViolation]:
    """The family alerts of a planned event (``events.plan.Planner``): every household it touches,
    its members after the plan, the persons it adds or changes."""
    changed = set(p.plan.new_persons) | {
        f.ref for f in p.plan.facts
        if f.entity == "person" and f.field in ("birth_date", "relationship", "household_id", "birth_date_precision")
    }
    if not changed:
        return []
    where = {ref: ("effective_date" if kind == "birth" else f"persons.{i}.birth_date")
             for i, ref in enumerate(p.plan.new_persons)}
    born = set(p.plan.new_persons) | {f.ref for f in p.plan.facts if f.entity == "person" and f.field == "birth_date"}
    out = age_alerts(p.persons, sorted(born, key=str), where, p.date)
    for hid in dict.fromkeys(h for h in p.touched if h is not None):
        members = {ref: row for ref, row in p.persons.items()
                   if row.get("household_id") == hid and row.get("status") == "resident"}
        if isinstance(hid, int):
            members.update(_other_members(hid, {k for k in p.persons if isinstance(k, int)}))
        out += family_alerts(members, changed, where)
    return out


def _other_members(hid: int, loaded: set[int]) -> dict[int, dict[str, Any]]:
    """続柄 and 生年月日 of a household's residents the plan did not load (shown to nobody)."""
    from ..events.plan import INTERNAL
    from ..models import Person

    rows = (Person.objects.without_read_log(INTERNAL)
            .filter(household_id=hid, status="resident").exclude(pk__in=sorted(loaded))
            .values_list("pk", "relationship", "birth_date", "birth_date_precision"))
    return {pk: {"relationship": rel, "birth_date": birth, "birth_date_precision": prec}
            for pk, rel, birth, prec in rows}
