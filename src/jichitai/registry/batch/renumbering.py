"""[1340] 住所一括変更 (住居表示の実施・区画整理・地番変更): 抽出, 仮処理 and 本処理.

- ``extract``: the households at the 町字 (and 番地 prefix) to be renumbered, as the CSV template
  (世帯番号 and address only: [1340]#3 forbids a list of 氏名・住所・生年月日・本籍・筆頭者・世帯主か否か).
- ``trial`` (仮処理, a clerk): one 異動 「住居表示の実施等」 (事由 軽微な修正) per household through the
  normal planner, entered (仮登録) address by address: if one household of an address cannot be
  entered, none of that address is. The 処理結果確認一覧 says what was entered or left out and why.
- ``final`` (本処理, a second person with 決裁): approves the 仮処理's 異動 address by address, all or
  nothing; a household that changed since the 仮処理 (the rows it was entered against), 転出予定者
  included, refuses its address, whose 異動 are then 却下 ([1340]#2 allows leaving them out).
- ``notice`` (#1): the 事前・事後の通知, one document per household of the CSV (``timing``).
- The same two steps take a CSV of 宛名番号 and 本籍 before and after (``renumbering_targets``): one
  「本籍の表示の変更」 per person, all or nothing per 本籍 before.

Only the register changes: nothing is sent or handed to anyone here (no 戸籍附票記載事項通知 file,
[1340]#5; no data for 郵便局・金融機関, [1340]#6); the CS linkage waits for the network simulator. No
list of the 異動 in the area between 基準日 and 実施日 is made ([1340]#4). A household with a protected
member is handled only by staff with need-to-know; for the others its line says so and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from jichitai.tenancy.context import current

from .. import events, rules
from ..documents import build
from ..documents.renumbering import KIND as NOTICE
from ..documents.renumbering import TIMINGS
from ..errors import RegistryError, RuleViolation, violation
from ..models import EventStatus, RegistryEvent
from ..selectors.access import need_to_know
from ..selectors.rosters import households_at
from . import renumbering_input as rin
from .common import BatchResult, Params, Progress, csv_file, document_file, log, tick
from .renumbering_targets import AddressTarget, HonsekiTarget

Row = rin.Row | rin.HonsekiRow
Target = AddressTarget | HonsekiTarget

MODES = {"extract": "抽出", "trial": "仮処理", "final": "本処理", "notice": "通知"}
SCREEN = "住所一括変更"
PROTECTED = "支援措置の対象者がいる世帯です。支援措置担当の職員が処理してください。"
WITH_OTHERS = (
    "変更前が同じ住所（本籍）の行に処理できない行があるため、この住所（本籍）は処理しませんでした。"
)
REJECTED = "住所一括変更の本処理: 変更前が同じ住所（本籍）の行に本処理できない行があったため（抽出後の異動など）"
RESULT_HEADER = AddressTarget.header
TEMPLATE_HEADER = (
    "世帯番号",
    "変更前町字コード",
    "変更前番地",
    "現在の方書",
    "変更後町字コード",
    "変更後番地",
    "変更後方書",
)
_PROTECTION_RULES = {"support_measure_entry", "support_measure_approver"}


def _staff() -> Any:
    from jichitai.accounts.models import Staff

    staff = Staff.objects.filter(pk=current().staff_id).first()
    if staff is None:
        raise violation(
            "staff", "実行した職員が分かりません（職員として実行してください）。", "staff"
        )
    return staff


class Report:
    """The 処理結果確認一覧: one line per CSV row, the numbers and addresses (本籍) of the file, no
    person's item."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.lines: dict[int, tuple[Any, ...]] = {}
        self.counts = {"rows": 0, "done": 0, "excluded": 0, "already": 0}

    def add(self, row: Row, result: str, reason: str = "", *, masked: bool = False) -> None:
        counted = {"除外": "excluded", "変更済み": "already", "本処理済み": "already"}
        self.counts[counted.get(result, "done")] += 1
        self.counts["rows"] += 1
        if masked:
            self.lines[row.line] = (row.line, "", "", "", result, PROTECTED)
            return
        self.lines[row.line] = (row.line, *self.target.shown(row), result, reason)  # type: ignore[arg-type]

    def file(self) -> bytes:
        return csv_file(self.target.header, (self.lines[k] for k in sorted(self.lines)))


def _reason(exc: RegistryError) -> tuple[str, bool]:
    """(the refusal's messages, whether it is about 支援措置 — then nothing of it is shown)."""
    if any(v.rule in _PROTECTION_RULES for v in exc.violations):
        return PROTECTED, True
    return " ".join(dict.fromkeys(exc.messages)), False


