"""Audit tables: two kinds of hash-chained, append-only logs and the head row of each chain.

* :class:`AuditEntry` — one chain **per municipality** (a TenantModel: scoped manager + RLS).
  Operations, reads of a resident's data, settings changes made inside a municipality's unit of
  work, printing, errors and alerts.
* :class:`SystemAuditEntry` — one chain **per consortium** (not tenant data). Authentication
  (which happens before a municipality is chosen) and consortium-level settings changes
  (municipalities, role grants, delegation grants).

Each chain has a head row (:class:`AuditChainHead`, :class:`SystemChainHead`) holding the last
seq and hash; appends lock it (``select_for_update``) so seq is gapless and race-free, and verify
compares it with the last entry so that deleting the newest entry is detected too.

What this module must never do: update or delete an entry. ``save()`` refuses updates, ``delete()``
and the queryset's ``update()``/``delete()``/``bulk_update()`` refuse always, inserts are only
accepted from :mod:`jichitai.audit.chain`; on PostgreSQL a trigger refuses UPDATE/DELETE as well
(migration 0002). See docs/audit.md.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantManager, TenantModel, TenantQuerySet

GENESIS_HASH = "0" * 64


class Category(models.TextChoices):
    """The log an entry belongs to (issue 2 item 5)."""

    OPERATION = "operation", "操作"
    READ = "read", "閲覧"
    AUTH = "auth", "認証"
    SETTINGS = "settings", "設定変更"
    PRINT = "print", "印刷"
    ERROR = "error", "エラー"
    ALERT = "alert", "警告"


class Severity(models.TextChoices):
    INFO = "info", "情報"
    WARNING = "warning", "注意"
    CRITICAL = "critical", "重大"


class AppendOnlyViolation(PermissionError):
    """Someone tried to change or remove an audit entry."""

    def __init__(self, what: str = "") -> None:
        super().__init__(
            "監査ログは追記のみです（更新・削除はできません） / "
            f"the audit log is append-only{': ' + what if what else ''}"
        )


class _AppendOnlyMixin:
    """QuerySet methods that would alter stored entries are refused."""

    def update(self, **kwargs: Any) -> int:
        if not kwargs:  # a no-op UPDATE (no columns) changes nothing; Django returns 0/rowcount
            return super().update()  # type: ignore[misc]
        raise AppendOnlyViolation("update()")

    def delete(self) -> Any:
        raise AppendOnlyViolation("delete()")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyViolation("bulk_update()")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        if not all(getattr(o, "_appended_by_chain", False) for o in objs):
            raise AppendOnlyViolation("entries are appended only by jichitai.audit.chain")
        return super().bulk_create(objs, *args, **kwargs)  # type: ignore[misc]


class AuditEntryQuerySet(_AppendOnlyMixin, TenantQuerySet):
    pass


class AuditEntryManager(TenantManager):
    """Scoped like every tenant manager (refuses to run without a context) and append-only."""

    def get_queryset(self) -> AuditEntryQuerySet:  # type: ignore[override]
        scoped = super().get_queryset()  # raises NoTenantContext without a context
        return AuditEntryQuerySet(self.model, query=scoped.query, using=self._db)


class SystemAuditEntryQuerySet(_AppendOnlyMixin, models.QuerySet["SystemAuditEntry"]):
    pass


class _ChainedEntry(models.Model):
    """Fields and behaviour shared by both entry tables."""

    seq = models.PositiveBigIntegerField("連番")
    occurred_at = models.DateTimeField("発生日時", default=timezone.now)
    category = models.CharField("区分", max_length=16, choices=Category.choices)
    action = models.CharField("操作種別", max_length=64)
    severity = models.CharField(
        "重要度", max_length=10, choices=Severity.choices, default=Severity.INFO
    )
    # No foreign key to Staff: the log must outlive the account and never cascade.
    staff_id = models.BigIntegerField("職員ID", null=True, blank=True)
    username = models.CharField("職員ユーザー名（記録時）", max_length=150, blank=True)
    subject_type = models.CharField("対象種別", max_length=64, blank=True)
    subject_id = models.CharField("対象ID", max_length=64, blank=True)
    detail_json = models.TextField("詳細（正規化JSON）", default="{}")
    # NULL = no key (NULLs never collide in the unique constraint; "" would).
    idempotency_key = models.CharField("冪等キー", max_length=128, null=True, blank=True)  # noqa: DJ001
    prev_hash = models.CharField("前エントリのハッシュ", max_length=64)
    hash = models.CharField("ハッシュ", max_length=64)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyViolation(f"{type(self).__name__} #{self.pk}")
        if not getattr(self, "_appended_by_chain", False):
            raise AppendOnlyViolation("entries are appended only by jichitai.audit.chain")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyViolation(f"{type(self).__name__} #{self.pk}")

    @property
    def detail(self) -> dict[str, Any]:
        value = json.loads(self.detail_json or "{}")
        return value if isinstance(value, dict) else {"value": value}


class AuditEntry(_ChainedEntry, TenantModel):
    """監査ログ (one municipality's chain). ``municipality`` is the data owner (データ所有団体)."""

    acting_municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.PROTECT, related_name="+",
        verbose_name="操作団体", db_constraint=True,
    )
    grant_id = models.BigIntegerField("代行許可ID", null=True, blank=True)
    purpose = models.CharField("利用目的", max_length=200, blank=True)
    legal_basis = models.CharField("根拠法令", max_length=200, blank=True)
    screen = models.CharField("画面", max_length=100, blank=True)
    function = models.CharField("機能", max_length=100, blank=True)
    my_number_shown = models.BooleanField("個人番号表示", default=False)

    objects = AuditEntryManager()

    #: The fields the hash covers, in documentation order (the JSON itself is key-sorted).
    HASH_FIELDS = (
        "municipality_id", "seq", "occurred_at", "category", "action", "severity",
        "staff_id", "username", "acting_municipality_id", "grant_id", "purpose", "legal_basis",
        "subject_type", "subject_id", "screen", "function", "my_number_shown", "detail_json",
        "idempotency_key", "prev_hash",
    )

    class Meta:
        verbose_name = "監査ログ"
        verbose_name_plural = "監査ログ"
        base_manager_name = "objects"
        ordering = ["municipality", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "seq"], name="audit_entry_seq_unique"),
            models.UniqueConstraint(
                fields=["municipality", "idempotency_key"], name="audit_entry_idem_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["municipality", "subject_type", "subject_id", "occurred_at"],
                name="audit_entry_subject_idx",
            ),
            models.Index(
                fields=["municipality", "username", "occurred_at"], name="audit_entry_staff_idx"
            ),
            models.Index(
                fields=["municipality", "occurred_at"], name="audit_entry_time_idx"
            ),
            models.Index(
                fields=["municipality", "category", "occurred_at"], name="audit_entry_cat_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"監査ログ {self.municipality_id}#{self.seq} {self.category}/{self.action}"


class AuditChainHead(TenantModel):
    """The last seq/hash of one municipality's chain; locked by every append."""

    seq = models.PositiveBigIntegerField("最終連番", default=0)
    hash = models.CharField("最終ハッシュ", max_length=64, default=GENESIS_HASH)
    updated_at = models.DateTimeField("更新日時", default=timezone.now)

    class Meta:
        verbose_name = "監査ログ連鎖の先頭"
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="audit_head_one_per_municipality")
        ]

    def __str__(self) -> str:
        return f"監査ログ先頭 {self.municipality_id}#{self.seq}"


