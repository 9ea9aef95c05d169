"""The one issuance path: request → eligibility → data → 発行番号 → render → 交付履歴 and print log →
finalize. Counter, API and (next) kiosk all call :func:`issue`.

Rendering is NOT done here: :data:`Renderer` is the interface the PDF engine (certificates.render,
being written alongside) will implement; until it is wired, callers pass one (tests use
:func:`fake.fake_renderer`). Signing comes with that engine as well.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jichitai.tenancy.context import current
from jichitai.tenancy.models import Municipality, MunicipalSetting

from .. import kinds
from ..models import Issuance, IssuanceSubject, PrintLog
from ..render.fonts import UndrawableCharactersError
from . import eligibility, numbering
from .data import CertificateData
from .messages import MISMATCH
from .request import REQUESTER_KINDS, CertificateRequest

Renderer = Callable[[CertificateData], bytes]
KEEP_SETTING = "certificates.history_keep_years"  # 団体別設定: [300]#1 「市区町村が定める期間」


class IssuanceMismatch(Exception):
    """The document about to leave is not about the persons asked for: nothing is handed out."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"{MISMATCH}（{detail}）")
        self.message = MISMATCH


@dataclass(frozen=True)
class Copy:
    number: str  # 発行番号 of this copy (pages add `` x/n``)
    data: CertificateData
    content: bytes


@dataclass(frozen=True)
class Issued:
    request_id: str
    history_id: int
    subject_ids: tuple[int, ...]
    copies: tuple[Copy, ...]
    warnings: tuple[str, ...] = ()


def keep_years() -> int:
    """[300]#1: how long the 交付履歴 is kept (years): the municipality's setting, else
    JICHITAI_ISSUANCE_HISTORY_YEARS (default 5)."""
    row = MunicipalSetting.objects.filter(key=KEEP_SETTING).first()
    value = (
        row.value if row is not None else getattr(settings, "JICHITAI_ISSUANCE_HISTORY_YEARS", 5)
    )
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 5


def _keep_until(today: dt.date) -> dt.date:
    years = keep_years()
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def finalize(issued: Issued, subject_ids: Iterable[int]) -> Issued:
    """The last check before a response leaves: every copy belongs to this request and is about
    exactly ``subject_ids``; raises :class:`IssuanceMismatch` otherwise."""
    expected = sorted({int(p) for p in subject_ids})
    printed = sorted({p for c in issued.copies for p in c.data.person_ids})
    if printed != expected or sorted(issued.subject_ids) != expected:
        raise IssuanceMismatch(f"請求 {expected} / 証明書 {printed}")
    for c in issued.copies:
        if c.data.request_id != issued.request_id or not c.number or c.data.number != c.number:
            raise IssuanceMismatch(f"請求ID {issued.request_id} / 証明書 {c.data.request_id}")
    return issued


def _record(
    req: CertificateRequest,
    cleared: eligibility.Cleared,
    copies: list[Copy],
    staff: Any,
    now: dt.datetime,
) -> Issuance:
    items = sorted({k for c in copies for m in c.data.members for k in m})
    history = Issuance.objects.create(
        request_id=req.request_id,
        issued_at=now,
        place=req.station.place,
        terminal=req.station.terminal,
        printer=req.station.printer,
        staff=staff,
        kind=req.kind,
        subject_ids=list(cleared.subject_ids),
        requester_kind=req.requester.kind,
        requester_name=req.requester.name,
        purpose=req.requester.purpose,
        items=items,
        copies=len(copies),
        pages=sum(c.data.pages for c in copies),
        numbers=[c.number for c in copies],
        keep_until=_keep_until(timezone.localdate(now)),
    )
    IssuanceSubject.objects.bulk_create(
        [
            IssuanceSubject(municipality_id=history.municipality_id, issuance=history, person_id=p)
            for p in cleared.subject_ids
        ]
    )
    PrintLog.objects.bulk_create(
        [
            PrintLog(
                municipality_id=history.municipality_id,
                issuance=history,
                number=c.number,
                copy_no=i,
                pages=c.data.pages,
                sha256=hashlib.sha256(c.content).hexdigest(),
                printed_at=now,
            )
            for i, c in enumerate(copies, 1)
        ]
    )
    return history


def issue(
    req: CertificateRequest, *, staff: Any, renderer: Renderer, now: dt.datetime | None = None
) -> Issued:
    """Issue ``req``: refused (:class:`eligibility.IssuanceRefused`) or every copy numbered, rendered,
    recorded and checked in one transaction (a failure anywhere takes the numbers back)."""
    from .. import overflow  # [1070]: the alert, the 文字超過リスト

    try:
        return _issue(req, staff=staff, renderer=renderer, now=now or timezone.now())
    except UndrawableCharactersError as exc:
        # the issuance is rolled back; the 外字 list keeps the characters and their persons
        overflow.record_undrawable(exc, req, staff=staff)
        raise


def _issue(req: CertificateRequest, *, staff: Any, renderer: Renderer, now: dt.datetime) -> Issued:
    from .. import overflow

    today = timezone.localdate(now)
    with transaction.atomic():
        cleared = eligibility.check(req, staff=staff)
        municipality = Municipality.objects.get(pk=current().municipality_id)
        documents = kinds.get(req.kind).build(  # type: ignore[union-attr]  # checked
            req, cleared.subject_ids, staff=staff, today=today, municipality=municipality
        )
        documents = overflow.prepare(documents)
        alerts = overflow.check(documents, req)
        wanted = [d for _ in range(req.options.copies) for d in documents]
        seqs = numbering.take(today, len(wanted))
        copies = []
        for seq, doc in zip(seqs, wanted, strict=True):
            number = numbering.copy_number(
                today, municipality.name, req.station.terminal, req.station.printer, seq
            )
            numbered = replace(
                doc, number=number, page_numbers=numbering.page_numbers(number, doc.pages)
            )
            copies.append(Copy(number, numbered, renderer(numbered)))
        history = _record(req, cleared, copies, staff, now)
        overflow.record(copies[: len(documents)], staff=staff, history=history)
        issued = Issued(
            req.request_id, history.pk, cleared.subject_ids, tuple(copies), cleared.warnings + alerts
        )
        return finalize(issued, cleared.subject_ids)


def requester_label(kind: str) -> str:
    return REQUESTER_KINDS.get(kind, "")
