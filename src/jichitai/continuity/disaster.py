"""災害宣言と代行 (issue 14): a stricken municipality's declaration lends its register to partners.

A declaration is the stricken municipality's own row (``tenancy.DisasterDeclaration``, a tenant
model): it is made, extended, ended or revoked only in that municipality's own context, by its
団体管理者 or the 協議会管理者 (capability ``continuity.manage``, never lent under 代行). Declaring
creates one ``DelegationGrant`` per partner for the declared period — the one 代行 mechanism the
selector, the session check, the audit and PostgreSQL's row-level security already know; nothing
else lets a partner in. Ending or revoking closes those grants, so a partner's next request ends
its session (accounts.selection.check_selection).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.accounts.capabilities import require_capability
from jichitai.audit.recording import record
from jichitai.tenancy.context import current
from jichitai.tenancy.models import (
    DelegationGrant,
    DisasterDeclaration,
    DisasterKind,
    LegalBasis,
    Municipality,
)

CAPABILITY = "continuity.manage"
SUBJECT = "tenancy.disasterdeclaration"
MAX_PERIOD = dt.timedelta(days=366)  # one declaration covers at most a year; extend it after


class DeclarationError(ValueError):
    """A declaration, extension, end or revocation that cannot be made (message in Japanese)."""


@dataclass(frozen=True)
class PartnerGrant:
    """One partner of a declaration and the state of its grant."""

    grant: DelegationGrant
    municipality: Municipality
    state: str  # 予定 / 有効 / 終了 / 取消


def _own_context() -> Any:
    ctx = current()
    if ctx.is_delegated:
        raise DeclarationError(
            "代行中の職員は災害宣言を扱えません。被災団体または協議会の管理者が行います。"
        )
    require_capability(ctx.staff_id, CAPABILITY)
    return ctx


def _aware(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def state_of(decl: DisasterDeclaration, when: dt.datetime | None = None) -> str:
    when = when or timezone.now()
    if decl.revoked_at is not None:
        return "取消"
    if decl.ended_at is not None or decl.ends_at <= when:
        return "終了"
    return "予定" if decl.starts_at > when else "有効"


def grant_state(grant: DelegationGrant, when: dt.datetime | None = None) -> str:
    when = when or timezone.now()
    if grant.revoked_at is not None:
        return "取消"
    if grant.valid_until <= when:
        return "終了"
    return "予定" if grant.valid_from > when else "有効"


def partner_choices(municipality_id: int | None = None) -> list[Municipality]:
    """The members that may be named partners: the same consortium, active, not the stricken one."""
    mid = municipality_id or current().municipality_id
    me = Municipality.objects.get(pk=mid)
    return list(
        Municipality.objects.filter(consortium_id=me.consortium_id, active=True).exclude(pk=mid)
    )


def _partners(ids: Iterable[Any], municipality_id: int) -> list[Municipality]:
    allowed = {m.pk: m for m in partner_choices(municipality_id)}
    chosen: dict[int, Municipality] = {}
    for raw in ids:
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            raise DeclarationError("代行団体の指定が正しくありません。") from None
        if pk not in allowed:
            raise DeclarationError("代行団体は同じ協議会の他の利用中の団体から選んでください。")
        chosen[pk] = allowed[pk]
    if not chosen:
        raise DeclarationError("代行団体を1つ以上選んでください。")
    return list(chosen.values())


def _check_window(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise DeclarationError("終了予定日時は開始日時より後にしてください。")
    if ends_at <= timezone.now():
        raise DeclarationError("終了予定日時が過去です。")
    if ends_at - starts_at > MAX_PERIOD:
        raise DeclarationError("宣言の期間は1年以内にしてください（必要なら延長します）。")


def _log(action: str, decl: DisasterDeclaration, **detail: Any) -> None:
    record(
        "operation",
        f"continuity.{action}",
        subject_type=SUBJECT,
        subject_id=decl.pk,
        screen="災害宣言",
        detail=detail,
    )


def declare(
    *,
    kind: str,
    legal_basis: str,
    purpose: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    partner_ids: Sequence[Any],
) -> DisasterDeclaration:
    """Declare a disaster for the context's municipality and lend its register to the partners."""
    ctx = _own_context()
    if kind not in DisasterKind.values:
        raise DeclarationError("災害の種別を選んでください。")
    if legal_basis not in LegalBasis.values:
        raise DeclarationError("根拠を選んでください。")
    purpose = (purpose or "").strip()
    if not purpose:
        raise DeclarationError("目的を入力してください。")
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    _check_window(starts_at, ends_at)
    partners = _partners(partner_ids, ctx.municipality_id)
    with transaction.atomic():
        decl = DisasterDeclaration.objects.create(
            kind=kind,
            legal_basis=legal_basis,
            purpose=purpose[:2000],
            starts_at=starts_at,
            ends_at=ends_at,
            declared_by_id=ctx.staff_id,
        )
        for partner in partners:
            DelegationGrant.objects.create(
                grantor_id=ctx.municipality_id,
                grantee=partner,
                valid_from=starts_at,
                valid_until=ends_at,
                legal_basis=LegalBasis(legal_basis).label,
                reason=purpose[:2000],
                declared_by_id=ctx.staff_id,
                declaration=decl,
            )
        _log(
            "declared",
            decl,
            kind=kind,
            legal_basis=legal_basis,
            purpose=purpose[:200],
            starts_at=starts_at.isoformat(),
            ends_at=ends_at.isoformat(),
            partners=[p.code for p in partners],
        )
    return decl


