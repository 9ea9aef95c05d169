"""職員管理 ([1380]): what a 団体管理者 or 協議会管理者 may do with staff accounts and role grants.

Every function takes an :class:`AdminScope`, made by :func:`scope_for` from the administrator and
the municipality they act for. A 団体管理者 sees and changes only the staff whose 所属団体 is that
municipality, and only grants in it; a 協議会管理者 the consortium's staff and grants in any of its
municipalities. Anything outside the scope is "not found" (its existence is not told). Every
change sends :data:`~.signals.admin_event` (設定変更ログ; RoleGrant rows are also logged by the
audit app's save/delete receivers).

Rights are by 事務 (roles), never by 職位 (rank): there is no rank field to set ([1380]#13).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from jichitai.tenancy.models import Municipality

from .capabilities import CapabilityMissing, roles_of
from .factors import REGISTRY, TotpFactor, TotpProvisioning
from .models import Role, RoleGrant, Staff
from .signals import admin_event

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
# roles only a 協議会管理者 may hand out (a 団体管理者 cannot make anyone consortium-wide)
CONSORTIUM_ONLY_ROLES = frozenset({Role.CONSORTIUM_ADMIN.value})


class AdminError(ValueError):
    """A refused administrative change; ``field`` names the input it is about."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StaffNotFound(LookupError):
    pass


@dataclass(frozen=True)
class AdminScope:
    admin: Staff
    municipality_id: int  # the municipality acted for
    consortium_id: int
    municipality_ids: frozenset[int]  # where grants may be read and changed
    consortium_wide: bool

    def municipalities(self) -> QuerySet[Municipality]:
        return Municipality.objects.filter(pk__in=self.municipality_ids).order_by("code")


def scope_for(admin: Staff, municipality_id: int) -> AdminScope:
    roles = roles_of(admin, municipality_id)
    muni = Municipality.objects.get(pk=municipality_id)
    if Role.CONSORTIUM_ADMIN in roles:
        ids = frozenset(Municipality.objects.filter(consortium_id=muni.consortium_id).values_list("pk", flat=True))
        return AdminScope(admin, muni.pk, muni.consortium_id, ids, True)
    if Role.MUNICIPALITY_ADMIN in roles:
        return AdminScope(admin, muni.pk, muni.consortium_id, frozenset({muni.pk}), False)
    raise CapabilityMissing("accounts.manage_staff")


def visible_staff(scope: AdminScope) -> QuerySet[Staff]:
    qs = Staff.objects.filter(consortium_id=scope.consortium_id)
    if not scope.consortium_wide:
        qs = qs.filter(home_municipality_id=scope.municipality_id)
    return qs.select_related("home_municipality").order_by("username")


def get_staff(scope: AdminScope, staff_id: Any) -> Staff:
    try:
        return visible_staff(scope).get(pk=int(staff_id))
    except (Staff.DoesNotExist, TypeError, ValueError):
        raise StaffNotFound() from None


def grants_of(scope: AdminScope, staff: Staff) -> QuerySet[RoleGrant]:
    return (RoleGrant.objects.filter(staff=staff, municipality_id__in=scope.municipality_ids)
            .select_related("municipality").order_by("municipality__code", "role"))


def grants_in_scope(scope: AdminScope) -> QuerySet[RoleGrant]:
    """Every grant the administrator may see: in their municipalities, of the staff they manage."""
    return (RoleGrant.objects.filter(municipality_id__in=scope.municipality_ids, staff__in=visible_staff(scope))
            .select_related("staff", "municipality").order_by("staff__username", "municipality__code", "role"))


def _emit(scope: AdminScope, action: str, staff: Staff | None, municipality_id: int | None = None,
          **detail: Any) -> None:
    admin_event.send(sender=Staff, action=action, admin=scope.admin, staff=staff,
                     municipality_id=municipality_id or scope.municipality_id, detail=detail)


