"""文字溢れ and 未登録外字 at issuance ([1070]#2): the alert, the 文字超過リスト and its reading.

- Before numbering, every copy is fitted (render.fit); a value that does not fit its box even at
  the smallest size stops issuance with an alert naming the items, until the clerk confirms it
  (``params["overflow_confirmed"]``, like an 抑止（アラート）). Then the box is printed as far as it
  goes or blank (団体別設定 ``certificates.overflow_print``: ``limit`` 限界まで, the default, or
  ``blank`` 空白) and the full text on the 別紙 before the 認証文; the lines go on the list with the
  copy's 発行番号.
- A character IPAmj明朝 cannot draw stops issuance (render.fonts); the person, item and code point go
  on the list outside the rolled-back issuance, so the 外字 can be identified (外字同定).
- The list is read through the register's read layer: a line about a person staff may not see
  (支援措置 without need-to-know) is not shown, nor counted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.utils import timezone

from jichitai.registry.selectors.documents import document_persons
from jichitai.wareki import format_date

from .issuance.data import CertificateData
from .issuance.eligibility import IssuanceRefused, Refusal
from .issuance.request import CertificateRequest
from .overflow_models import OVERFLOW, UNDRAWABLE, OverflowEntry
from .render.fit import BLANK, LIMIT, MIN_PT, plan

SETTING = "certificates.overflow_print"
SCREEN = "文字超過リスト"
ALERT = (
    "欄に収まらない事項があります（{items}）。最小の{size}ポイントでも収まらないため、欄には{how}、"
    "全文を別紙に印字します。見本で確認のうえ「文字溢れを確認しました」にチェックして発行してください。"
)
PRINTED = "文字溢れのある事項（{items}）は別紙に全文を印字し、文字超過リストに記録しました。"
HOW = {LIMIT: "入る所まで印字し", BLANK: "何も印字せず（※印のみ）"}
UNDRAWABLE_LISTED = (
    "印字できない文字（{codes}）があるため発行を中止しました。"
    "文字超過リストに記録しましたので、外字同定を行い、正しい文字で記録してから発行してください。"
)
KIND_LABELS = dict(OverflowEntry._meta.get_field("kind").choices)


def print_mode() -> str:
    """[1070]#2 パラメータ: ``limit`` (限界まで出力, default) or ``blank`` (空白で出力)."""
    from jichitai.tenancy.models import MunicipalSetting

    row = MunicipalSetting.objects.filter(key=SETTING).first()
    return BLANK if row is not None and row.value == BLANK else LIMIT


def prepare(documents: Sequence[CertificateData]) -> list[CertificateData]:
    """The copies with the municipality's overflow setting, for the renderer to apply; a copy with
    a 別紙 counts its page (the 交付履歴's 枚数 and the 発行番号's x/n)."""
    mode = print_mode()
    out = []
    for d in documents:
        d = replace(d, overflow_print=mode)
        if plan(d).annex:
            d = replace(d, page_count=d.pages + 1)
        out.append(d)
    return out


def _items(documents: Iterable[CertificateData]) -> list[str]:
    labels: dict[str, None] = {}
    for d in documents:
        for _, f in plan(d).overflows:
            labels[f.label] = None
    return list(labels)


def check(documents: Sequence[CertificateData], req: CertificateRequest) -> tuple[str, ...]:
    """The alert: refused until confirmed when a value overflows; the warning once confirmed."""
    items = _items(documents)
    if not items:
        return ()
    listed = "、".join(items)
    if str(req.params.get("overflow_confirmed", "")).lower() not in ("1", "on", "true"):
        mode = documents[0].overflow_print if documents else LIMIT
        message = ALERT.format(items=listed, size=f"{MIN_PT:g}", how=HOW.get(mode, HOW[LIMIT]))
        raise IssuanceRefused(Refusal("overflow", message))
    return (PRINTED.format(items=listed),)


def record(copies: Sequence[Any], *, staff: Any, history: Any) -> None:
    """One line per value that overflowed, with the copy's 発行番号 (each different copy once)."""
    rows = []
    for copy in copies:
        data = copy.data
        ids = list(data.person_ids)
        for index, f in plan(data).overflows:
            # the address belongs to the household: the first person stands for it on the list
            pid = (
                ids[index] if index is not None and index < len(ids) else (ids[0] if ids else None)
            )
            rows.append(
                OverflowEntry(
                    kind=OVERFLOW,
                    staff=staff,
                    certificate_kind=data.kind,
                    issuance=history,
                    number=copy.number,
                    person_id=pid,
                    item=f.label,
                    text=f.full,
                )
            )
    for row in rows:
        row.save()


