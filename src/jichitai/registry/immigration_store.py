"""法務省通知 kept until taken in ([960]#1 「通知日にかかわらず取込が済んでいない対象者が一覧でき、手動で取込
ができること」): a file is received (stored, all or none), the stored notices not yet taken in are
reviewed together whatever their 通知日 (the same 確認票), the 取込可 ones applied (仮登録, marked with
their 異動), and one taken in by hand is settled with the clerk's own 異動.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import violation
from .immigration import Applied, Notice, Review, apply_review, parse, review_notices
from .immigration_models import ImmigrationNotice, NoticeState
from .models import EventStatus, RegistryEvent


@dataclass
class Received:
    added: int = 0
    already: int = 0  # 通知番号 received before (a file sent twice adds nothing twice)
    problems: list[tuple[int, str]] = field(default_factory=list)


def receive(text: str, *, file_name: str = "") -> Received:
    """Store a file's notices; a file with any malformed line stores nothing."""
    notices, problems = parse(text)
    if problems:
        return Received(problems=problems)
    known = set(
        ImmigrationNotice.objects.filter(number__in=[n.number for n in notices]).values_list(
            "number", flat=True
        )
    )
    new = [n for n in notices if n.number not in known]
    ImmigrationNotice.objects.bulk_create(
        [
            ImmigrationNotice(
                number=n.number,
                notified_on=n.notified_on,
                action=n.action,
                reason=n.reason[:100],
                effective_date=n.effective,
                card=n.card,
                birth_date=n.birth_date,
                sex=n.sex,
                changes=n.changes,
                file_name=file_name[:200],
            )
            for n in new
        ]
    )
    return Received(added=len(new), already=len(notices) - len(new))


def _notice(row: ImmigrationNotice) -> Notice:
    return Notice(
        row.pk,
        row.number,
        row.notified_on,
        row.action,
        row.reason,
        row.effective_date,
        row.card,
        row.birth_date,
        row.sex,
        dict(row.changes),
    )


def pending() -> list[Notice]:
    """The notices not taken in yet, whatever their 通知日, in 異動 order."""
    rows = ImmigrationNotice.objects.filter(state=NoticeState.PENDING).order_by(
        "effective_date", "pk"
    )
    return [_notice(r) for r in rows]


def review_pending(*, staff: Any) -> Review:
    return review_notices(pending(), staff=staff)


def apply_pending(*, staff: Any) -> Applied:
    """Submit the 取込可 stored notices (all or none) and mark each with its 異動."""
    from django.db import transaction

    with transaction.atomic():
        result = apply_review(review_pending(staff=staff), staff=staff)
        for number, event_id in result.events.items():
            ImmigrationNotice.objects.filter(number=number).update(
                state=NoticeState.SUBMITTED, event_id=event_id
            )
    return result


def settle(number: str, event_id: int) -> None:
    """手動で取込: the notice was taken in by the clerk's own 異動 (an approved one)."""
    notice = ImmigrationNotice.objects.filter(number=number, state=NoticeState.PENDING).first()
    if notice is None:
        raise violation("not_found", f"未取込の通知（通知番号 {number}）がありません。", "number")
    if not RegistryEvent.objects.filter(pk=event_id, status=EventStatus.APPROVED).exists():
        raise violation("not_found", "本登録された異動が見つかりません。", "event_id")
    notice.state, notice.event_id = NoticeState.SETTLED, event_id
    notice.save(update_fields=["state", "event"])