def new_password() -> str:
    """A one-time initial password: 16 characters of an unambiguous alphabet."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


def _home_for(scope: AdminScope, home_municipality_id: Any) -> int:
    if not scope.consortium_wide or home_municipality_id in (None, ""):
        return scope.municipality_id
    try:
        home = int(home_municipality_id)
    except (TypeError, ValueError):
        raise AdminError("所属団体を選択してください。", "home_municipality") from None
    if home not in scope.municipality_ids:
        raise AdminError("所属団体は協議会の構成団体から選択してください。", "home_municipality")
    return home


@transaction.atomic
def create_staff(scope: AdminScope, *, username: str, display_name: str, department: str,
                 home_municipality_id: Any = None) -> tuple[Staff, str, TotpProvisioning]:
    """職員の登録: the account, a one-time initial password (to be changed at first login) and an
    authenticator app key, both shown once to the administrator and never stored in clear."""
    username = (username or "").strip()
    display_name = (display_name or "").strip()
    if not USERNAME_RE.match(username):
        raise AdminError("職員IDは英小文字・数字・「.」「_」「-」の3〜64文字で入力してください。", "username")
    if not display_name or len(display_name) > 100:
        raise AdminError("氏名を100文字以内で入力してください。", "display_name")
    if len(department or "") > 100:
        raise AdminError("所属部署は100文字以内で入力してください。", "department")
    if Staff.objects.filter(username=username).exists():
        raise AdminError("この職員IDはすでに使われています。", "username")
    password = new_password()
    staff = Staff(username=username, display_name=display_name, department=(department or "").strip(),
                  consortium_id=scope.consortium_id, home_municipality_id=_home_for(scope, home_municipality_id),
                  must_change_password=True)
    staff.set_password(password)
    staff.save()
    provisioning = _fresh_totp(staff)
    _emit(scope, "staff_created", staff, staff.home_municipality_id, username=username,
          department=staff.department)
    return staff, password, provisioning


def _fresh_totp(staff: Staff) -> TotpProvisioning:
    totp: TotpFactor = REGISTRY["totp"]  # type: ignore[assignment]
    device = totp.enroll_with_key(staff, secrets.token_hex(20))
    return totp.provisioning(device)


@transaction.atomic
def update_staff(scope: AdminScope, staff: Staff, *, display_name: str, department: str,
                 home_municipality_id: Any = None) -> None:
    """氏名・所属部署; a 協議会管理者 also assigns the 所属団体 (a 団体管理者's stays theirs)."""
    display_name = (display_name or "").strip()
    if not display_name or len(display_name) > 100:
        raise AdminError("氏名を100文字以内で入力してください。", "display_name")
    if len(department or "") > 100:
        raise AdminError("所属部署は100文字以内で入力してください。", "department")
    staff.display_name, staff.department = display_name, (department or "").strip()
    if scope.consortium_wide and home_municipality_id not in (None, ""):
        staff.home_municipality_id = _home_for(scope, home_municipality_id)
    staff.save(update_fields=["display_name", "department", "home_municipality"])
    _emit(scope, "staff_updated", staff, department=staff.department, home_municipality=staff.home_municipality_id)


@transaction.atomic
def set_active(scope: AdminScope, staff: Staff, active: bool) -> None:
    """無効化 / 有効化. A session of a deactivated account ends at its next request."""
    if staff.pk == scope.admin.pk and not active:
        raise AdminError("自分自身を無効にすることはできません。", "is_active")
    staff.is_active = active
    staff.save(update_fields=["is_active"])
    _emit(scope, "staff_activated" if active else "staff_deactivated", staff)


@transaction.atomic
def reset_password(scope: AdminScope, staff: Staff) -> str:
    """パスワードの初期化: a one-time password, shown once; the staff member must change it at
    the next login. Lock and throttles are cleared with it."""
    from .auth import unlock

    password = new_password()
    staff.set_password(password)
    staff.must_change_password = True
    staff.save(update_fields=["password", "must_change_password"])
    unlock(staff)
    _emit(scope, "password_reset", staff)
    return password


@transaction.atomic
def reset_second_factor(scope: AdminScope, staff: Staff) -> TotpProvisioning:
    """二要素認証の初期化 (a lost phone or key): every device removed, one new authenticator key
    shown once to the administrator to hand over."""
    from .auth import unlock

    removed = 0
    for factor in REGISTRY.values():
        removed += factor.device_model.objects.filter(user=staff).delete()[0]  # confirmed or not
    provisioning = _fresh_totp(staff)
    unlock(staff)
    _emit(scope, "second_factor_reset", staff, removed_devices=removed)
    return provisioning


def parse_day(value: Any, field: str, parser: Callable[[str], dt.date] | None = None) -> dt.date | None:
    """A date of a grant's period; blank = open. ``parser``: the screen's (和暦 too); by default
    西暦 ``2026-04-01`` or ``2026/04/01`` (a spreadsheet's)."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return parser(text) if parser else dt.date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise AdminError("日付の形式が正しくありません（例: 2026-04-01）。", field) from None


def check_grant(scope: AdminScope, municipality_id: Any, role: str,
                 valid_from: dt.date | None, valid_until: dt.date | None) -> int:
    try:
        muni = int(municipality_id)
    except (TypeError, ValueError):
        raise AdminError("団体を選択してください。", "municipality") from None
    if muni not in scope.municipality_ids:
        raise AdminError("この団体の役割を付与する権限がありません。", "municipality")
    if role not in Role.values:
        raise AdminError("役割は一覧から選択してください（職位による設定はできません）。", "role")
    if role in CONSORTIUM_ONLY_ROLES and not scope.consortium_wide:
        raise AdminError("協議会管理者の役割は協議会管理者だけが付与できます。", "role")
    if valid_from and valid_until and valid_from > valid_until:
        raise AdminError("終了日は開始日以降の日付にしてください。", "valid_until")
    return muni


def _save_grant(scope: AdminScope, staff: Staff, muni: int, role: str,
                valid_from: dt.date | None, valid_until: dt.date | None) -> RoleGrant:
    grant, created = RoleGrant.objects.update_or_create(
        staff=staff, municipality_id=muni, role=role,
        defaults={"valid_from": valid_from, "valid_until": valid_until},
    )
    _emit(scope, "role_granted" if created else "role_period_changed", staff, muni, role=role,
          valid_from=valid_from.isoformat() if valid_from else None,
          valid_until=valid_until.isoformat() if valid_until else None)
    return grant


@transaction.atomic
def grant_role(scope: AdminScope, staff: Staff, *, municipality_id: Any, role: str,
               valid_from: dt.date | None = None, valid_until: dt.date | None = None) -> RoleGrant:
    """役割の付与 (or a new period for a role already granted). A future ``valid_from`` is the
    schedule ([1380]#6): the grant counts from that day on, no job needed."""
    muni = check_grant(scope, municipality_id, role, valid_from, valid_until)
    return _save_grant(scope, staff, muni, role, valid_from, valid_until)


@transaction.atomic
def revoke_grant(scope: AdminScope, staff: Staff, grant_id: Any) -> None:
    grant = grants_of(scope, staff).filter(pk=int(grant_id)).first() if str(grant_id).isdigit() else None
    if grant is None:
        raise AdminError("取り消す役割が見つかりません。", "grant")
    if staff.pk == scope.admin.pk and grant.role in (Role.MUNICIPALITY_ADMIN, Role.CONSORTIUM_ADMIN):
        raise AdminError("自分自身の管理者の役割は取り消せません。", "grant")
    grant.delete()
    _emit(scope, "role_revoked", staff, grant.municipality_id, role=grant.role)


def staff_for_grants(scope: AdminScope, usernames: set[str]) -> dict[str, Staff]:
    return {s.username: s for s in visible_staff(scope).filter(username__in=usernames)}


def save_grants(scope: AdminScope, rows: list[tuple[Staff, int, str, str, dt.date | None, dt.date | None]]) -> int:
    """Apply checked bulk rows (action grant/revoke) in the caller's transaction."""
    for staff, muni, role, action, valid_from, valid_until in rows:
        if action == "revoke":
            grant = RoleGrant.objects.filter(staff=staff, municipality_id=muni, role=role).first()
            if grant is not None:
                grant.delete()
                _emit(scope, "role_revoked", staff, muni, role=role, bulk=True)
        else:
            try:
                with transaction.atomic():
                    _save_grant(scope, staff, muni, role, valid_from, valid_until)
            except IntegrityError as exc:
                raise AdminError(f"役割を保存できませんでした（{type(exc).__name__}）。", "role") from None
    return len(rows)


def change_own_password(staff: Staff, *, current: str, new: str, again: str) -> None:
    """パスワードの変更 by the staff member ([1380]#3); clears the must-change mark."""
    if not staff.check_password(current or ""):
        raise AdminError("現在のパスワードが正しくありません。", "current")
    if new != again:
        raise AdminError("新しいパスワードが確認用と一致しません。", "again")
    if new == current:
        raise AdminError("現在と同じパスワードは使えません。", "new")
    try:
        validate_password(new, staff)
    except ValidationError as exc:
        raise AdminError("新しいパスワードが条件を満たしません: " + " ".join(exc.messages), "new") from None
    staff.set_password(new)
    staff.must_change_password = False
    staff.save(update_fields=["password", "must_change_password"])
    admin_event.send(sender=Staff, action="own_password_changed", admin=staff, staff=staff,
                     municipality_id=staff.home_municipality_id, detail={})


def display_rights(scope: AdminScope, staff: Staff) -> list[tuple[Municipality, list[tuple[str, str, bool]]]]:
    """Per municipality of the scope: (capability, label, shown) for each withholdable capability."""
    from .capabilities import CAPABILITIES
    from .models import DisplayRestriction

    withheld = set(DisplayRestriction.objects.filter(staff=staff, municipality_id__in=scope.municipality_ids)
                   .values_list("municipality_id", "capability"))
    caps = [c for c in CAPABILITIES.values() if c.withholdable]
    return [(m, [(c.name, c.label, (m.pk, c.name) not in withheld) for c in caps]) for m in scope.municipalities()]


@transaction.atomic
def set_display_rights(scope: AdminScope, staff: Staff, *, municipality_id: Any, shown: set[str]) -> None:
    """表示権限 ([1390]#1): which withholdable items ``staff`` sees in one municipality (their roles
    still decide whether they read persons at all)."""
    from .capabilities import CAPABILITIES
    from .models import DisplayRestriction

    try:
        muni = int(municipality_id)
    except (TypeError, ValueError):
        raise AdminError("団体を選択してください。", "municipality") from None
    if muni not in scope.municipality_ids:
        raise AdminError("この団体の表示権限を設定する権限がありません。", "municipality")
    names = {c.name for c in CAPABILITIES.values() if c.withholdable}
    if shown - names:
        raise AdminError("表示権限を設定できない項目です。", "shown")
    # only the display rights: the operation restrictions ([1380]#9, operation_rights.py) stay as they are
    before = set(DisplayRestriction.objects.filter(staff=staff, municipality_id=muni, capability__in=names)
                 .values_list("capability", flat=True))
    after = names - shown
    for name in before - after:
        DisplayRestriction.objects.filter(staff=staff, municipality_id=muni, capability=name).delete()
    for name in sorted(after - before):
        DisplayRestriction.objects.create(staff=staff, municipality_id=muni, capability=name)
    if before != after:
        _emit(scope, "display_rights_changed", staff, muni, withheld=sorted(after))
