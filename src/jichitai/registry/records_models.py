"""Records kept beside the event log: 入力場所・入力端末 ([230]), what an 異動 carries besides its
request ([200]#1), 留意事項 ([140] B類型), 備考 ([140] C類型), メモ ([150]) and 改製 ([40]).

Notes are never edited in place: each 入力・修正・削除 is a new revision (who, when, what), so the
history of a 備考 or a メモ is kept ([150]#3). A メモ is never part of certificate data ([150]#4).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantModel


class PlaceKind(models.TextChoices):
    MAIN_OFFICE = "main_office", "本庁"
    BRANCH = "branch", "支所"
    SUB_OFFICE = "sub_office", "出張所"
    DEPARTMENT = "department", "住民記録システム利用課"
    OTHER = "other", "その他"


class InputPlace(TenantModel):
    """入力場所: where the register is used ([230] 1.3.1)."""

    code = models.CharField("入力場所コード", max_length=10)
    name = models.CharField("入力場所", max_length=100)
    kind = models.CharField("種別", max_length=20, choices=PlaceKind.choices)
    active = models.BooleanField("使用中", default=True)

    class Meta(TenantModel.Meta):
        verbose_name = "入力場所"
        constraints = [models.UniqueConstraint(fields=["municipality", "code"], name="uniq_input_place")]

    def __str__(self) -> str:
        return self.name


class InputTerminal(TenantModel):
    """入力端末: one terminal at an 入力場所."""

    place = models.ForeignKey(InputPlace, on_delete=models.PROTECT, related_name="terminals",
                              verbose_name="入力場所")
    code = models.CharField("端末コード", max_length=20)
    name = models.CharField("端末名", max_length=100)
    active = models.BooleanField("使用中", default=True)

    class Meta(TenantModel.Meta):
        verbose_name = "入力端末"
        constraints = [models.UniqueConstraint(fields=["municipality", "code"], name="uniq_input_terminal")]

    def __str__(self) -> str:
        return self.name


class EventEntry(TenantModel):
    """What an 異動 carries besides its request ([200]#1): where and on which terminal it was
    entered, and the 申出日・通知日・請求日 where the 異動 has one."""

    event = models.OneToOneField("registry.RegistryEvent", on_delete=models.PROTECT, related_name="entry",
                                 verbose_name="異動")
    place = models.ForeignKey(InputPlace, on_delete=models.PROTECT, null=True, related_name="+",
                              verbose_name="入力場所")
    terminal = models.ForeignKey(InputTerminal, on_delete=models.PROTECT, null=True, related_name="+",
                                 verbose_name="入力端末")
    offered_on = models.DateField("申出日", null=True, blank=True)
    notified_on = models.DateField("通知日", null=True, blank=True)
    requested_on = models.DateField("請求日", null=True, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = "異動の入力情報"


class EventRemark(TenantModel):
    """留意事項 (統合記載欄 B類型): tied to the 異動 it is about and the person ([140]#2)."""

    event = models.ForeignKey("registry.RegistryEvent", on_delete=models.PROTECT, related_name="remarks",
                              verbose_name="異動")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name="住民")
    text = models.TextField("留意事項")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = "留意事項"
        indexes = [models.Index(fields=["municipality", "person"], name="remark_person")]


class NoteKind(models.TextChoices):
    BIKO = "biko", "備考"  # 統合記載欄 C類型: printed on certificates (issue 12)
    MEMO = "memo", "メモ"  # [150]: never printed


class PersonNote(TenantModel):
    """One 備考 or メモ of a person; its text lives in its revisions."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name="住民")
    kind = models.CharField("種別", max_length=10, choices=NoteKind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("入力日時", default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = "備考・メモ"
        indexes = [models.Index(fields=["municipality", "person", "kind"], name="note_person_kind")]


class NoteAction(models.TextChoices):
    CREATE = "create", "入力"
    EDIT = "edit", "修正"
    DELETE = "delete", "削除"


class NoteRevision(TenantModel):
    """One 入力・修正・削除 of a note (kept for ever: [150]#3)."""

    note = models.ForeignKey(PersonNote, on_delete=models.PROTECT, related_name="revisions")
    action = models.CharField("操作", max_length=10, choices=NoteAction.choices)
    text = models.TextField("内容", blank=True)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name="ユーザID")
    at = models.DateTimeField("日時", default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = "備考・メモの履歴"
        indexes = [models.Index(fields=["municipality", "note"], name="note_revision_note")]


class Reissue(TenantModel):
    """改製 ([40] 1.1.4): done by hand, on a date; the 原票 before it becomes a 除票 (改製)."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name="住民")
    reissued_on = models.DateField("改製年月日")
    # the new 原票 starts after this 履歴番号: rows up to it belong to the 改製原住民票 (除票)
    last_history_no = models.PositiveIntegerField("改製前の最終履歴番号")
    reason = models.CharField("改製の理由", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(TenantModel.Meta):
        verbose_name = "改製"
        indexes = [models.Index(fields=["municipality", "person"], name="reissue_person")]
