"""操作権限の一括メンテナンス ([1380]#10): role grants from a CSV file, all or nothing.

Columns (header row required, UTF-8 with or without BOM, or CP932 from a spreadsheet)::

    username,municipality_code,role,valid_from,valid_until,action

``role`` is a role code (``clerk``) or its Japanese name (窓口担当); ``action`` is ``grant`` /
付与 (the default when blank) or ``revoke`` / 取消; dates in 西暦 or 和暦, blank = open. Every row is
checked first; one error anywhere and nothing is saved, and every error is reported with its line
and column. A row with a future ``valid_from`` is the schedule: it counts from that day ([1380]#6).
There is no column for 職位 (rank): a file naming one is refused ([1380]#13).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import transaction

from jichitai.tenancy.models import Municipality

from .administration import (
    AdminError,
    AdminScope,
    check_grant,
    parse_day,
    save_grants,
    staff_for_grants,
)
from .models import Role

COLUMNS = ("username", "municipality_code", "role", "valid_from", "valid_until", "action")
MAX_ROWS = 5000
ACTIONS = {"": "grant", "grant": "grant", "付与": "grant", "revoke": "revoke", "取消": "revoke"}
ROLE_BY_LABEL = {r.label: r.value for r in Role} | {r.value: r.value for r in Role}


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.line}行目 {self.field}: {self.message}"


class BulkRefused(ValueError):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors[:20]))
        self.errors = errors


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BulkRefused([RowError(0, "file", "文字コードを判別できません（UTF-8 または Shift_JIS で保存してください）。")])


def _header(reader: csv.reader) -> list[RowError]:  # type: ignore[valid-type]
    header = [h.strip() for h in next(reader, [])]
    if tuple(header) == COLUMNS:
        return []
    extra = [h for h in header if h not in COLUMNS]
    if extra:
        return [RowError(1, h, "この列は使えません（役割は事務ごとに付与します。職位・職権による設定はできません）。")
                for h in extra]
    return [RowError(1, "header", "見出し行は " + ",".join(COLUMNS) + " としてください。")]


def apply_csv(scope: AdminScope, text: str) -> int:
    """Check every row, then save them all in one transaction; returns the number of rows."""
    reader = csv.reader(io.StringIO(text))
    errors = _header(reader)
    if errors:
        raise BulkRefused(errors)
    raw = [(n, row) for n, row in enumerate(reader, start=2) if any(c.strip() for c in row)]
    if not raw:
        raise BulkRefused([RowError(2, "file", "データ行がありません。")])
    if len(raw) > MAX_ROWS:
        raise BulkRefused([RowError(MAX_ROWS + 2, "file", f"一度に取り込めるのは{MAX_ROWS}行までです。")])
    staff = staff_for_grants(scope, {r[0].strip() for _, r in raw if r})
    munis = dict(Municipality.objects.filter(pk__in=scope.municipality_ids).values_list("code", "pk"))
    rows, seen = [], set()
    for line, row in raw:
        if len(row) != len(COLUMNS):
            errors.append(RowError(line, "row", f"列の数が{len(COLUMNS)}ではありません（{len(row)}列）。"))
            continue
        username, code, role_text, start, end, action_text = (c.strip() for c in row)
        found = len(errors)
        who = staff.get(username)
        if who is None:
            errors.append(RowError(line, "username", "この職員IDの職員は管理対象にいません。"))
        muni = munis.get(code)
        if muni is None:
            errors.append(RowError(line, "municipality_code", "管理対象の団体コードではありません。"))
        role = ROLE_BY_LABEL.get(role_text)
        if role is None:
            errors.append(RowError(line, "role", "役割は一覧の役割名またはコードで指定してください。"))
        action = ACTIONS.get(action_text)
        if action is None:
            errors.append(RowError(line, "action", "処理は grant（付与）または revoke（取消）です。"))
        dates = []
        for field, value in (("valid_from", start), ("valid_until", end)):
            try:
                dates.append(parse_day(value, field))
            except AdminError as exc:
                errors.append(RowError(line, field, exc.message))
        if len(errors) > found or who is None or muni is None or role is None:
            continue
        try:
            check_grant(scope, muni, role, dates[0], dates[1])
        except AdminError as exc:
            errors.append(RowError(line, exc.field, exc.message))
            continue
        if (username, code, role) in seen:
            errors.append(RowError(line, "role", "同じ職員・団体・役割の行が重複しています。"))
            continue
        seen.add((username, code, role))
        rows.append((who, muni, role, str(action), dates[0], dates[1]))
    if errors:
        raise BulkRefused(errors)
    with transaction.atomic():
        return save_grants(scope, rows)


def export_csv(scope: AdminScope) -> str:
    """The grants of the scope in the import format (操作権限一覧表: edit and upload it again)."""
    from .administration import grants_in_scope

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for g in grants_in_scope(scope):
        writer.writerow([g.staff.username, g.municipality.code, g.role,
                         g.valid_from.isoformat() if g.valid_from else "",
                         g.valid_until.isoformat() if g.valid_until else "", "grant"])
    return out.getvalue()