def get(declaration_id: int) -> DisasterDeclaration:
    """The context municipality's declaration (another municipality's answers DoesNotExist)."""
    return DisasterDeclaration.objects.get(pk=declaration_id)


def declarations() -> list[DisasterDeclaration]:
    return list(DisasterDeclaration.objects.order_by("-starts_at", "-pk"))


def partners_of(decl: DisasterDeclaration) -> list[PartnerGrant]:
    now = timezone.now()
    grants = (
        DelegationGrant.objects.filter(declaration_id=decl.pk)
        .select_related("grantee")
        .order_by("grantee__code", "pk")
    )
    return [PartnerGrant(g, g.grantee, grant_state(g, now)) for g in grants]


def _open_grants(decl: DisasterDeclaration) -> Any:
    return DelegationGrant.objects.select_for_update().filter(
        declaration_id=decl.pk, revoked_at__isnull=True, valid_until__gt=timezone.now()
    )


def _closeable(decl: DisasterDeclaration) -> None:
    if decl.revoked_at is not None or decl.ended_at is not None:
        raise DeclarationError("この宣言はすでに終了または取消されています。")


def extend(
    decl: DisasterDeclaration, ends_at: dt.datetime, *, note: str = ""
) -> DisasterDeclaration:
    """Move the expected end later: every grant still open follows."""
    _own_context()
    ends_at = _aware(ends_at)
    with transaction.atomic():
        decl = DisasterDeclaration.objects.select_for_update().get(pk=decl.pk)
        _closeable(decl)
        if ends_at <= decl.ends_at:
            raise DeclarationError("延長後の終了予定日時は現在の終了予定日時より後にしてください。")
        _check_window(decl.starts_at, ends_at)
        before = decl.ends_at
        # the grants that ran with the declaration (an expired one reopens; a revoked one stays so)
        grants = DelegationGrant.objects.select_for_update().filter(
            declaration_id=decl.pk, revoked_at__isnull=True, valid_until=before
        )
        for grant in grants:
            grant.valid_until = ends_at
            grant.save(update_fields=["valid_until"])
        decl.ends_at = ends_at
        decl.save(update_fields=["ends_at"])
        _log(
            "extended",
            decl,
            before=before.isoformat(),
            ends_at=ends_at.isoformat(),
            note=note[:200],
        )
    return decl


def end(decl: DisasterDeclaration, *, note: str = "") -> DisasterDeclaration:
    """The disaster is over: the grants stop now (a grant that had not begun is withdrawn)."""
    _own_context()
    now = timezone.now()
    with transaction.atomic():
        decl = DisasterDeclaration.objects.select_for_update().get(pk=decl.pk)
        _closeable(decl)
        for grant in _open_grants(decl):
            if grant.valid_from >= now:
                grant.revoked_at = now
                grant.save(update_fields=["revoked_at"])
            else:
                grant.valid_until = now
                grant.save(update_fields=["valid_until"])
        decl.ended_at = now
        decl.closing_note = note[:2000]
        decl.save(update_fields=["ended_at", "closing_note"])
        _log("ended", decl, note=note[:200])
    return decl


def revoke(
    decl: DisasterDeclaration, *, note: str, partner_id: int | None = None
) -> DisasterDeclaration:
    """Withdraw the declaration (made in error, or a partner must stop): its grants — or one
    partner's — are revoked now."""
    _own_context()
    if not (note or "").strip():
        raise DeclarationError("取消の理由を入力してください。")
    now = timezone.now()
    with transaction.atomic():
        decl = DisasterDeclaration.objects.select_for_update().get(pk=decl.pk)
        if decl.revoked_at is not None:
            raise DeclarationError("この宣言はすでに取消されています。")
        grants = DelegationGrant.objects.select_for_update().filter(
            declaration_id=decl.pk, revoked_at__isnull=True
        )
        if partner_id is not None:
            grants = grants.filter(grantee_id=partner_id)
            if not grants.exists():
                raise DeclarationError("その代行団体の有効な許可はありません。")
        for grant in grants:
            grant.revoked_at = now
            grant.save(update_fields=["revoked_at"])
        if partner_id is None:
            decl.revoked_at = now
            decl.closing_note = note[:2000]
            decl.save(update_fields=["revoked_at", "closing_note"])
        _log("revoked", decl, note=note[:200], partner_id=partner_id)
    return decl
