"""住民基本台帳の一部の写し（閲覧用） made ([1320]) and who was in each ([360]#1 交付履歴照会).

One header per file made and one row per person in it, so a person's 交付履歴 shows every 閲覧用写し
that held them. Persons under 支援措置 are in one only when the 支援措置責任者 admitted them after
審査 ([440]#1): ``admitted`` names them.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantModel


class InspectionCopy(TenantModel):
    made_at = models.DateTimeField("作成日時", default=timezone.now)
    rows = models.PositiveIntegerField("件数")
    order = models.CharField("並び順", max_length=10)
    sha256 = models.CharField("内容のハッシュ", max_length=64)
    admitted = models.JSONField("審査により含めた支援対象者（住民ID）", default=list)

    class Meta(TenantModel.Meta):
        verbose_name = "住民基本台帳の一部の写し（閲覧用）"


class InspectionCopyEntry(TenantModel):
    copy = models.ForeignKey(InspectionCopy, on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    line = models.PositiveIntegerField("番号")

    class Meta(TenantModel.Meta):
        verbose_name = "閲覧用写しの記載者"
        indexes = [models.Index(fields=["municipality", "person"], name="inspection_copy_person")]
