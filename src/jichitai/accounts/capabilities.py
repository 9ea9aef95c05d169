"""Who may do what: the one capability table, asked by web views, API endpoints, domain functions,
the navigation and the generated permission tests alike.

A capability is held in a municipality through a role granted there. Roles of (staff,
municipality) are read once per unit of work. Under 代行 the acting municipality's roles count:
a delegation lends the data, not roles in the other municipality. Never query RoleGrant for a
permission anywhere else: add a capability here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import Role, RoleGrant


@dataclass(frozen=True)
class Capability:
    name: str
    label: str  # what it allows, for staff and administrators
    roles: frozenset[str]
    delegable: bool = True  # lent under 代行 (a delegation grant), or only in one's own municipality
    # [1390]: an administrator may withhold it from one staff member (DisplayRestriction)
    withholdable: bool = False
    # [1380]#9: an operation right an administrator may withhold from one staff member (操作権限の
    # 個別制限, stored like [1390]'s restrictions): each of the standard's listed functions apart
    restrictable: bool = False
    # 縮退運転 (tenancy.degraded, issue 14): "read" stays in every mode, "issue" (証明書交付) in
    # issuance-only, "write" in none, "admin" (the office's own settings) is never degraded — an
    # administrator must be able to switch the mode off. A new capability is a write until it says.
    kind: str = "write"
    # a "read" capability whose POST changes something (e.g. 支援措置の登録 on the list screen):
    # refused on POST in a degraded mode (accounts.decorators.requires_capability)
    writes_on_post: bool = False


def _roles(*roles: Role) -> frozenset[str]:
    return frozenset(r.value for r in roles)  # plain str: an enum member hashes by its name


_READERS = _roles(Role.CLERK, Role.APPROVER, Role.MY_NUMBER_ACCESS, Role.SUPPORT_MEASURE, Role.SUPPORT_INQUIRY)

CAPABILITIES: dict[str, Capability] = {c.name: c for c in (
    # 団体管理者 and 監査担当 do not read residents: need to know.
    Capability("registry.read", "住民記録の照会（住民検索・住民照会・世帯照会）", _READERS, kind="read"),
    Capability("registry.enter", "異動の入力（仮登録）", _roles(Role.CLERK)),
    Capability("registry.approve", "異動の決裁・却下（決裁待ち一覧）", _roles(Role.APPROVER)),
    Capability("registry.my_number", "個人番号による検索と個人番号の表示", _roles(Role.MY_NUMBER_ACCESS), kind="read"),
    # [1380]#9: 2.2.4 支援対象者照会 (need to know: the protected person's record, 異動, the list
    # and detail of measures) and 1.1.16 支援対象者管理 (登録・開始・変更・延長・終了・解除) apart
    Capability("registry.support_measure", "支援対象者照会（支援措置対象者の記録・異動の取扱い、支援措置の一覧・詳細）",
               _roles(Role.SUPPORT_MEASURE, Role.SUPPORT_INQUIRY), restrictable=True, kind="read",
               writes_on_post=True),
    Capability("registry.support_manage", "支援対象者管理（支援措置の登録・開始・期間変更・延長・終了・交付制限の解除）",
               _roles(Role.SUPPORT_MEASURE), restrictable=True),
    # 抑止 ([410]#5): setting, releasing and temporarily releasing are separate rights
    Capability("registry.hold_set", "抑止の設定", _roles(Role.CLERK, Role.APPROVER)),
    Capability("registry.hold_release", "抑止の解除", _roles(Role.APPROVER)),
    Capability("registry.hold_temporary_release", "抑止の一時解除", _roles(Role.APPROVER)),
    # [420]#1, [410]#9: reading the hold set/release feed for other systems (a 支援措置 row needs
    # need-to-know besides); the 決裁者 answers for the office's links, as for batch and EUC
    Capability("registry.hold_feed", "抑止の連携データ（宛名システム等・コンビニ交付・住基ネットCSへの連携）",
               _roles(Role.APPROVER, Role.SUPPORT_MEASURE), kind="read"),
    # [1360] EUC: extraction over the whole register (protected persons excluded without need-to-know);
    # the 決裁者 answers for the office's lists and statistics (docs/euc.md)
    Capability("registry.euc", "EUC（住民記録データの抽出・分析・加工・出力）", _roles(Role.APPROVER),
               restrictable=True, kind="read"),
    # [1380]#9, 4.3.1 住民票コード付番 ([870]): the stock of codes from the CS (取込・残数), its own
    # right apart from 異動 entry (which draws a code for a 未付番者 as part of the 異動)
    Capability("registry.resident_code_numbering", "住民票コード付番（付番用住民票コードの蓄積・残数の確認）",
               _roles(Role.APPROVER), restrictable=True),
    # [1080] 統計: aggregate tables only (no person leaves them); the counter's clerks and approvers
    # prepare the 年報 and the 入管 定期報告 (docs/registry.md 「統計」)
    Capability("registry.statistics", "統計（住民基本台帳関係年報・入管定期報告の集計と出力）",
               _roles(Role.CLERK, Role.APPROVER), kind="read"),
    # [1280] バッチ処理: schedules, direct starts, the run history and its files (the 決裁者, as for EUC)
    Capability("registry.batch", "バッチ処理（スケジュール登録・直接起動・実行履歴）", _roles(Role.APPROVER),
               restrictable=True),
    # [1390] 表示権限: every reader sees these by default (what their 事務 needs); an administrator
    # withholds them per staff member. 続柄 has no such capability: it is never hideable ([1390]#2).
    Capability("registry.show_honseki", "戸籍の表示（本籍・筆頭者）の表示", _READERS, withholdable=True, kind="read"),
    Capability("registry.show_resident_code", "住民票コードの表示", _READERS, withholdable=True, kind="read"),
    Capability("registry.show_residence_status", "在留資格等（在留資格・在留期間・満了日・在留カード番号）の表示",
               _READERS, withholdable=True, kind="read"),
    # 個人住民税 (jichitai.tax): the 課税情報 certificates print, viewed and entered per 年度; the
    # counter's clerks and approvers keep them (a municipality without a separate 税務 role)
    Capability("tax.manage", "課税情報（個人住民税の課税・所得情報）の照会と入力・訂正", _roles(Role.CLERK, Role.APPROVER)),
    # 印鑑登録 (docs/seals.md): the counter's clerks register, inquire, take 廃止 and 亡失
    Capability("seals.manage", "印鑑登録（登録・照会・廃止・亡失・再交付・登録事項の変更）", _roles(Role.CLERK)),
    # 証明書交付 (jichitai.certificates): the counter's clerks and approvers issue 住民票の写し等,
    # look up the 交付履歴 ([360]) and record the 処分 of a wrongly issued copy
    Capability("certificates.issue", "証明書交付（住民票の写し等の発行・交付履歴照会・処分）",
               _roles(Role.CLERK, Role.APPROVER), kind="issue"),
    # [1380]#7 事務分掌: 個人番号 on a certificate; every issuer by default, an administrator withholds
    # it per staff member (本籍・住民票コード・在留資格等 follow the display rights above)
    Capability("certificates.my_number", "個人番号を記載した証明書の発行", _roles(Role.CLERK, Role.APPROVER),
               withholdable=True, kind="issue"),
    # 交付日計表 (docs/certificates.md 「手数料と日計」): the counter's cash-up, no person in it
    Capability("certificates.ledger", "交付日計表（種別ごと・職員ごとの交付件数と手数料の日計・CSV出力）",
               _roles(Role.CLERK, Role.APPROVER), kind="read"),
    # 手数料 per kind and the 減免事由 follow the municipality's 手数料条例: its 決裁者 or 団体管理者
    # sets them, never under 代行 (a delegation lends data, not the other's ordinance)
    Capability("certificates.fees", "証明書手数料の設定（種別ごとの手数料・減免事由）",
               _roles(Role.APPROVER, Role.MUNICIPALITY_ADMIN), delegable=False, kind="admin"),
    # 認証者・公印 ([290], [310], [1050]): the 団体管理者 keeps the 市区町村長・職務代理者, the 電子公印
    # images and each kind's choice; not 代行 business (a delegation never lends the mayor's seal)
    Capability("certificates.authority", "認証者・公印の設定（市区町村長・職務代理者、電子公印、証明書ごとの選択）",
               _roles(Role.MUNICIPALITY_ADMIN), delegable=False, kind="admin"),
    # データ移行 (importer.migration, docs/migration.md): the whole register in or out at once, 支援措置
    # persons included; one operation of the 団体管理者, never under 代行. Not a "registry." capability:
    # it is no screen's need to know, and every run is evidence (MigrationRun, one audit entry)
    Capability("migration.run", "データ移行（住民記録の一括取込・全件出力）",
               _roles(Role.MUNICIPALITY_ADMIN), delegable=False),
    # auditing is not 代行 business: an auditor audits their own municipality (docs/audit.md)
    Capability("audit.search", "監査ログの検索と分析", _roles(Role.AUDITOR), delegable=False, restrictable=True,
               kind="read"),
    # [1380]: staff administration; a 団体管理者 their own municipality's staff, a 協議会管理者 the
    # consortium's. Not 代行 business: a delegation lends data, never the administration of staff.
    Capability("accounts.manage_staff", "職員管理（職員の登録・無効化・役割の付与・パスワード等の初期化）",
               _roles(Role.MUNICIPALITY_ADMIN, Role.CONSORTIUM_ADMIN), delegable=False, restrictable=True,
               kind="admin"),
    # [1380]#9 10.4 操作権限設定: the per-staff display ([1390]) and operation restrictions, apart from 10.3
    Capability("accounts.set_rights", "操作権限設定（職員ごとの表示権限・操作権限の個別制限）",
               _roles(Role.MUNICIPALITY_ADMIN, Role.CONSORTIUM_ADMIN), delegable=False, restrictable=True,
               kind="admin"),
    # 災害宣言と代行 (issue 14, docs/operations.md): declared by the stricken municipality's
    # 団体管理者 or the 協議会管理者, never by a partner under 代行; the report of what partners did
    # and the switch of 縮退運転 come with it (an administrator must reach them in any mode)
    Capability("continuity.manage", "災害宣言・代行（宣言・延長・終了・取消、代行の記録）と縮退運転の切替",
               _roles(Role.MUNICIPALITY_ADMIN, Role.CONSORTIUM_ADMIN), delegable=False, kind="admin"),
)}


class CapabilityMissing(PermissionError):
    def __init__(self, capability: str) -> None:
        self.capability = capability
        super().__init__(f"この操作を行う権限がありません（{CAPABILITIES[capability].label}）。")


def _per_unit(staff: Any, municipality_id: int | None, what: str,
              read: Callable[[Any, int, int], frozenset[str]]) -> frozenset[str]:
    """``read(staff, staff_id, municipality_id)`` for ``staff`` (object or id) in ``municipality_id``
    (default: the acting municipality of the current unit of work), once per unit of work."""
    from jichitai.tenancy.context import current_or_none, unit_cache

    staff_id = getattr(staff, "pk", staff)
    ctx = current_or_none()
    if municipality_id is None:
        if ctx is None:
            return frozenset()
        municipality_id = ctx.acting_municipality_id
    if staff_id is None:
        return frozenset()
    cache = unit_cache() if ctx is not None else {}
    key = ("accounts.roles", staff_id, municipality_id, *((what,) if what else ()))
    found = cache.get(key)
    if not isinstance(found, frozenset):
        found = cache[key] = read(staff, staff_id, municipality_id)
    return found


def _read_roles(staff: Any, staff_id: int, municipality_id: int) -> frozenset[str]:
    from .department_grants import roles_from_departments

    return frozenset(
        RoleGrant.objects.in_force().filter(staff_id=staff_id, municipality_id=municipality_id)
        .values_list("role", flat=True)
    ) | {r for _m, r in roles_from_departments(staff if hasattr(staff, "department") else staff_id,
                                               municipality_id)}


def roles_of(staff: Any, municipality_id: int | None = None) -> frozenset[str]:
    """Roles of ``staff`` (object or id) in ``municipality_id`` (default: the acting municipality
    of the current unit of work), read once per unit of work."""
    return _per_unit(staff, municipality_id, "", _read_roles)


def remember_roles(staff_id: int, municipality_id: int, roles: frozenset[str]) -> None:
    """Seed :func:`roles_of` for the current unit of work with roles just read (the web
    middleware's session check reads them anyway)."""
    from jichitai.tenancy.context import unit_cache

    unit_cache()[("accounts.roles", staff_id, municipality_id)] = frozenset(roles)


def _lent(capability: Capability) -> bool:
    """Whether the capability counts in the current unit of work (not under 代行 if not delegable)."""
    from jichitai.tenancy.context import current_or_none

    ctx = current_or_none()
    return capability.delegable or ctx is None or not ctx.is_delegated


def _read_withheld(_staff: Any, staff_id: int, municipality_id: int) -> frozenset[str]:
    from .models import DisplayRestriction

    return frozenset(DisplayRestriction.objects.filter(
        staff_id=staff_id, municipality_id=municipality_id).values_list("capability", flat=True))


def withheld_of(staff: Any, municipality_id: int | None = None) -> frozenset[str]:
    """Capabilities withheld from ``staff`` in the (acting) municipality ([1390]), read once per
    unit of work like the roles."""
    return _per_unit(staff, municipality_id, "withheld", _read_withheld)


def _open_in_mode(c: Capability) -> bool:
    """Whether the data municipality's 縮退運転 (if any) still allows the capability."""
    if c.kind in ("read", "admin"):
        return True
    from jichitai.tenancy.degraded import ISSUANCE_ONLY, mode_of_unit

    mode = mode_of_unit()
    return mode is None or (mode == ISSUANCE_ONLY and c.kind == "issue")


def refused_by_mode(capability: str, *, post: bool = False, staff: Any = None) -> str | None:
    """The label of the 縮退運転 that refuses ``capability`` (a POST of a read capability that
    writes on POST included) in the current unit of work, or None — also None when ``staff`` (if
    given) would not hold it anyway, so a refusal names the mode only when the mode is the reason."""
    from jichitai.tenancy.degraded import LABELS, mode_of_unit

    c = CAPABILITIES[capability]
    mode = mode_of_unit()
    if mode is None or (staff is not None and not (roles_of(staff) & c.roles and _lent(c))):
        return None
    if not _open_in_mode(c) or (post and c.writes_on_post):
        return LABELS[mode]
    return None


def _held(c: Capability, roles: frozenset[str], withheld: frozenset[str]) -> bool:
    limited = c.withholdable or c.restrictable
    return (bool(roles & c.roles) and _lent(c) and not (limited and c.name in withheld)
            and _open_in_mode(c))


def capabilities_of(staff: Any, municipality_id: int | None = None) -> frozenset[str]:
    roles = roles_of(staff, municipality_id)
    withheld = withheld_of(staff, municipality_id) if roles else frozenset()
    return frozenset(name for name, c in CAPABILITIES.items() if _held(c, roles, withheld))


def has_capability(staff: Any, capability: str, municipality_id: int | None = None) -> bool:
    c = CAPABILITIES[capability]
    roles = roles_of(staff, municipality_id)
    limited = c.withholdable or c.restrictable
    return _held(c, roles, withheld_of(staff, municipality_id) if limited and roles else frozenset())


def require_capability(staff: Any, capability: str, municipality_id: int | None = None) -> None:
    if not has_capability(staff, capability, municipality_id):
        raise CapabilityMissing(capability)


def roles_for(capability: str) -> frozenset[str]:
    return CAPABILITIES[capability].roles


def forget_roles(**_: Any) -> None:
    """A role granted or revoked inside a unit of work counts from the next question on."""
    from jichitai.tenancy.context import current_or_none, unit_cache

    if current_or_none() is not None:
        cache = unit_cache()
        for key in [k for k in cache if isinstance(k, tuple) and k[:1] == ("accounts.roles",)]:
            del cache[key]
