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
from ..fees import charge as fees
from ..models import Issuance, IssuanceSubject, PrintLog
from ..render.certificate import check_printable
from ..render.fonts import UndrawableCharactersError
from ..verify import codes
from . import eligibility, numbering
from .data import CertificateData
from .messages import MISMATCH
from .request import OFFICIAL, REQUESTER_KINDS, CertificateRequest

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


def with_issuer(
    documents: list[CertificateData], req: CertificateRequest, municipality: Any, today: dt.date
) -> list[CertificateData]:
    """Every document with its 認証者 and 電子公印 (``extra["issuer"]``, [1000]#2, [1050]) unless its
    kind set one itself; 「公用」 for a 公用 request of the 住民票の写し family ([1060]#1). No 認証者
    or 公印 to print refuses the request."""
    from ..authority import AuthorityMissing, issuer_block
    from ..authority.service import AuthorityError

    kind = kinds.get(req.kind)
    official = req.requester.kind == OFFICIAL and kind is not None and "1000" in kind.functions
    try:
        block = issuer_block(municipality, req.kind, on=today, official=official)
    except (AuthorityMissing, AuthorityError) as exc:
        raise eligibility.IssuanceRefused(eligibility.Refusal("authority", exc.message)) from exc
    return [
        d if "issuer" in d.extra else replace(d, extra={**d.extra, "issuer": block})
        for d in documents
    ]


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


def _reserve(
    req: CertificateRequest,
    cleared: eligibility.Cleared,
    documents: list[CertificateData],
    staff: Any,
    now: dt.datetime,
) -> Issuance:
    """The 交付履歴 row of the numbers just taken, 発行中 until the copies exist."""
    history = Issuance.objects.create(
        request_id=req.request_id,
        issued_at=now,
        place=req.station.place,
        terminal=req.station.terminal,
        printer=req.station.printer,
        tray=req.station.tray,
        staff=staff,
        kind=req.kind,
        subject_ids=list(cleared.subject_ids),
        requester_kind=req.requester.kind,
        requester_name=req.requester.name,
        purpose=req.requester.purpose,
        params=dict(req.params),
        items=sorted({k for d in documents for m in d.members for k in m}),
        copies=len(documents),
        pages=sum(d.pages for d in documents),
        numbers=[d.number for d in documents],
        keep_until=_keep_until(timezone.localdate(now)),
        status=Issuance.RESERVED,
    )
    IssuanceSubject.objects.bulk_create(
        [
            IssuanceSubject(municipality_id=history.municipality_id, issuance=history, person_id=p)
            for p in cleared.subject_ids
        ]
    )
    return history


def _complete(history: Issuance, copies: list[Copy], now: dt.datetime) -> None:
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
    Issuance.objects.filter(pk=history.pk).update(status=Issuance.ISSUED)
    _print_log(history, copies)


def _print_log(history: Issuance, copies: list[Copy]) -> None:
    """②帳票発行 and the 印刷ログ in the access log ([1370]#1): who, when, the title, copies and
    pages, the printer or terminal, 公印 printed or not, 個人番号 printed or not, 出力形式 and the
    発行番号 — in the tamper-evident chain beside the 交付履歴's own PrintLog rows."""
    from jichitai.audit.recording import record

    kind = kinds.get(history.kind)
    my_number = "個人番号" in history.items  # the printed items are the 記載事項 names
    record("print", "certificates.issue", subject_type="issuance", subject_id=history.pk,
           screen="証明書の交付", function=history.kind, my_number_shown=my_number, detail={
               "title": kind.title if kind is not None else history.kind, "persons": list(history.subject_ids),
               "copies": len(copies), "pages": sum(c.data.pages for c in copies),
               "numbers": [c.number for c in copies], "printer": history.printer, "terminal": history.terminal,
               "place": history.place, "official_seal": any(bool((c.data.extra.get("issuer") or {}).get("seal"))
                                                            for c in copies),
               "my_number_printed": my_number, "output": "print", "request_id": history.request_id})