def record_undrawable(exc: Any, req: CertificateRequest, *, staff: Any) -> None:
    """The characters that stopped issuance, with the person and item they were found in."""
    found = getattr(exc, "found", None) or [
        (None, "", c, code) for c, code in zip(exc.characters, exc.codes, strict=True)
    ]
    for pid, item, ch, code in found:
        OverflowEntry(
            kind=UNDRAWABLE,
            staff=staff,
            certificate_kind=req.kind,
            person_id=pid,
            item=item,
            text=ch,
            codes=code,
        ).save()


@dataclass(frozen=True)
class Line:
    entry: OverflowEntry
    name: str  # the person's name as printed ("" for a line without a person)
    kind: str
    recorded_on: str  # 和暦
    candidates: tuple[tuple[str, str], ...] = ()  # 外字同定候補 (MJ文字図形名, character)


def _candidates(entry: OverflowEntry) -> tuple[tuple[str, str], ...]:
    """外字同定候補 for a character of another IVS collection (its base is known); a private-use
    character has no base, so it is identified by 読み・部首 in 文字選択."""
    from jichitai.moji.chars import is_private_use
    from jichitai.moji.gaiji import candidates

    if entry.kind != UNDRAWABLE or not entry.text or is_private_use(entry.text[0]):
        return ()
    return tuple((c.mj, c.char or "") for c in candidates(base_char=entry.text[0], limit=5))


def lines(*, staff: Any, unchecked_only: bool = False, issuance_id: int | None = None) -> list[Line]:
    """The list as ``staff`` may see it: newest first; a protected person's lines are left out.
    ``issuance_id``: the lines of one issuance, the list output at issuance ([1420]#6)."""
    qs = OverflowEntry.objects.order_by("-recorded_at", "-pk")
    if unchecked_only:
        qs = qs.filter(checked_at__isnull=True)
    if issuance_id is not None:
        qs = qs.filter(issuance_id=issuance_id)
    entries = list(qs[:500])
    ids = {e.person_id for e in entries if e.person_id is not None}
    seen = document_persons(ids, staff=staff, screen=SCREEN, function="certificates.overflow")
    out = []
    for e in entries:
        person = seen.get(e.person_id) if e.person_id is not None else None
        if e.person_id is not None and person is None:
            continue  # masked, or gone from this municipality's register: not shown
        name = ""
        if person is not None:
            name = f"{person.values.get('family_name', '')}　{person.values.get('given_name', '')}".strip(
                "　"
            )
        out.append(
            Line(
                e,
                name,
                KIND_LABELS.get(e.kind, e.kind),
                format_date(timezone.localdate(e.recorded_at)),
                _candidates(e),
            )
        )
    return out


def list_link(history_id: int) -> str:
    """[1420]#6: where the 文字超過リスト of one issuance is output (CSV to print), "" when nothing
    of it overflowed; the issuance's answer names it (header ``X-Jichitai-Overflow-List``)."""
    if not OverflowEntry.objects.filter(issuance_id=history_id, kind=OVERFLOW).exists():
        return ""
    from django.urls import reverse

    return f"{reverse('certificates:overflow')}?issuance={history_id}&format=csv"


def name_list(response: Any, history_id: int) -> Any:
    """[1420]#6: the answer of an issuance with a 文字溢れ names its 文字超過リスト (screen and API)."""
    link = list_link(history_id)
    if link:
        response["X-Jichitai-Overflow-List"] = link
        response["Link"] = f'<{link}>; rel="related"; title="moji-chouka"'
    return response


def mark_checked(entry_id: int, *, staff: Any) -> bool:
    """確認済み: only a line ``staff`` can see on the list (else False, as not found)."""
    if entry_id not in {line.entry.pk for line in lines(staff=staff)}:
        return False
    OverflowEntry.objects.filter(pk=entry_id).update(checked_at=timezone.now(), checked_by=staff)
    return True


CSV_HEADER = (
    "記録日",
    "区分",
    "証明書の種別",
    "発行番号",
    "住民ID",
    "氏名",
    "項目",
    "内容",
    "文字コード",
    "確認",
)


def _cell(value: Any) -> str:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text  # never a spreadsheet formula


def csv_text(rows: Sequence[Line], titles: dict[str, str]) -> str:
    """The list as CSV (UTF-8 with BOM for spreadsheet software) for printing or checking."""
    out = io.StringIO()
    out.write("\ufeff")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    for r in rows:
        e = r.entry
        w.writerow(
            [
                _cell(v)
                for v in [
                    r.recorded_on,
                    r.kind,
                    titles.get(e.certificate_kind, e.certificate_kind),
                    e.number,
                    e.person_id or "",
                    r.name,
                    e.item,
                    e.text,
                    e.codes,
                    "済" if e.checked_at else "",
                ]
            ]
        )
    return out.getvalue()
