"""The public verification record of one issued copy: no personal data, so it is not tenant data.

Only what someone holding the code may learn is stored: the issuing municipality, the kind, the
time of issue, the 発行番号 (date, municipality, terminal, printer, sequence: no person in it), the
hash of the bytes handed out and whether the copy was revoked. No names, no addresses, no person
ids, no reason text.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class VerificationCode(models.Model):
    code = models.CharField("照合番号", max_length=32, unique=True)
    municipality_code = models.CharField("地方公共団体コード", max_length=6)
    municipality_name = models.CharField("発行団体", max_length=50)
    title = models.CharField("証明書の種別", max_length=50)
    issued_at = models.DateTimeField("発行日時", default=timezone.now)
    number = models.CharField("発行番号", max_length=200, blank=True)
    issuance_id = models.BigIntegerField("交付履歴", null=True, blank=True, db_index=True)
    sha256 = models.CharField("内容のハッシュ", max_length=64)
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True)

    class Meta:
        app_label = "certificates"
        verbose_name = "照合番号"

    def __str__(self) -> str:
        return self.code
