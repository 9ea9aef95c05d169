"""除票用データベース ([1300], [50]#5): the 除票 older than 5 years, moved out of the register's
database and kept until 150 years after their 消除.

A separate store: on PostgreSQL its own schema ``jyohyo``; on SQLite its own database file,
attached to every connection as ``jyohyo`` (registry/archive_store.py). The table name
``jyohyo"."archived_record`` is quoted by Django into ``"jyohyo"."archived_record"``, which names
the schema on PostgreSQL and the attached database on SQLite: one model, both stores. Indexes are
made by the migration per database (SQLite names the schema on the index, not on the table).

Each row is one person's 除票, self-contained: the search columns, the whole last record (the
person's row), every field change of their history (the 異動明細, from which the [200] history
is rebuilt) and the 除票's own items ([50]#10). The 異動 log entries themselves stay in the
register's append-only log.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from jichitai.audit.reads import AuditedReadManager
from jichitai.tenancy.models import Municipality, TenantModel

SCHEMA = "jyohyo"
KEEP_YEARS = 150  # [50]#5: 消除後150年を経過するまで
AFTER_YEARS = 5  # [1300]#1: ５年を経過した除票


class ArchivedRecord(TenantModel):
    """除票 in the 除票用データベース (one person)."""

    audit_subject_type = "archived_person"

    # the store has no foreign keys into the register's database (another database on SQLite)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        editable=False,
        db_constraint=False,
    )
    person_id = models.BigIntegerField("元の住民ID")
    atena_no = models.CharField("宛名番号", max_length=20)
    family_name = models.CharField("氏", max_length=100)
    given_name = models.CharField("名", max_length=100, blank=True)
    family_name_kana = models.CharField("氏（ふりがな）", max_length=200, blank=True)
    given_name_kana = models.CharField("名（ふりがな）", max_length=200, blank=True)
    name_key = models.CharField("氏名照合キー", max_length=200)
    kana_key = models.CharField("ふりがな照合キー", max_length=400)
    birth_date = models.DateField("生年月日")
    sex = models.CharField("性別", max_length=1)
    resident_type = models.CharField("住民種別", max_length=10)
    status = models.CharField("状態", max_length=12)
    removed_on = models.DateField("消除日")
    resident_code = models.CharField("住民票コード", max_length=11, blank=True)
    household_no = models.CharField("世帯番号", max_length=20, blank=True)
    last_address = models.CharField("最終住所", max_length=400, blank=True)
    record = models.JSONField("除票の記載事項")
    history = models.JSONField("異動明細", default=list)
    removal = models.JSONField("除票固有の記載事項", default=dict)
    support = models.JSONField("支援措置の記録", default=list)
    archived_at = models.DateTimeField("移行日時", default=timezone.now)
    keep_until = models.DateField("保存期限")

    objects = AuditedReadManager()

    class Meta(TenantModel.Meta):
        db_table = f'{SCHEMA}"."archived_record'
        verbose_name = "除票（除票用データベース）"

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}".strip()

    @property
    def full_name(self) -> str:
        return f"{self.family_name}\u3000{self.given_name}".strip()