def _groups(rows: list[Row]) -> list[list[Row]]:
    out: dict[tuple[str, str], list[Row]] = {}
    for r in rows:
        out.setdefault(r.group, []).append(r)
    return list(out.values())


class Context:
    """What both steps read once: the rows, the target (現住所 or 本籍) and who runs it."""

    def __init__(self, p: Params, *, future: bool = False) -> None:
        self.text = p.text("csv")
        if not self.text:
            p.errors.append(
                RuleViolation(
                    "required",
                    "変更内容のCSV（世帯番号または宛名番号と変更前後）を指定してください。",
                    "csv",
                )
            )
        self.effective = p.date("effective_date", "実施日（異動日）", required=True)
        self.round = p.integer("round", "回次", low=1, high=999, default=1) or 1
        p.check()
        assert self.effective is not None
        if not future:  # a 事前通知 may name a 実施日 to come; a 異動 may not
            rules.require_dates(self.effective, None, "address_renumbering")
        self.staff = _staff()
        self.rows: list[Row]
        if rin.is_honseki(self.text):
            self.rows = list(rin.parse_honseki(self.text))
            self.target: Target = HonsekiTarget(self.rows, staff=self.staff, screen=SCREEN)  # type: ignore[arg-type]
        else:
            self.rows = list(rin.parse(self.text))
            self.target = AddressTarget(self.rows, staff=self.staff, screen=SCREEN)  # type: ignore[arg-type]
        self.batch = rin.batch_id(self.text, self.effective.isoformat(), self.round)
        self.report = Report(self.target)

    def masked(self, row: Row) -> bool:
        return self.target.masked(row)  # type: ignore[arg-type]

    def key(self, row: Row) -> str:
        return rin.key(self.batch, row.subject)

    def refuse_group(
        self, group: list[Row], why: Mapping[int, tuple[str, bool]], result: str = "除外"
    ) -> None:
        for r in group:
            reason, masked = why.get(r.line, (WITH_OTHERS, False))
            self.report.add(r, result, reason, masked=masked or self.masked(r))


def _trial_group(c: Context, group: list[Row]) -> None:
    why: dict[int, tuple[str, bool]] = {}
    todo: list[Row] = []
    for r in group:
        if r.problem:
            why[r.line] = (r.problem, False)
        elif c.masked(r):
            why[r.line] = (PROTECTED, True)
        elif c.target.done(r):  # type: ignore[arg-type]
            c.report.add(r, "変更済み", c.target.done_text)
        else:
            todo.append(r)
    if why:
        return c.refuse_group([r for r in group if r in todo or r.line in why], why)
    inputs = [
        events.EventInput(c.target.kind, c.target.request(r), c.effective, None, c.key(r))  # type: ignore[arg-type]
        for r in todo
    ]
    with transaction.atomic():
        outcomes = events.submit_events(inputs, entered_by=c.staff)
        for r, o in zip(todo, outcomes, strict=True):
            if isinstance(o, RegistryError):
                why[r.line] = _reason(o)
            elif o.event.status != EventStatus.PROVISIONAL:
                why[r.line] = (
                    "この回次の仮処理は本処理または却下が済んでいます。回次を変えてやり直してください。",
                    False,
                )
        if why:
            transaction.set_rollback(True)
    if why:
        return c.refuse_group(todo, why)
    for r in todo:
        c.report.add(r, "仮登録", "本処理（決裁）を待っています。")


def _final_group(c: Context, group: list[Row], found: Mapping[str, RegistryEvent]) -> None:
    why: dict[int, tuple[str, bool]] = {}
    pending: list[tuple[Row, RegistryEvent]] = []
    for r in group:
        e = found.get(c.key(r))
        if c.masked(r):
            why[r.line] = (PROTECTED, True)
        elif e is None and not r.problem and c.target.done(r):  # type: ignore[arg-type]
            c.report.add(r, "変更済み", c.target.done_text)
        elif e is None or e.status == EventStatus.REJECTED:
            why[r.line] = (
                r.problem
                or "仮処理で仮登録されていない行です（この住所は仮処理で除外されました）。",
                False,
            )
        elif e.status == EventStatus.APPROVED:
            c.report.add(r, "本処理済み", "")
        else:
            pending.append((r, e))
    if why:
        return c.refuse_group(
            [r for r in group if r.line in why or any(r is q for q, _ in pending)], why
        )
    if not pending:
        return None
    with transaction.atomic():
        result = events.approve_events([e.pk for _, e in pending], approver=c.staff)
        for r, e in pending:
            if e.pk in result.refused:
                why[r.line] = _reason(result.refused[e.pk])
        if why:
            transaction.set_rollback(True)
    if not why:
        for r, _ in pending:
            c.report.add(r, "変更しました", "")
        return None
    # the address is left out: its 異動 leave 仮登録 (the counter is not kept waiting)
    for _, e in pending:
        try:
            events.reject_event(e.pk, approver=c.staff, reason=REJECTED)
        except RegistryError:
            pass
    return c.refuse_group([r for r, _ in pending], why)