class SystemAuditEntry(_ChainedEntry):
    """協議会監査ログ: one chain per consortium (``chain_key`` = consortium id, 0 = installation).

    Authentication happens before a municipality is chosen, so it lives here; the municipality a
    login selected is kept as ``municipality_code`` (a snapshot, not a tenant key).
    """

    chain_key = models.BigIntegerField("連鎖キー（協議会ID、0=全体）")
    municipality_code = models.CharField("関係団体コード", max_length=6, blank=True)
    remote_addr = models.CharField("接続元", max_length=45, blank=True)

    objects = SystemAuditEntryQuerySet.as_manager()

    HASH_FIELDS = (
        "chain_key", "seq", "occurred_at", "category", "action", "severity", "staff_id",
        "username", "municipality_code", "remote_addr", "subject_type", "subject_id",
        "detail_json", "idempotency_key", "prev_hash",
    )

    class Meta:
        verbose_name = "協議会監査ログ"
        verbose_name_plural = "協議会監査ログ"
        ordering = ["chain_key", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain_key", "seq"], name="system_entry_seq_unique"),
            models.UniqueConstraint(
                fields=["chain_key", "idempotency_key"], name="system_entry_idem_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["chain_key", "username", "occurred_at"], name="system_entry_staff_idx"),
            models.Index(
                fields=["chain_key", "municipality_code", "occurred_at"], name="system_entry_muni_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"協議会監査ログ {self.chain_key}#{self.seq} {self.category}/{self.action}"


class SystemChainHead(models.Model):
    chain_key = models.BigIntegerField("連鎖キー", unique=True)
    seq = models.PositiveBigIntegerField("最終連番", default=0)
    hash = models.CharField("最終ハッシュ", max_length=64, default=GENESIS_HASH)
    updated_at = models.DateTimeField("更新日時", default=timezone.now)

    class Meta:
        verbose_name = "協議会監査ログ連鎖の先頭"

    def __str__(self) -> str:
        return f"協議会監査ログ先頭 {self.chain_key}#{self.seq}"
