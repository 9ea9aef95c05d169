"""職権記録書 ([750]#2): why and on what an 異動 was made ex officio, kept beside the event.

One row per 職権 異動 (a 職権記載・職権消除・職権修正, a 届出's 異動 made without the 届出 under [760],
or one made on a 戸籍届出・戸籍通知 or a 申出). The 申出日 and 通知日 stay on ``EventEntry`` (one item
each, [780]#3/[790]#4); the 戸籍届出日 is here. Never edited: a correction is a new 異動.
"""

from __future__ import annotations

from django.db import models

from jichitai.tenancy.models import TenantModel


class ExOfficioBasis(models.TextChoices):
    INVESTIGATION = "investigation", "実態調査等"
    REPORT_APPLIED = "report_applied", "届出の準用（届出がない場合）"  # [760]
    KOSEKI_REPORT = "koseki_report", "戸籍届出"  # [780]: a 戸籍届 received here
    KOSEKI_NOTICE = "koseki_notice", "戸籍通知（法第9条第2項）"  # [770], [830]
    OFFER = "offer", "申出"  # [790]


class ExOfficioRecord(TenantModel):
    """The 職権記録書 of one 異動."""

    event = models.OneToOneField(
        "registry.RegistryEvent",
        on_delete=models.PROTECT,
        related_name="ex_officio",
        verbose_name="異動",
    )
    basis = models.CharField("職権の契機", max_length=20, choices=ExOfficioBasis.choices)
    koseki_reported_on = models.DateField("戸籍届出日", null=True, blank=True)
    matter = models.TextField("職権により記載等を行う事項", blank=True)
    notice_ref = models.CharField("戸籍通知の識別番号", max_length=60, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = "職権記録書"