def _extract(p: Params) -> BatchResult:
    towns = p.codes("towns")
    if not towns:
        p.errors.append(
            RuleViolation("required", "抽出する町字コードを指定してください。", "towns")
        )
    prefix = p.text("banchi_prefix")
    p.check()
    staff = _staff()
    found = households_at(towns, prefix, staff=staff, screen=SCREEN)
    data = csv_file(
        TEMPLATE_HEADER,
        (
            (h["household_no"], h["town_code"], h["banchi"], h["katagaki"], "", "", "")
            for h in found
        ),
    )
    log("renumbering.extract", households=len(found), towns=list(towns), banchi_prefix=prefix)
    note = (
        ""
        if need_to_know(staff)
        else "支援措置の対象者がいる世帯は、支援措置担当の職員が抽出・処理します。"
    )
    return BatchResult(
        {"households": len(found)},
        f"住所一括変更の対象世帯を抽出しました（{len(found)}世帯）。{note}",
        {"住所一括変更_対象世帯.csv": data},
    )


def _notices(c: Context, timing: str) -> BatchResult:
    """[1340]#1 事前・事後の通知: one document per household of the CSV — 事前 for those still at the
    address before, 事後 for those now at the address after — addressed to its 世帯主."""
    if not isinstance(c.target, AddressTarget):
        raise violation(
            "notice_target", "通知は現住所の一括変更（世帯番号のCSV）について作成します。", "csv"
        )
    files: dict[str, bytes] = {}
    for r in c.rows:
        if r.problem or c.masked(r) or c.target.done(r) != (timing == "after"):  # type: ignore[arg-type]
            continue
        _, before, after = c.target.shown(r)  # type: ignore[arg-type]
        h = c.target.households[r.subject]
        try:
            doc = build(
                NOTICE,
                staff=c.staff,
                household_id=h.pk,
                before=before,
                after=after,
                effective=c.effective,
                timing=timing,
            )
        except RegistryError:
            continue  # no head to address, or protected since the read: the support staff's
        files[f"住居表示変更通知_{len(files) + 1:04d}.json"] = document_file(doc)
    log("renumbering.notice", notices=len(files), timing=timing, effective_date=str(c.effective))
    note = (
        ""
        if need_to_know(c.staff)
        else "支援措置の対象者がいる世帯の通知は、支援措置担当の職員が作成します。"
    )
    return BatchResult(
        {"notices": len(files)},
        f"{TIMINGS[timing]}を{len(files)}通作成しました（世帯ごと）。{note}",
        files,
    )


def run(params: Mapping[str, Any], progress: Progress | None = None) -> BatchResult:
    known = ("mode", "csv", "effective_date", "round", "towns", "banchi_prefix", "timing")
    p = Params(params, known)
    mode = p.choice("mode", "処理区分", MODES, "trial")
    if mode == "extract":
        return _extract(p)
    if mode == "notice":
        timing = p.choice("timing", "通知の区分", TIMINGS, "after")
        return _notices(Context(p, future=True), timing)
    c = Context(p)
    groups = _groups(c.rows)
    if mode == "final":
        rules.require_approver(c.staff, current().acting_municipality_id)
        keys = [c.key(r) for r in c.rows]
        found = {
            e.idempotency_key: e for e in RegistryEvent.objects.filter(idempotency_key__in=keys)
        }
        if any(
            e.entered_by_id == c.staff.pk
            for e in found.values()
            if e.status == EventStatus.PROVISIONAL
        ):
            raise violation(
                "same_person",
                "仮処理を行った職員は本処理できません。別の決裁者が本処理を実行してください。",
                "staff",
            )
    for n, group in enumerate(groups, start=1):
        if mode == "final":
            _final_group(c, group, found)
        else:
            _trial_group(c, group)
        tick(progress, n, len(groups))
    counts = c.report.counts
    log(f"renumbering.{mode}", batch=c.batch, effective_date=c.effective.isoformat(), **counts)
    verb = "仮登録" if mode == "trial" else "変更"
    return BatchResult(
        dict(counts),
        f"住所一括変更（{MODES[mode]}・処理番号 {c.batch}）: {counts['done']}世帯を{verb}、"
        f"{counts['excluded']}世帯を除外、{counts['already']}世帯は処理済みでした。",
        {f"住所一括変更_{MODES[mode]}結果.csv": c.report.file()},
    )
