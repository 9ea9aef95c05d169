"""戸籍通知の取込 ([770]#1, [780], [830]): the 本籍地's 住民票記載事項通知 (法第9条第2項) as a batch.

A file (JSON, format ``jichitai.koseki-notice/1``, documented in docs/registry.md 「職権による記載等」)
holds notices of 本籍・筆頭者 changes, 氏名 changes, 失踪 and 死亡. Each notice is matched to one
current resident through the read layer (住民票コード, else 氏名 and 生年月日) and entered as the
right 職権 異動 (仮登録, a 決裁者 approves as for any 異動) with its 戸籍届出日 and 通知日 and a
職権記録書 (契機: 戸籍通知). A notice that matches nobody, more than one person, a person the
operator may not see, or that the register refuses goes to the 確認 list, which states only what
the notice itself says (never a resident's register data). Running a file again enters nothing
twice: each notice's id is its idempotency key.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from . import ex_officio, selectors
from .errors import AlertsRaised, RegistryError
from .ex_officio_models import ExOfficioBasis

FORMAT = "jichitai.koseki-notice/1"
MAX_NOTICES = 10_000
Text = Annotated[str, StringConstraints(max_length=200, strip_whitespace=True)]
TYPES = {
    "koseki_display": "本籍・筆頭者の変更",
    "name": "氏名の変更",
    "disappearance": "失踪",
    "death": "死亡",
}
NOT_SHOWN = "自動で処理できませんでした。権限のある職員が通知の内容を確認して処理してください。"


class Who(BaseModel):
    """How the notice names the person (the 住民票コード, or 氏名 and 生年月日)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    resident_code: Annotated[str, StringConstraints(pattern=r"^$|^[0-9]{11}$")] = ""
    family_name: Text = ""
    given_name: Text = ""
    birth_date: dt.date | None = None


class Notice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z_.-]+$")]
    type: Literal["koseki_display", "name", "disappearance", "death"]
    effective_date: dt.date  # the 異動日 (e.g. the 届出's 受理日, the 失踪宣告's みなし死亡日)
    koseki_reported_on: dt.date | None = None  # 戸籍届出日
    notified_on: dt.date | None = None  # 通知日 (default: the day of processing)
    person: Who
    honseki: Text = ""
    hittousha: Text = ""
    family_name: Text = ""
    given_name: Text = ""
    family_name_kana: Text = ""
    given_name_kana: Text = ""