def _spoil(history_id: int, error: BaseException) -> None:
    """書損: the numbers of a copy that could not be made stay in the 交付履歴 as void, so the
    day's sequence has no hole and no number is ever handed out twice."""
    reason = f"{type(error).__name__}: {error}"[:200]
    with transaction.atomic():
        Issuance.objects.filter(pk=history_id).update(
            status=Issuance.SPOILED, disposed_at=timezone.now(), disposed_reason=reason
        )


def _numbered(
    req: CertificateRequest,
    documents: list[CertificateData],
    day: dt.date,
    municipality: Any,
    verifiable: bool,
) -> list[CertificateData]:
    wanted = [d for _ in range(req.options.copies) for d in documents]
    out = []
    for seq, doc in zip(numbering.take(day, len(wanted)), wanted, strict=True):
        number = numbering.copy_number(
            day, municipality.name, req.station.terminal, req.station.printer, seq
        )
        numbered = replace(
            doc, number=number, page_numbers=numbering.page_numbers(number, doc.pages)
        )
        if verifiable:  # 検証コード: one per copy, printed with the signature (docs)
            extra = {**numbered.extra, "verification": codes.printed(codes.new_code())}
            numbered = replace(numbered, extra=extra)
        out.append(numbered)
    return out


def issue(
    req: CertificateRequest, *, staff: Any, renderer: Renderer, now: dt.datetime | None = None
) -> Issued:
    """Issue ``req``: refused (:class:`eligibility.IssuanceRefused`) or every copy numbered,
    rendered, recorded and checked.

    Three short steps, so the day's counter is locked only while numbers are taken, not while
    pages are drawn and signed: (1) rules, data, numbers and a 発行中 交付履歴 row; (2) render and
    sign, outside any transaction; (3) the print log and 交付済. A copy that cannot be made
    turns its row into 書損 (its numbers void, none reused) and the error goes to the caller; a
    character the font cannot draw also goes on the 文字超過・外字 list ([1070]).
    """
    from .. import overflow

    try:
        return _issue(req, staff=staff, renderer=renderer, now=now or timezone.now())
    except UndrawableCharactersError as exc:
        overflow.record_undrawable(exc, req, staff=staff)
        raise


def _issue(req: CertificateRequest, *, staff: Any, renderer: Renderer, now: dt.datetime) -> Issued:
    from .. import overflow  # [1070]: the alert, the 文字超過リスト

    today = timezone.localdate(now)
    verifiable = codes.enabled()
    if verifiable and not codes.public_base():
        raise eligibility.IssuanceRefused(
            eligibility.Refusal("not_configured", codes.NO_PUBLIC_URL)
        )
    with transaction.atomic():
        cleared = eligibility.check(req, staff=staff)
        charge = fees.charge_for(req)  # 手数料 and its 減免 (refuses an unknown 減免事由)
        municipality = Municipality.objects.get(pk=current().municipality_id)
        documents = kinds.get(req.kind).build(  # type: ignore[union-attr]  # checked
            req, cleared.subject_ids, staff=staff, today=today, municipality=municipality
        )
        documents = with_issuer(documents, req, municipality, today)
        documents = overflow.prepare(documents)
        alerts = overflow.check(documents, req)
        for d in documents:  # a name the font cannot draw is refused before any number
            check_printable(d)
        numbered = _numbered(req, documents, today, municipality, verifiable)
        history = _reserve(req, cleared, numbered, staff, now)
    try:
        copies = [Copy(d.number, d, renderer(d)) for d in numbered]
    except BaseException as error:
        _spoil(history.pk, error)
        raise
    with transaction.atomic():
        _complete(history, copies, now)
        kind = kinds.get(req.kind)
        if kind is not None and kind.recorded is not None:  # e.g. [660]: the first issue's state
            kind.recorded(history, [c.data for c in copies])
        fees.record(history, charge)  # a 書損 is charged nothing
        codes.record(copies, issuance=history, municipality=municipality)
        overflow.record(copies[: len(documents)], staff=staff, history=history)
    issued = Issued(
        req.request_id, history.pk, cleared.subject_ids, tuple(copies), cleared.warnings + alerts
    )
    return finalize(issued, cleared.subject_ids)


def requester_label(kind: str) -> str:
    return REQUESTER_KINDS.get(kind, "")
