"""Register tables: the event log (source of truth) and its projections.

Projections (Person, Household) carry no approver: the standard makes storing 決裁者・決裁日 in a
resident's record a must-not ([530] 4.0.8); who approved is evidence kept on the event and in the
audit log. Never edit a projection except through ``jichitai.registry.events``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from jichitai.audit.reads import AuditedReadManager
from jichitai.tenancy.models import TenantModel


class AddressEntry(TenantModel):
    """住所辞書: one 町字 of the municipality ([250] 1.3.3)."""

    town_code = models.CharField("町字コード", max_length=12)
    name = models.CharField("町字", max_length=100)
    kana = models.CharField("町字カナ", max_length=200, blank=True)
    postal_code = models.CharField("郵便番号", max_length=8, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = "住所辞書"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "town_code"], name="uniq_address_entry")
        ]

    def __str__(self) -> str:
        return self.name


class PersonStatus(models.TextChoices):
    RESIDENT = "resident", "住民"
    MOVED_OUT = "moved_out", "転出者"
    DEAD = "dead", "死亡者"
    DELETED = "deleted", "消除者"
    VOID = "void", "記載取消"


class ResidentType(models.TextChoices):
    JAPANESE = "japanese", "日本人"
    FOREIGN = "foreign", "外国人"


class Household(TenantModel):
    """世帯 (projection)."""

    household_no = models.CharField("世帯番号", max_length=20)
    address = models.ForeignKey(
        AddressEntry, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="町字"
    )
    banchi = models.CharField("番地", max_length=100, blank=True)
    katagaki = models.CharField("方書", max_length=200, blank=True)
    head = models.ForeignKey(
        "Person", on_delete=models.PROTECT, null=True, related_name="+", verbose_name="世帯主"
    )
    active = models.BooleanField("現存", default=True)
    version = models.PositiveIntegerField(default=0)

    class Meta(TenantModel.Meta):
        verbose_name = "世帯"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "household_no"], name="uniq_household_no")
        ]

    def __str__(self) -> str:
        return self.household_no


# [10]#1, [20]#1: 有無 items, 国民年金の種別 and card status (registry/more_items.py)
YES_NO = [("yes", "有"), ("no", "無")]
PENSION_KINDS = [("first", "第1号被保険者"), ("second", "第2号被保険者"), ("third", "第3号被保険者"),
                 ("voluntary", "任意加入被保険者"), ("special_voluntary", "特例任意加入被保険者")]
CARD_STATUS = [("issued", "交付済み"), ("not_issued", "未交付"), ("returned", "返納"), ("invalid", "失効")]


class Person(TenantModel):
    """住民 (projection): the current row of one person, rebuilt from the event log.

    Its manager logs every read that loads a person's data (``for_read(screen=...)``) and refuses
    a load that says neither where it is shown nor why it is not shown.
    """

    audit_subject_type = "person"

    atena_no = models.CharField("宛名番号", max_length=20)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    relationship = models.CharField("続柄", max_length=40)
    family_name = models.CharField("氏", max_length=100)
    given_name = models.CharField("名", max_length=100, blank=True)
    family_name_kana = models.CharField("氏（ふりがな）", max_length=200, blank=True)
    given_name_kana = models.CharField("名（ふりがな）", max_length=200, blank=True)
    name_key = models.CharField("氏名照合キー", max_length=200, db_index=False)
    kana_key = models.CharField("ふりがな照合キー", max_length=400, db_index=False)
    # [330]#2 名のみの検索: the keys of the 名 alone (prefix indexes: migration 0006)
    given_name_key = models.CharField("名照合キー", max_length=100, blank=True, default="")
    given_kana_key = models.CharField("名ふりがな照合キー", max_length=200, blank=True, default="")
    birth_date = models.DateField("生年月日")
    birth_date_precision = models.CharField(
        "生年月日の精度", max_length=5, default="day",
        choices=[("day", "年月日"), ("month", "年月（日不詳）"), ("year", "年（月日不詳）")],
    )
    sex = models.CharField("性別", max_length=1, choices=[("1", "男"), ("2", "女"), ("9", "不詳")])
    resident_type = models.CharField("住民種別", max_length=10, choices=ResidentType.choices)
    status = models.CharField("状態", max_length=12, choices=PersonStatus.choices)
    honseki = models.CharField("本籍", max_length=200, blank=True)
    hittousha = models.CharField("筆頭者", max_length=100, blank=True)
    my_number = models.CharField("個人番号", max_length=12, blank=True)
    resident_code = models.CharField("住民票コード", max_length=11, blank=True)
    nationality = models.CharField("国籍・地域", max_length=60, blank=True)
    residence_status = models.CharField("在留資格", max_length=60, blank=True)
    residence_period = models.CharField("在留期間", max_length=30, blank=True)
    residence_end_date = models.DateField("在留期間の満了の日", null=True, blank=True)
    residence_card_no = models.CharField("在留カード番号", max_length=12, blank=True)
    alias = models.CharField("通称", max_length=100, blank=True)
    former_surname = models.CharField("旧氏", max_length=100, blank=True)
    became_resident_on = models.DateField("住民となった年月日", null=True)
    address_set_on = models.DateField("住所を定めた年月日", null=True)
    reported_on = models.DateField("届出日", null=True)
    previous_address = models.CharField("従前の住所", max_length=300, blank=True)
    move_out_destination = models.CharField("転出先", max_length=300, blank=True)
    move_out_planned_on = models.DateField("転出予定日", null=True, blank=True)
    removed_on = models.DateField("消除日", null=True, blank=True)
    # -- chapter 1 items ([10], [20], [80], [170], [180]; registry/items.py says their rules) --
    # dates as written ([80]: 不詳日, 2月29日 of a common year, 明治45年7月30日): the text as typed
    # beside the internal date the column above holds ("" = the date itself, nothing odd)
    birth_date_text = models.CharField("生年月日（記載どおり）", max_length=60, blank=True)
    became_resident_on_text = models.CharField("住民となった年月日（記載どおり）", max_length=60, blank=True)
    address_set_on_text = models.CharField("住所を定めた年月日（記載どおり）", max_length=60, blank=True)
    # [80]#1: a 死亡's 異動日 as written (不詳日), the 消除日 above its internal date
    removed_on_text = models.CharField("消除日（記載どおり）", max_length=60, blank=True)
    name_kana_confirmed = models.BooleanField("氏名のフリガナ確認", default=False)
    former_surname_kana = models.CharField("旧氏（フリガナ）", max_length=200, blank=True)
    former_surname_kana_confirmed = models.BooleanField("旧氏のフリガナ確認", default=False)
    previous_address_postal_code = models.CharField("転入前住所の郵便番号", max_length=8, blank=True)
    move_out_destination_postal_code = models.CharField("転出先（予定）の郵便番号", max_length=8, blank=True)
    move_out_confirmed_destination = models.CharField("転出先（確定）", max_length=300, blank=True)
    move_out_confirmed_postal_code = models.CharField("転出先（確定）の郵便番号", max_length=8, blank=True)
    # foreign residents ([20]): the 法第30条の45 区分 and each category's items
    foreign_category = models.CharField("法第30条の45の区分", max_length=20, blank=True, choices=[
        ("mid_long", "中長期在留者"), ("special_permanent", "特別永住者"),
        ("temporary_refuge", "一時庇護許可者"), ("provisional_stay", "仮滞在者"),
        ("transit_birth", "出生による経過滞在者"), ("transit_loss", "国籍喪失による経過滞在者"),
    ])
    special_permanent_cert_no = models.CharField("特別永住者証明書の番号", max_length=12, blank=True)
    landing_period = models.CharField("上陸期間", max_length=30, blank=True)
    provisional_stay_period = models.CharField("仮滞在期間", max_length=60, blank=True)
    became_foreign_resident_on = models.DateField("外国人住民となった年月日", null=True, blank=True)
    became_foreign_resident_on_text = models.CharField(
        "外国人住民となった年月日（記載どおり）", max_length=60, blank=True)
    alien_registration_on = models.DateField("旧外登法による登録年月日", null=True, blank=True)
    alien_registration_on_text = models.CharField("旧外登法による登録年月日（記載どおり）", max_length=60, blank=True)
    alphabet_name = models.CharField("氏名（アルファベット）", max_length=200, blank=True)
    alias_kana = models.CharField("通称（フリガナ）", max_length=200, blank=True)
    alias_kana_confirmed = models.BooleanField("通称のフリガナ確認", default=False)
    alias_recorded_on = models.DateField("通称を記載した年月日", null=True, blank=True)
    alias_recorded_municipality = models.CharField("通称を記載した市区町村", max_length=60, blank=True)
    alias_recorded_municipality_code = models.CharField("通称を記載した市区町村コード", max_length=6, blank=True)
    alias_deleted_on = models.DateField("通称を削除した年月日", null=True, blank=True)
    alias_deleted_municipality = models.CharField("通称を削除した市区町村", max_length=60, blank=True)
    alias_deleted_municipality_code = models.CharField("通称を削除した市区町村コード", max_length=6, blank=True)
    name_priority = models.CharField("氏名優先区分", max_length=5, blank=True,
                                     choices=[("name", "氏名"), ("alias", "通称")])
    # [190] (optional): how mail is addressed to a foreign resident (本名のみ・通称のみ・併記)
    mail_name_code = models.CharField("郵便物送付コード", max_length=5, blank=True,
                                      choices=[("name", "本名のみ"), ("alias", "通称のみ"), ("both", "本名・通称併記")])
    # -- chapter 1 items fed by other business systems, cards and 住基ネット ([10]#1, [20]#1; kept and
    # correctable by staff: registry/more_items.py says their shapes) --
    elector_registered = models.CharField("選挙人名簿への登録の有無", max_length=3, blank=True, choices=YES_NO)
    nhi_insured = models.CharField("国民健康保険の被保険者該当の有無", max_length=3, blank=True, choices=YES_NO)
    nhi_acquired_on = models.DateField("国民健康保険の資格取得年月日", null=True, blank=True)
    nhi_lost_on = models.DateField("国民健康保険の資格喪失年月日", null=True, blank=True)
    late_elderly_insured = models.CharField(
        "後期高齢者医療の被保険者該当の有無", max_length=3, blank=True, choices=YES_NO)
    late_elderly_acquired_on = models.DateField("後期高齢者医療の資格取得年月日", null=True, blank=True)
    late_elderly_lost_on = models.DateField("後期高齢者医療の資格喪失年月日", null=True, blank=True)
    care_insured = models.CharField("介護保険の被保険者該当の有無", max_length=3, blank=True, choices=YES_NO)
    care_acquired_on = models.DateField("介護保険の資格取得年月日", null=True, blank=True)
    care_lost_on = models.DateField("介護保険の資格喪失年月日", null=True, blank=True)
    pension_insured = models.CharField("国民年金の被保険者該当の有無", max_length=3, blank=True, choices=YES_NO)
    basic_pension_no = models.CharField("基礎年金番号", max_length=10, blank=True)
    pension_kind = models.CharField("国民年金の種別", max_length=20, blank=True, choices=PENSION_KINDS)
    pension_kind_changed_on = models.DateField("国民年金の種別の変更があった年月日", null=True, blank=True)
    pension_acquired_on = models.DateField("国民年金の資格取得年月日", null=True, blank=True)
    pension_lost_on = models.DateField("国民年金の資格喪失年月日", null=True, blank=True)
    child_allowance_start = models.CharField("児童手当の受給開始年月", max_length=7, blank=True)
    child_allowance_end = models.CharField("児童手当の受給終了年月", max_length=7, blank=True)
    my_number_card_status = models.CharField("個人番号カードの発行状況", max_length=12, blank=True, choices=CARD_STATUS)
    juki_card_status = models.CharField("住基カードの発行状況", max_length=12, blank=True, choices=CARD_STATUS)
    adult_ward = models.CharField("成年被後見人の該当有無", max_length=3, blank=True, choices=YES_NO)
    last_registered_address = models.CharField("最終登録住所地", max_length=300, blank=True)
    signing_cert_serial = models.CharField("署名用電子証明書シリアル番号", max_length=40, blank=True)
    user_cert_serial = models.CharField("利用者証明用電子証明書シリアル番号", max_length=40, blank=True)
    residence_reported = models.CharField("住居地の届出の有無", max_length=3, blank=True, choices=YES_NO)
    landing_permit_move_in = models.CharField("上陸許可証による転入の旨", max_length=3, blank=True, choices=YES_NO)
    previous_address_code = models.CharField("転入前住所の住所コード", max_length=11, blank=True)
    move_out_destination_code = models.CharField("転出先（予定）の住所コード", max_length=11, blank=True)
    move_out_confirmed_code = models.CharField("転出先（確定）の住所コード", max_length=11, blank=True)
    move_in_notice_on = models.DateField("転入通知年月日", null=True, blank=True)
    move_out_confirmed_on = models.DateField("転出年月日（確定）", null=True, blank=True)  # [680]: 転入通知の転入日
    # [10]#1 世帯員の並び順 set by hand (5.2 [1010] allows it); blank: the [1010] rule orders the member
    member_order = models.CharField("世帯員の並び順", max_length=3, blank=True)
    # [740]#1: the 事実上の世帯主 (a 施設長, a head outside the law such as 在外米軍・外交官), shown in 備考
    de_facto_head = models.CharField("事実上の世帯主", max_length=100, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = AuditedReadManager()

    class Meta(TenantModel.Meta):
        verbose_name = "住民"
        constraints = [
            # a 帰化・国籍取得・国籍喪失 leaves the 消除 record and the new one with one 宛名番号 ([930]#2):
            # unique among the records neither 消除 nor voided by a 取消 (status deleted, void)
            models.UniqueConstraint(fields=["municipality", "atena_no"],
                                    condition=~models.Q(status__in=["deleted", "void"]), name="uniq_live_atena_no"),
            # 個人番号 and 住民票コード are national: at most one current resident holds each.
            models.UniqueConstraint(
                fields=["my_number"], condition=models.Q(status="resident") & ~models.Q(my_number=""),
                name="uniq_resident_my_number",
            ),
            models.UniqueConstraint(
                fields=["resident_code"],
                condition=models.Q(status="resident") & ~models.Q(resident_code=""),
                name="uniq_resident_code",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "name_key"], name="person_name_key"),
            models.Index(fields=["municipality", "kana_key"], name="person_kana_key"),
            models.Index(fields=["municipality", "birth_date"], name="person_birth"),
            models.Index(fields=["municipality", "household"], name="person_household"),
            models.Index(fields=["municipality", "atena_no"], name="person_atena_no"),
        ]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}".strip()

    @property
    def full_name(self) -> str:
        return f"{self.family_name}\u3000{self.given_name}".strip()


class EventKind(models.TextChoices):
    MOVE_IN = "move_in", "転入"
    MOVE_IN_FROM_ABROAD = "move_in_abroad", "国外転入"
    MOVE_OUT_PLANNED = "move_out_planned", "転出（予定）"
    MOVE_OUT_CONFIRMED = "move_out_confirmed", "転出確定"
    MOVE_OUT_ABROAD = "move_out_abroad", "国外転出"
    MOVE_WITHIN = "move_within", "転居"
    BIRTH = "birth", "出生"
    DEATH = "death", "死亡"
    HOUSEHOLD_SPLIT = "household_split", "世帯分離"
    HOUSEHOLD_MERGE = "household_merge", "世帯合併"
    HOUSEHOLD_CHANGE = "household_change", "世帯変更"  # [720]#1: some members join another household
    HEAD_CHANGE = "head_change", "世帯主変更"
    NAME_CHANGE = "name_change", "氏名変更"
    ALIAS_CHANGE = "alias_change", "通称の記載・削除"
    EX_OFFICIO_ENTRY = "ex_officio_entry", "職権記載"
    EX_OFFICIO_DELETION = "ex_officio_deletion", "職権消除"
    EX_OFFICIO_CORRECTION = "ex_officio_correction", "職権修正"
    CANCELLATION = "cancellation", "取消"
    CORRECTION = "correction", "訂正"
    # [930]–[950]: 消除 of the old 住民票 and 記載 of the other 住民種別's, carrying the 宛名番号
    NATURALIZATION = "naturalization", "帰化"
    NATIONALITY_ACQUISITION = "nationality_acquisition", "国籍取得"
    NATIONALITY_LOSS = "nationality_loss", "国籍喪失"
    # [1340]: 住居表示の実施・区画整理 etc.: a household's address rewritten where it stands (nobody moves)
    ADDRESS_RENUMBERING = "address_renumbering", "住居表示の実施等"
    HONSEKI_RENUMBERING = "honseki_renumbering", "本籍の表示の変更"
    # [830]: 失踪宣告 on the 本籍地's notice (法第9条第2項): a 職権消除; [850]: 軽微な修正 (規則第11条第3項第2号)
    DISAPPEARANCE = "disappearance", "失踪"
    MINOR_CORRECTION = "minor_correction", "軽微な修正"
    # [910], [920]: a 中長期在留者等 written like a 国外転入 (従前の住所 may be blank); [880] 変更請求
    MOVE_IN_30_46 = "move_in_30_46", "法第30条の46転入"
    ENTRY_30_47 = "entry_30_47", "法第30条の47届出"
    RESIDENT_CODE_CHANGE = "resident_code_change", "住民票コードの変更請求"


class EventStatus(models.TextChoices):
    PROVISIONAL = "provisional", "仮登録"
    APPROVED = "approved", "本登録"
    REJECTED = "rejected", "却下"
    WITHDRAWN = "withdrawn", "取下げ"  # [530]#3: taken back (取消・修正) by staff before 決裁


class RegistryEvent(TenantModel):
    """異動: one append-only entry of the log; only ``status`` moves (仮登録 → 本登録 / 却下 / 取下げ)."""

    kind = models.CharField("異動事由", max_length=30, choices=EventKind.choices)
    status = models.CharField("状態", max_length=12, choices=EventStatus.choices)
    effective_date = models.DateField("異動日")
    reported_date = models.DateField("届出日", null=True)
    # [80]#1: the 異動日 of a 出生・死亡 as written when it is a 不詳日 ("": the date itself)
    effective_date_text = models.CharField("異動日（記載どおり）", max_length=60, blank=True, default="")
    processed_at = models.DateTimeField("処理日", default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="入力者"
    )
    # [530]#7: the 異動 keeps no approver and no approval date (the operation log does, audit
    # ``registry.event.approved``). It keeps its own 本登録 order and time, which as-of queries
    # ("what the register knew at") need.
    registered_at = models.DateTimeField("本登録日時", null=True)
    approval_seq = models.PositiveBigIntegerField("本登録順", null=True)
    rejected_reason = models.TextField("却下理由", blank=True)
    request = models.JSONField("届出内容")
    base_versions = models.JSONField("入力時の版", default=dict)
    # who the event is about (its planned footprint): {"person": [ids], "household": [ids]}
    touches = models.JSONField("対象", default=dict)
    target = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, related_name="compensations",
        verbose_name="取消・訂正の対象",
    )
    # NULL, not "": the partial unique constraint must ignore events without a key
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        verbose_name = "異動"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "idempotency_key"], name="uniq_event_idempotency",
                condition=models.Q(idempotency_key__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["municipality", "approval_seq"], name="uniq_event_approval_seq",
                condition=models.Q(approval_seq__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["municipality", "status"], name="event_status")]


class EventFact(TenantModel):
    """One field change of an approved event: entity, field, before, after."""

    event = models.ForeignKey(RegistryEvent, on_delete=models.PROTECT, related_name="facts")
    entity = models.CharField(max_length=10, choices=[("person", "住民"), ("household", "世帯")])
    entity_id = models.BigIntegerField()
    field = models.CharField(max_length=40)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    effective_date = models.DateField()
    approval_seq = models.PositiveBigIntegerField()

    class Meta(TenantModel.Meta):
        verbose_name = "異動明細"
        indexes = [
            models.Index(
                fields=["municipality", "entity", "entity_id", "effective_date", "approval_seq"],
                name="fact_entity_time",
            ),
            # who belonged to a household (household_as_of): only the membership facts
            models.Index(
                fields=["municipality", "after"], name="fact_household_member",
                condition=models.Q(entity="person", field="household_id"),
            ),
        ]


class SupportMeasure(TenantModel):
    """支援措置 (DV/stalking protection) on one person ([440] 3.4, [160] 1.1.16)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="support_measures")
    start_date = models.DateField("開始日")
    end_date = models.DateField("終了日")
    against = models.JSONField("加害者等", default=list)  # [{"person_id": int|None, "name": str}]
    reason = models.CharField("措置区分", max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField("終了処理日時", null=True, blank=True)
    # [440]#6: who ended it, and why (申出 / 期間経過・延長なし / 必要性なし)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField("終了理由", max_length=20, blank=True)
    # [440]#7/#8, [160] 仮支援措置: from the application, or carried over when the person moved out
    provisional = models.BooleanField("仮支援措置", default=False)
    provisional_start = models.DateField("仮支援措置の開始年月日", null=True, blank=True)
    office_role = models.CharField("区分", max_length=10, default="current")  # current / former (前住所地)
    joint_with = models.ForeignKey(  # 併せて支援を求める者: the 申出者's measure
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="joint",
        verbose_name="申出者の支援措置",
    )
    case = models.JSONField("支援対象者管理の項目", default=dict)  # [160]: see registry/support_case.py
    # [440]#1: after 審査, the issuance error lifted for a while by the 支援措置責任者 (counter only)
    issuance_released_until = models.DateTimeField("交付の一時解除の終了日時", null=True, blank=True)
    issuance_release_reason = models.CharField("交付を認めた審査の内容", max_length=200, blank=True)
    # [440]#1: likewise for the 住民基本台帳の一部の写しの閲覧 (the 閲覧用写し made meanwhile holds the person)
    inspection_released_until = models.DateTimeField("閲覧の一時解除の終了日時", null=True, blank=True)
    inspection_release_reason = models.CharField("閲覧を認めた審査の内容", max_length=200, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = "支援措置"
        indexes = [models.Index(fields=["municipality", "person"], name="support_person")]


class Counter(TenantModel):
    """Per-municipality gapless counters (宛名番号, 世帯番号, 本登録順) taken under a row lock."""

    name = models.CharField(max_length=30)
    value = models.PositiveBigIntegerField(default=0)

    class Meta(TenantModel.Meta):
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="uniq_counter")]


# models of their own modules are the app's too (the app registry loads them from here)
from . import address_models, records_models  # noqa: E402,F401
from .archive_models import ArchivedRecord  # noqa: E402,F401  除票用データベース [1300]
from .euc_models import EucBatch  # noqa: E402,F401  EUC の大量抽出 [1360]
from .ex_officio_models import ExOfficioRecord  # noqa: E402,F401  職権記録書 [750]
from .holds_models import Hold  # noqa: E402,F401  抑止 [410]
from .immigration_models import ImmigrationNotice  # noqa: E402,F401  法務省通知 [960]
from .inspection_models import InspectionCopy, InspectionCopyEntry  # noqa: E402,F401  閲覧用写し [1320], [360]
from .link_models import HoldChange  # noqa: E402,F401  抑止の連携 [410]#9, [420]
from .migration_models import MigrationRun  # noqa: E402,F401  データ移行の実行記録
from .resident_code_models import ResidentCodeStock  # noqa: E402,F401  住民票コードの蓄積 [870]
from .search_history import SearchHistory  # noqa: E402,F401  検索履歴 [320]
