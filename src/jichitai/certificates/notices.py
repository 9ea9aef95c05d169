"""通知書の印刷: any register document (``registry.documents``: 受理通知, 職権記載等通知書,
世帯主変更依頼通知書, 転入通知未着照会書, 住民票コード通知票, 市町村通知, 確認用帳票, 支援措置期間終了通知 …)
rendered to an A4 portrait PDF with IPAmj明朝, and every print logged (``NoticePrint``).

One generic layout: 作成日 (和暦, [90]), the addressee, the 発行者 (prefecture, municipality and
its head), the title, the text, the items and the lines of a list document. Names and addresses
are printed exactly as the builder read them (the read layer masked what staff may not see).
``print_notice`` builds and prints in one go; before anything is rendered it checks that the
document is this municipality's and that every person it is about is still readable by the staff
member (a protected person's notice never leaves for staff without need-to-know).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jichitai.audit.recording import record
from jichitai.registry.documents import RegisterDocument, build
from jichitai.registry.selectors import screen_persons
from jichitai.registry.selectors.documents import document_persons
from jichitai.tenancy.context import current
from jichitai.tenancy.models import Municipality, MunicipalSetting
from jichitai.wareki import format_date

from .models import NoticePrint
from .render import render_pdf
from .render.juminhyo import STYLES, template_context, template_engine

TEMPLATE = "certificates/notice.html"
SCREEN = "通知書の印刷"
MAYOR_SETTING = "certificates.mayor_name"  # 団体別設定: the 市区町村長's name printed as 発行者
# items printed in their own place rather than in the table
ADDRESSEE = (("宛先住所", "address"), ("宛先", "name"), ("宛先氏名", "name"))
BODY = ("本文", "受理した旨", "照会事項")
MADE_ON = "作成日"
REFUSED = "この通知書は印刷できません（対象者が見つからないか、取り扱う権限がありません）。"
OTHER_MUNICIPALITY = "他の団体の通知書は印刷できません。"
# [1420]#8 (must not): no mass printing; one press prints at most this many notices
MAX_DOCUMENTS = 50


class NoticeRefused(Exception):
    """Nothing printed; ``message`` says why in Japanese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PrintedNotice:
    documents: tuple[RegisterDocument, ...]
    pdf: bytes
    log: NoticePrint


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "有" if value else "無"
    if isinstance(value, dt.date):
        return format_date(value)
    return str(value)


def _lines(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [_text(v) for v in value] or [""]
    if isinstance(value, Mapping):
        return [f"{k}：{_text(v)}" for k, v in value.items()]
    return _text(value).splitlines() or [""]


def issuer_lines(municipality_code: str) -> list[str]:
    """The 発行者 block: the municipality with its prefecture and the 市区町村長 (its name when the
    municipality has set one). Kept in this one function so a shared issuer block can replace it."""
    m = Municipality.objects.filter(code=municipality_code).first()
    if m is None:
        return []
    mayor = (
        MunicipalSetting.objects.filter(key=MAYOR_SETTING).values_list("value", flat=True).first()
    )
    head = f"{m.prefecture}{m.name}長"
    return [f"{head}\u3000{mayor}" if mayor else head]


def _columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(str(k) for k in row))
    return list(columns)


def notice_context(doc: RegisterDocument) -> dict[str, Any]:
    """What the template prints of ``doc`` (plain strings: autoescaped, never markup)."""
    fields = {str(k): v for k, v in doc.fields.items()}
    addressee = [
        (css, _text(fields[label])) for label, css in ADDRESSEE if _text(fields.get(label))
    ]
    shown = {label for label, _ in ADDRESSEE} | set(BODY) | {MADE_ON}
    columns = _columns(doc.rows)
    return {
        "title": doc.title,
        "made_on": _text(fields.get(MADE_ON)) or format_date(doc.made_on),
        "addressee": addressee,
        "issuer": issuer_lines(doc.municipality_code),
        "body": [t for label in BODY if label in fields for t in _lines(fields[label])],
        "fields": [(k, _lines(v)) for k, v in fields.items() if k not in shown],
        "columns": columns,
        "rows": [[_text(row.get(c)) for c in columns] for row in doc.rows],
    }


def notice_html(doc: RegisterDocument) -> str:
    template = template_engine().get_template(TEMPLATE)
    return str(template.render(template_context(notice_context(doc))))


def render_notice(doc: RegisterDocument) -> bytes:
    """The PDF of ``doc``; refuses (UndrawableCharactersError) a character IPAmj明朝 cannot draw."""
    return render_pdf(notice_html(doc), base_url=STYLES)


def page_count(pdf: bytes) -> int:
    """Pages of ``pdf`` (its page tree's count, read with pyHanko's reader)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])


def _check(doc: RegisterDocument, staff: Any) -> None:
    """The document is this municipality's and every person in it readable by ``staff`` now."""
    code = (
        Municipality.objects.filter(pk=current().municipality_id)
        .values_list("code", flat=True)
        .first()
    )
    if doc.municipality_code != code:
        raise NoticeRefused(OTHER_MUNICIPALITY)
    ids = set(doc.person_ids)
    # found in this municipality (a person whose address is hidden is found, as None) …
    if set(document_persons(ids, staff=staff, screen=SCREEN, function=doc.kind)) != ids:
        raise NoticeRefused(REFUSED)
    # … and none of them protected from this staff member (his notice is the support staff's)
    if screen_persons(ids, staff=staff, screen=SCREEN, function=doc.kind):
        raise NoticeRefused(REFUSED)


def print_documents(docs: Iterable[RegisterDocument], *, staff: Any) -> PrintedNotice:
    """Render ``docs`` (one PDF, each document from a new page) and log the print."""
    from .counter import join_pdfs

    docs = tuple(docs)
    if not docs:
        raise NoticeRefused("印刷する通知書がありません。")
    if len(docs) > MAX_DOCUMENTS:
        raise NoticeRefused(
            f"一度に印刷できる通知書は{MAX_DOCUMENTS}通までです（{len(docs)}通）。条件を絞ってください。"
        )
    for doc in docs:
        _check(doc, staff)
    parts = [render_notice(doc) for doc in docs]
    pdf = join_pdfs(parts)
    persons = sorted({p for doc in docs for p in doc.person_ids})
    log = NoticePrint.objects.create(
        staff_id=getattr(staff, "pk", staff),
        kind=docs[0].kind,
        title=docs[0].title,
        person_ids=persons,
        pages=sum(page_count(part) for part in parts),
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    record(
        "print",
        "certificates.notice.print",
        subject_type="notice_print",
        subject_id=log.pk,
        screen=SCREEN,
        function=docs[0].kind,
        detail={"documents": len(docs), "pages": log.pages, "sha256": log.sha256},
    )
    return PrintedNotice(docs, pdf, log)


def print_notice(kind: str, /, *, staff: Any, **kwargs: Any) -> PrintedNotice:
    """Build the document ``kind`` through its builder (the read layer) and print it."""
    return print_documents([build(kind, staff=staff, **kwargs)], staff=staff)
