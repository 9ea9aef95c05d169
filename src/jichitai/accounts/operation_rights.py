"""操作権限の個別制限 ([1380]#9): the functions the standard lists as controlled apart — 10.1 EUC,
10.2 アクセスログ管理, 10.3 操作権限管理, 10.4 操作権限設定, 2.2.4 支援対象者照会, 1.1.16 支援対象者管理,
9.1 バッチ処理, 4.3.1 住民票コード付番 — each its own capability (``restrictable``), and an
administrator withholds any one of them from one staff member in one municipality without touching
the others or the roles. Stored as the display restrictions of [1390] are (one row per withheld
capability); read by ``capabilities.has_capability`` like them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .administration import AdminError, AdminScope, _emit
from .capabilities import CAPABILITIES
from .models import Staff

# the standard's example list → our capability (the 操作権限一覧表 shows the same mapping)
LISTED: tuple[tuple[str, str], ...] = (
    ("10.1 EUC機能他", "registry.euc"),
    ("10.2 アクセスログ管理", "audit.search"),
    ("10.3 操作権限管理", "accounts.manage_staff"),
    ("10.4 操作権限設定", "accounts.set_rights"),
    ("2.2.4 支援対象者照会", "registry.support_measure"),
    ("1.1.16 支援対象者管理", "registry.support_manage"),
    ("9.1 バッチ処理", "registry.batch"),
    ("4.3.1 住民票コード付番", "registry.resident_code_numbering"),
)
SECTION = {name: section for section, name in LISTED}
# an administrator cannot take the administration away from themselves (no one would be left to give it back)
OWN = frozenset({"accounts.manage_staff", "accounts.set_rights"})


def restrictable() -> list[Any]:
    return [c for c in CAPABILITIES.values() if c.restrictable]


def operation_rights(
    scope: AdminScope, staff: Staff
) -> list[tuple[Any, list[tuple[str, str, bool]]]]:
    """Per municipality of the scope: (capability, 「節 label」, allowed) for each restrictable right."""
    from .models import DisplayRestriction

    withheld = set(
        DisplayRestriction.objects.filter(
            staff=staff, municipality_id__in=scope.municipality_ids
        ).values_list("municipality_id", "capability")
    )
    caps = restrictable()
    return [
        (
            m,
            [
                (
                    c.name,
                    f"{SECTION.get(c.name, '')} {c.label}".strip(),
                    (m.pk, c.name) not in withheld,
                )
                for c in caps
            ],
        )
        for m in scope.municipalities()
    ]


@transaction.atomic
def set_operation_rights(
    scope: AdminScope, staff: Staff, *, municipality_id: Any, allowed: set[str]
) -> None:
    """Which restrictable operation rights ``staff`` keeps in one municipality (their roles still
    decide whether they hold them at all); logged as 設定変更."""
    from .models import DisplayRestriction

    try:
        muni = int(municipality_id)
    except (TypeError, ValueError):
        raise AdminError("団体を選択してください。", "municipality") from None
    if muni not in scope.municipality_ids:
        raise AdminError("この団体の操作権限を設定する権限がありません。", "municipality")
    names = {c.name for c in restrictable()}
    if allowed - names:
        raise AdminError("個別に制限できない操作権限です。", "allowed")
    before = set(
        DisplayRestriction.objects.filter(
            staff=staff, municipality_id=muni, capability__in=names
        ).values_list("capability", flat=True)
    )
    after = names - allowed
    if staff.pk == scope.admin.pk and after & OWN:
        raise AdminError("自分自身の職員管理・操作権限設定は制限できません。", "allowed")
    for name in before - after:
        DisplayRestriction.objects.filter(
            staff=staff, municipality_id=muni, capability=name
        ).delete()
    for name in sorted(after - before):
        DisplayRestriction.objects.create(staff=staff, municipality_id=muni, capability=name)
    if before != after:
        _emit(scope, "operation_rights_changed", staff, muni, withheld=sorted(after))
