"""アクセスログ as an EUC data source ([1370]#2: 「EUC機能を用いた後日分析」): the municipality's
audit chain, one row per entry, for its auditors only (``audit.search`` in the acting municipality,
never under 代行, as the audit search screen), with every EUC condition, analysis and output.

What a row holds: when, which log, what (the catalogue's title), who, screen, function, 端末名,
subject (kind and id), 個人番号 shown or not, severity and seq. The entry's detail is not offered:
it may hold what was typed into a search. 支援措置: for an auditor without need-to-know, a
protected person's id in the subject reads 「（非表示）」; the entry itself stays (auditing the
accesses to a protected person is the point of the log). Another municipality's chain never
appears (tenant manager and RLS).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from jichitai.accounts.capabilities import CapabilityMissing
from jichitai.audit.events import describe
from jichitai.audit.models import AuditEntry, Category, Severity
from jichitai.audit.search import is_auditor

from ..selectors.addresses import HIDDEN
from ..selectors.euc_source import CHUNK, Shield
from .catalogue import Item, Source, register

NAME = "access_log"
CAPABILITY = "audit.search"
_L = frozenset({NAME})
_PERSON_SUBJECTS = frozenset({"person", "archived_person"})
ITEMS: tuple[Item, ...] = (
    Item("log_seq", "ログ連番", "number", _L, standard=False),
    Item("log_on", "操作年月日", "date", _L, standard=False),
    Item("log_time", "操作時刻", "text", _L, standard=False),
    Item("log_category", "ログの種類", "code", _L, standard=False, codes=tuple(Category.choices)),
    Item("log_action", "操作種別", "text", _L, standard=False),
    Item("log_title", "操作の名称", "text", _L, standard=False),
    Item("log_severity", "重要度", "code", _L, standard=False, codes=tuple(Severity.choices)),
    Item("log_username", "操作者ID", "text", _L, standard=False),
    Item("log_screen", "画面名", "text", _L, standard=False),
    Item("log_function", "機能名", "text", _L, standard=False),
    Item("log_terminal", "操作端末名", "text", _L, standard=False),
    Item("log_subject_type", "対象の種別", "text", _L, standard=False),
    Item("log_subject_id", "対象ID", "text", _L, standard=False),
    Item(
        "log_my_number",
        "個人番号へのアクセス有無",
        "code",
        _L,
        standard=False,
        codes=(("1", "有"), ("0", "無")),
    ),
)


def _terminal(detail_json: str) -> str:
    try:
        detail = json.loads(detail_json)
    except ValueError:
        return ""
    return str(detail.get("input_terminal_name") or "") if isinstance(detail, dict) else ""


def rows(shield: Shield) -> Iterator[dict[str, Any]]:
    """The entries of the municipality's chain, oldest first."""
    if not is_auditor():
        raise CapabilityMissing(CAPABILITY)
    fields = (
        "seq",
        "occurred_at",
        "category",
        "action",
        "severity",
        "username",
        "screen",
        "function",
        "subject_type",
        "subject_id",
        "my_number_shown",
        "detail_json",
    )
    for e in AuditEntry.objects.order_by("seq").values(*fields).iterator(chunk_size=CHUNK):
        at = timezone.localtime(e["occurred_at"])
        subject = e["subject_id"]
        if (
            not shield.may_see
            and e["subject_type"] in _PERSON_SUBJECTS
            and subject.isdigit()
            and int(subject) in shield.persons
        ):
            subject = HIDDEN
        title, _ = describe(e["category"], e["action"], {})
        yield shield.finish(
            {
                "log_seq": e["seq"],
                "log_on": at.date(),
                "log_time": at.strftime("%H:%M:%S"),
                "log_category": e["category"],
                "log_action": e["action"],
                "log_title": title,
                "log_severity": e["severity"],
                "log_username": e["username"],
                "log_screen": e["screen"],
                "log_function": e["function"],
                "log_terminal": _terminal(e["detail_json"]),
                "log_subject_type": e["subject_type"],
                "log_subject_id": subject,
                "log_my_number": "1" if e["my_number_shown"] else "0",
            },
            None,
            None,
        )


SOURCE = Source(NAME, "アクセスログ（監査ログ。監査担当のみ）", rows, CAPABILITY)


def install() -> None:
    register(SOURCE, ITEMS)