class Batch(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    format: Literal["jichitai.koseki-notice/1"]
    source: Annotated[
        str, StringConstraints(min_length=1, max_length=60, strip_whitespace=True)
    ]  # 本籍地
    notices: Annotated[list[dict[str, Any]], Field(max_length=MAX_NOTICES)]


class IntakeFormatError(ValueError):
    """The file is not a batch of this format (nothing was entered)."""


@dataclass(frozen=True)
class Line:
    notice_id: str
    type_label: str
    name: str  # as the notice states it
    message: str
    event_id: int | None = None


@dataclass
class IntakeResult:
    entered: list[Line] = field(default_factory=list)
    to_confirm: list[Line] = field(default_factory=list)

    CONFIRM_HEADER = ("通知番号", "種別", "氏名（通知の記載）", "確認の理由")

    def confirm_rows(self) -> list[tuple[str, str, str, str]]:
        return [(x.notice_id, x.type_label, x.name, x.message) for x in self.to_confirm]


def parse(text: str | bytes) -> Batch:
    try:
        return Batch.model_validate(json.loads(text))
    except (ValueError, ValidationError) as exc:
        raise IntakeFormatError(
            f"戸籍通知ファイルの形式が正しくありません（{FORMAT} の JSON）: {str(exc)[:300]}"
        ) from None


def _request(n: Notice, pid: int) -> tuple[str, dict[str, Any]]:
    if n.type == "koseki_display":
        changes = {f: getattr(n, f) for f in ("honseki", "hittousha") if getattr(n, f)}
        return "ex_officio_correction", {"person_id": pid, "changes": changes}
    if n.type == "name":
        names = ("family_name", "given_name", "family_name_kana", "given_name_kana")
        return "name_change", {
            "person_id": pid,
            **{f: getattr(n, f) for f in names if getattr(n, f)},
        }
    return n.type, {"person_id": pid}


def _match(who: Who, staff: Any) -> tuple[int | None, str]:
    """The one current resident the notice names, or why there is none."""
    if who.resident_code:
        query = selectors.SearchQuery(resident_code=who.resident_code, page_size=3)
    elif who.family_name and who.birth_date:
        query = selectors.SearchQuery(
            name=who.family_name + who.given_name,
            match="exact",
            birth_date=who.birth_date,
            page_size=3,
        )
    else:
        return None, "通知に住民票コード、または氏名と生年月日がありません。"
    found = selectors.search(query, staff=staff, screen="戸籍通知の取込").results
    if any(r.masked or r.id is None for r in found):
        return None, NOT_SHOWN
    if not found:
        return None, "該当する住民がいません。"
    if len(found) > 1:
        return None, f"該当する住民が複数（{len(found)}人）います。"
    return found[0].id, ""


def _key(source: str, nid: str) -> str:
    """The notice's idempotency key: a run again replays it, unless its 異動 was rejected (却下, e.g.
    refused as stale because another notice of the file changed the household first): then anew."""
    from .models import EventStatus, RegistryEvent

    base = f"koseki:{source}:{nid}"[:90]
    used = dict(
        RegistryEvent.objects.filter(idempotency_key__startswith=base).values_list(
            "idempotency_key", "status"
        )
    )
    n = 1
    while used.get(base if n == 1 else f"{base}#{n}") == EventStatus.REJECTED:
        n += 1
    return base if n == 1 else f"{base}#{n}"


def _done(key: str) -> int | None:
    from .models import RegistryEvent

    return RegistryEvent.objects.filter(idempotency_key=key).values_list("pk", flat=True).first()


def _one(raw: dict[str, Any], source: str, staff: Any, result: IntakeResult) -> None:
    try:
        n = Notice.model_validate(raw)
    except ValidationError as exc:
        nid = str(raw.get("id") or "")[:40] if isinstance(raw, dict) else ""
        result.to_confirm.append(
            Line(nid, "", "", f"通知の形式が正しくありません: {exc.error_count()}件の誤り")
        )
        return
    name = f"{n.person.family_name}　{n.person.given_name}".strip("　") or n.person.resident_code
    label = TYPES[n.type]
    key = _key(source, n.id)
    if (
        done := _done(key)
    ) is not None:  # entered by an earlier run: the person may no longer match
        result.entered.append(Line(n.id, label, name, "取込済みです（前回の取込）", done))
        return
    pid, why = _match(n.person, staff)
    if pid is None:
        result.to_confirm.append(Line(n.id, label, name, why))
        return
    kind, request = _request(n, pid)
    basis = ExOfficioBasis.KOSEKI_NOTICE
    try:
        sub = ex_officio.submit(
            kind,
            request,
            effective_date=n.effective_date,
            entered_by=staff,
            basis=basis,
            koseki_reported_on=n.koseki_reported_on,
            notified_on=n.notified_on,
            matter=f"{source}からの戸籍通知（{label}）",
            notice_ref=f"{source}:{n.id}",
            idempotency_key=key,
        )
    except AlertsRaised as exc:
        msgs = "／".join(v.message for v in exc.violations)
        result.to_confirm.append(Line(n.id, label, name, f"確認が必要です: {msgs}"))
        return
    except RegistryError as exc:
        support = any(v.rule.startswith("support_measure") for v in exc.violations)
        msgs = NOT_SHOWN if support else "／".join(v.message for v in exc.violations)
        result.to_confirm.append(Line(n.id, label, name, msgs))
        return
    done = "取込済みです（前回の取込）" if sub.replayed else "仮登録しました"
    result.entered.append(Line(n.id, label, name, done, sub.event.pk))


def run(text: str | bytes, *, staff: Any) -> IntakeResult:
    """Enter every notice of the file (each on its own: one refused never stops the others)."""
    from jichitai.accounts.capabilities import require_capability

    require_capability(
        staff, "registry.enter"
    )  # the operator enters 異動 like a clerk at the counter
    batch = parse(text)
    result = IntakeResult()
    for raw in batch.notices:
        _one(raw if isinstance(raw, dict) else {}, batch.source, staff, result)
    return result
