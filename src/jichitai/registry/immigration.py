"""出入国在留管理庁長官通知 ([960]): a file of notices taken in, checked against the register, shown on
a 処理結果確認票 (before → after per item), then applied by 職権 after the clerk has read it.

The file format (simulated; docs/registry.md 「法務省通知ファイル」): UTF-8 CSV, the header row
:data:`COLUMNS`, one notice per line. 処理区分 修正 changes the items given (blank: unchanged);
消除 removes the person (事由 e.g. 在留資格取消し, 住基法対象外への在留資格変更, 出国).

Rules: a file with any malformed line applies nothing (every line's problem is listed). A notice
is applied only when exactly one current resident holds its card number and his 生年月日 and 性別
agree; unmatched, ambiguous or disagreeing notices are listed and left for the clerk. 特別永住者's
notices are never taken in automatically ([960]#1 「特別永住者を除き」). Two notices for one person
in one file (or two for one household): the first only (the second after its 決裁, from the
list: every 異動 reads its household). ``apply`` submits every
applicable notice as a 職権修正 or 職権消除 (仮登録, 決裁 as usual) in one transaction: if one is
refused, none is submitted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .errors import RegistryError
from .selectors import access
from .selectors.documents import document_persons, foreign_by_card

COLUMNS = (
    "通知番号",
    "通知日",
    "処理区分",
    "事由",
    "異動日",
    "在留カード等番号",
    "生年月日",
    "性別",
    "国籍・地域",
    "氏名（アルファベット）",
    "在留資格",
    "在留期間",
    "在留期間の満了の日",
    "新しい在留カード等番号",
    "法第30条の45の区分",
)
# columns that carry a 修正's new value → the register's item
CHANGES = {
    "国籍・地域": "nationality",
    "氏名（アルファベット）": "alphabet_name",
    "在留資格": "residence_status",
    "在留期間": "residence_period",
    "在留期間の満了の日": "residence_end_date",
    "法第30条の45の区分": "foreign_category",
}
CATEGORIES = {
    "中長期在留者": "mid_long",
    "特別永住者": "special_permanent",
    "一時庇護許可者": "temporary_refuge",
    "仮滞在者": "provisional_stay",
}
ACTIONS = ("修正", "消除")
ITEM_LABELS = {
    **{v: k for k, v in CHANGES.items()},
    "residence_card_no": "在留カード番号",
    "special_permanent_cert_no": "特別永住者証明書の番号",
}
_CARD = re.compile(r"^[A-Z]{2}\d{8}[A-Z]{2}$")
SCREEN = "法務省通知 処理結果確認票"

# 判定 on the 確認票
READY, UNMATCHED, AMBIGUOUS, MISMATCH, SPECIAL, REPEATED, PROTECTED, UNCHANGED = (
    "取込可",
    "該当者なし",
    "複数該当",
    "照合不一致（生年月日・性別）",
    "特別永住者（手動で取込）",
    "同一世帯の通知が先にあり（先の通知の決裁後に取込）",
    "支援措置対象（担当職員が取込）",
    "変更なし（取込済み）",
)


@dataclass(frozen=True)
class Notice:
    line: int
    number: str
    notified_on: dt.date
    action: str  # 修正 / 消除
    reason: str
    effective: dt.date
    card: str
    birth_date: dt.date
    sex: str
    changes: dict[str, Any]  # item → new value (修正)


@dataclass(frozen=True)
class ReviewRow:
    """One line of the 処理結果確認票."""

    notice: Notice
    verdict: str
    person_id: int | None = None
    name: str = ""
    items: tuple[tuple[str, str, str], ...] = ()  # (項目, 変更前, 変更後)
    changes: tuple[
        tuple[str, Any], ...
    ] = ()  # a 修正's items → new values, as it will be submitted

    @property
    def ready(self) -> bool:
        return self.verdict == READY


@dataclass
class Review:
    problems: list[tuple[int, str]] = field(
        default_factory=list
    )  # (line, message): nothing applies
    rows: list[ReviewRow] = field(default_factory=list)

    @property
    def pending(self) -> list[ReviewRow]:
        """The notices not taken in: for the clerk to take in by hand ([960]#1)."""
        return [r for r in self.rows if not r.ready]


@dataclass
class Applied:
    review: Review
    events: dict[str, int] = field(default_factory=dict)  # 通知番号 → 異動 (仮登録) id
    refused: list[tuple[str, str]] = field(
        default_factory=list
    )  # (通知番号, message): none applied
    alerts: list[tuple[str, str]] = field(
        default_factory=list
    )  # confirmed alerts (e.g. 世帯主不在)


# -- reading the file -------------------------------------------------------------------------


def _date(text: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{label}は日付（例: 2024-04-01）で記載してください。") from None


def _notice(line: int, row: dict[str, str]) -> Notice:
    action = row["処理区分"]
    if action not in ACTIONS:
        raise ValueError("処理区分は「修正」か「消除」です。")
    if not row["通知番号"]:
        raise ValueError("通知番号がありません。")
    card = row["在留カード等番号"]
    if not _CARD.match(card):
        raise ValueError(
            "在留カード等番号の形式が正しくありません（英大文字2桁・数字8桁・英大文字2桁）。"
        )
    if row["性別"] not in ("1", "2", "9"):
        raise ValueError("性別は 1（男）・2（女）・9（不詳）です。")
    changes: dict[str, Any] = {}
    for column, item in CHANGES.items():
        value = row[column]
        if not value:
            continue
        if item == "residence_end_date":
            value = _date(value, column).isoformat()
        if item == "foreign_category":
            if value not in CATEGORIES:
                raise ValueError(f"法第30条の45の区分は {'・'.join(CATEGORIES)} のいずれかです。")
            value = CATEGORIES[value]
        changes[item] = value
    new_card = row["新しい在留カード等番号"]
    if new_card:
        if not _CARD.match(new_card):
            raise ValueError("新しい在留カード等番号の形式が正しくありません。")
        changes["card"] = new_card
    if action == "修正" and not changes:
        raise ValueError("修正の通知に変更後の項目がありません。")
    if action == "消除" and changes:
        raise ValueError("消除の通知に変更後の項目は記載しません。")
    return Notice(
        line,
        row["通知番号"],
        _date(row["通知日"], "通知日"),
        action,
        row["事由"],
        _date(row["異動日"], "異動日"),
        card,
        _date(row["生年月日"], "生年月日"),
        row["性別"],
        changes,
    )


def parse(text: str) -> tuple[list[Notice], list[tuple[int, str]]]:
    """The notices of a file, and every line's problem (line 1 is the header)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != COLUMNS:
        return [], [(1, "1行目は項目名の行です（" + ",".join(COLUMNS) + "）。")]
    notices: list[Notice] = []
    problems: list[tuple[int, str]] = []
    seen: set[str] = set()
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(COLUMNS):
            problems.append((line, f"項目の数が{len(cells)}個です（{len(COLUMNS)}個）。"))
            continue
        try:
            notice = _notice(line, dict(zip(COLUMNS, (c.strip() for c in cells), strict=True)))
        except ValueError as exc:
            problems.append((line, str(exc)))
            continue
        if notice.number in seen:
            problems.append((line, f"通知番号 {notice.number} が重複しています。"))
            continue
        seen.add(notice.number)
        notices.append(notice)
    return notices, problems


# -- the 確認票 ----------------------------------------------------------------------------------


def _changes_for(notice: Notice, values: dict[str, Any]) -> dict[str, Any]:
    """The items a 修正 changes on this person (the new card number goes to the category's item)."""
    out = {k: v for k, v in notice.changes.items() if k != "card"}
    if "card" in notice.changes:
        category = out.get("foreign_category") or values.get("foreign_category")
        out[
            "special_permanent_cert_no" if category == "special_permanent" else "residence_card_no"
        ] = notice.changes["card"]
    return {k: v for k, v in out.items() if _text(values.get(k)) != _text(v)}


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value or "")


def _waits(hid: Any, done: set[Any]) -> bool:
    """One notice per household per file: every 異動 reads its household (head rule), so a second
    provisional 異動 there would be stale at its 決裁; it is taken in from the list after the first."""
    if hid in done:
        return True
    done.add(hid)
    return False


def _row(notice: Notice, ids: list[int], persons: dict[int, Any], done: set[Any]) -> ReviewRow:
    if not ids:
        return ReviewRow(notice, UNMATCHED)
    if len(ids) > 1:
        return ReviewRow(notice, AMBIGUOUS)
    pid = ids[0]
    person = persons.get(pid)
    if person is None:
        return ReviewRow(notice, PROTECTED, None, access.MASK)  # no stable identifier either
    v = person.values
    name = f"{v.get('family_name') or ''}\u3000{v.get('given_name') or ''}".strip()
    if v.get("birth_date") != notice.birth_date or v.get("sex") != notice.sex:
        return ReviewRow(notice, MISMATCH, pid, name)
    if (
        v.get("foreign_category") == "special_permanent"
        or v.get("special_permanent_cert_no") == notice.card
    ):
        return ReviewRow(notice, SPECIAL, pid, name)
    if _waits(v.get("household_id"), done):
        return ReviewRow(notice, REPEATED, pid, name)
    if notice.action == "消除":
        return ReviewRow(
            notice, READY, pid, name, (("住民票", "記載", f"消除（{notice.reason}）"),)
        )
    changes = _changes_for(notice, v)
    if not changes:
        return ReviewRow(notice, UNCHANGED, pid, name)
    items = tuple((ITEM_LABELS[k], _text(v.get(k)), _text(new)) for k, new in changes.items())
    return ReviewRow(notice, READY, pid, name, items, tuple(changes.items()))


def review(text: str, *, staff: Any) -> Review:
    """The 処理結果確認票 of a file: each notice, its person, 判定 and before → after ([960]#1)."""
    notices, problems = parse(text)
    if problems:
        return Review(problems=problems)
    return review_notices(notices, staff=staff)


def review_notices(notices: list[Notice], *, staff: Any) -> Review:
    """The 確認票 of notices already read (a file's, or the stored ones not yet taken in)."""
    out = Review()
    matches = foreign_by_card(n.card for n in notices)
    persons = document_persons(
        {pid for ids in matches.values() for pid in ids},
        staff=staff,
        screen=SCREEN,
        function="immigration.review",
    )
    done: set[Any] = set()
    for notice in sorted(notices, key=lambda n: (n.effective, n.line)):  # 異動 order
        out.rows.append(_row(notice, matches.get(notice.card, []), persons, done))
    return out


# -- applying ----------------------------------------------------------------------------------


def _request(row: ReviewRow) -> tuple[str, dict[str, Any]]:
    if row.notice.action == "消除":
        return "ex_officio_deletion", {"person_ids": [row.person_id]}
    return "ex_officio_correction", {"person_id": row.person_id, "changes": dict(row.changes)}


def apply(text: str, *, staff: Any) -> Applied:
    """Submit every 取込可 notice (仮登録) after the clerk confirmed the 確認票; all or none."""
    return apply_review(review(text, staff=staff), staff=staff)


def apply_review(rev: Review, *, staff: Any) -> Applied:
    """Submit the 取込可 rows of a 確認票 (仮登録), all or none; nothing when the file had an error."""
    from django.db import transaction

    from .events import submit_event

    result = Applied(rev)
    if result.review.problems:
        return result
    try:
        with transaction.atomic():
            for row in (r for r in result.review.rows if r.ready):
                kind, req = _request(row)
                sub = _submit(submit_event, row, kind, req, staff, result)
                result.events[row.notice.number] = sub.event.pk
                result.alerts += [(row.notice.number, w.message) for w in sub.warnings]
    except _Rollback:
        result.events.clear()
        result.alerts.clear()
    return result


class _Rollback(Exception):
    """Raised inside the transaction so that one refused notice leaves nothing submitted."""


def _submit(
    submit: Any, row: ReviewRow, kind: str, req: dict[str, Any], staff: Any, result: Applied
) -> Any:
    try:
        return submit(
            kind,
            req,
            effective_date=row.notice.effective,
            reported_date=None,
            entered_by=staff,
            confirm_alerts=True,
            notified_on=row.notice.notified_on,
        )
    except RegistryError as exc:
        result.refused += [(row.notice.number, v.message) for v in exc.violations]
        raise _Rollback from None


def confirmation_rows(rev: Review) -> Iterable[dict[str, Any]]:
    """The 確認票 as lines (what the CLI prints and the certificates engine will render)."""
    for r in rev.rows:
        n = r.notice
        yield {
            "通知番号": n.number,
            "通知日": n.notified_on.isoformat(),
            "処理区分": n.action,
            "事由": n.reason,
            "異動日": n.effective.isoformat(),
            "判定": r.verdict,
            "住民ID": r.person_id or "",
            "氏名": r.name,
            "変更内容": "; ".join(
                f"{label}: {b or '（空欄）'} → {a or '（空欄）'}" for label, b, a in r.items
            ),
        }
