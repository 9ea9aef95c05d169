"""One form per 異動事由, from a definition table: which fields, how they become the request.

A view never hand-builds a request: :func:`build_request` turns the POSTed fields of a
:class:`KindForm` into the data of the kind's typed request (``registry.events.requests``), which
the view then validates exactly as the API does, and collects input errors (unparseable dates,
non-numeric ids) as RuleViolations on the field they belong to, so that they are shown the same way
as the register's own rule messages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jichitai.registry import relationships
from jichitai.registry.errors import RuleViolation
from jichitai.registry.labels import (
    EVENT_CORRECTABLE,
    HOUSEHOLD_LABELS,
    VALUE_DATE_FIELDS,
)
from jichitai.registry.models import EventKind
from jichitai.registry.written_dates import WRITTEN_EVENT_KINDS
from jichitai.wareki import DateInputError, parse_date

from . import item_fields

DATE_HELP = "例: 2024-04-01、令和6年4月1日、R6.4.1"
# [80]#1: a 出生・死亡's 異動日 may be a 不詳日, kept as written
EVENT_WRITTEN_HELP = DATE_HELP + "。不詳は記載どおり（例: 令和6年5月頃、令和6年5月日不詳）"
WRITTEN_HELP = DATE_HELP + "。不詳は記載どおり（例: 昭和55年頃、平成2年5月日不詳、年月日不詳）"
CONFIRMED_CHOICES = item_fields.CONFIRMED
SEX_CHOICES = (("", "選択してください"), ("1", "男"), ("2", "女"), ("9", "不詳"))
RESIDENT_TYPE_CHOICES = (("japanese", "日本人"), ("foreign", "外国人"))
# 続柄 is typed with these as suggestions (a chain like 「父の母」 need not be in the list); what is
# typed is checked against the standard by the typed request (registry.relationships).
RELATIONSHIPS = relationships.SUGGESTIONS
PERSON_ROWS = 4  # new-person rows a 転入 form starts with ("行を追加" adds more)
MAX_PERSON_ROWS = 30
CHANGE_ROWS = 3
UNREPORTED_CHOICES = (("", "いいえ"), ("true", "はい"))
# [40]#4, [50]#2: an 異動 entered for a 特別な事由 (its history is left out of certificates by default)
SPECIAL_CHOICES = (("", "なし"), ("special_adoption", "特別養子縁組"),
                   ("special_adoption_dissolved", "特別養子縁組の解消"), ("sex_change", "性別の変更"))


@dataclass(frozen=True)
class Field:
    """One input. ``name`` is the POST name and the element id (``f-<name>``)."""

    name: str
    label: str
    widget: str = "text"  # text | date | select | address | textarea | members | member | relationships
    required: bool = False
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    autocomplete: str = "off"

    @property
    def id(self) -> str:
        return f"f-{self.name}"


# The fields of a new person (転入・出生・職権記載); "foreign" ones are grouped under 外国人住民の項目.
PERSON_FIELDS: tuple[Field, ...] = (
    Field("family_name", "氏", required=True),
    Field("given_name", "名"),
    Field("family_name_kana", "氏（ふりがな）"),
    Field("given_name_kana", "名（ふりがな）"),
    Field("birth_date", "生年月日", "written_date", required=True, help=WRITTEN_HELP),
    Field("sex", "性別", "select", required=True, choices=SEX_CHOICES),
    Field("relationship", "続柄", required=True,
          help="標準仕様の表記で入力します。例: 世帯主、妻、子、妻の子、子の子（孫）、妻（未届）"),
    Field("resident_type", "住民種別", "select", choices=RESIDENT_TYPE_CHOICES),
    Field("honseki", "本籍", help="日本人住民は必須。本籍がない場合は「なし」、分からない場合は「不明」を選びます（筆頭者は空欄）"),
    Field("hittousha", "筆頭者"),
    Field("my_number", "個人番号", help="12桁（任意）"),
    Field("resident_code", "住民票コード", required=True, help="11桁"),
    Field("name_kana_confirmed", "氏名のフリガナを本人に確認した", "select", choices=CONFIRMED_CHOICES),
    Field("former_surname_kana", "旧氏（フリガナ）"),
    Field("former_surname_kana_confirmed", "旧氏のフリガナを本人に確認した", "select", choices=CONFIRMED_CHOICES),
    Field("last_registered_address", "最終登録住所地",
          help="住民票の記載事項ではありません。未届転入などで最後に住民登録していた住所を入力します"),
    Field("returning_person_id", "再転入者（除票の住民ID）",
          help="除票を検索して選んだ再転入者の住民ID。宛名番号を引き継ぎ、空欄の項目は除票の値になります"),
)
FOREIGN_FIELDS: tuple[Field, ...] = (
    Field("nationality", "国籍・地域"),
    Field("residence_status", "在留資格"),
    Field("residence_period", "在留期間"),
    Field("residence_end_date", "在留期間の満了の日", "date", help=DATE_HELP),
    Field("residence_card_no", "在留カード番号", help="英字2桁・数字8桁・英字2桁"),
    Field("alias", "通称"),
    Field("former_surname", "旧氏"),
    *(Field(**f) for f in item_fields.FOREIGN_ITEMS),
)
BIRTH_FIELDS = tuple(f for f in PERSON_FIELDS
                     if f.name not in ("birth_date", "resident_type", "my_number", "returning_person_id",
                                       "last_registered_address"))
# 帰化・国籍取得・国籍喪失 ([930]–[950]): only what the new 住民票 does not carry over
_NEW_NAME = (Field("family_name", "新しい氏（変わる場合）"), Field("given_name", "新しい名（変わる場合）"),
             Field("family_name_kana", "新しい氏（ふりがな）"), Field("given_name_kana", "新しい名（ふりがな）"))
_TO_JAPANESE = (Field("person_id", "住民ID（外国人住民）", required=True), *_NEW_NAME,
                Field("honseki", "本籍", required=True), Field("hittousha", "筆頭者"))
_CARRIED = "宛名番号・住民票コード・個人番号・住所・続柄などは引き継ぎます。"

EFFECTIVE = Field("effective_date", "異動日", "date", required=True, help=DATE_HELP)
REPORTED = Field("reported_date", "届出日", "date", help=DATE_HELP + "（空欄は届出なし・職権）")
ADDRESS = (
    Field("address_id", "住所（町字）", "address", required=True),
    Field("banchi", "番地", required=True, help="例: 1番地2"),
    Field("katagaki", "方書", help="例: 栄ハイツ101"),
)
MEMBERS = Field("person_ids", "異動する世帯員", "members", required=True)
NEW_HEAD = Field("new_head_id", "新しい世帯主", "member",
                 help="世帯主が世帯を離れる場合に、残る世帯員から選びます。")
REMAINING_HEAD = Field("remaining_head_id", "元の世帯に残る人の新しい世帯主", "member",
                       help="世帯主が元の世帯を離れる場合に選びます。")
RELATIONSHIPS_F = Field("relationships", "新しい続柄", "relationships",
                        help="変わる世帯員だけ入力します（空欄は変更なし）。")
# [780], [790], [750]#2: why a 異動 is made ex officio and its dates (each first shown as the day of
# processing); they go to the 職権記録書 (registry.ex_officio), never into the request
BASIS = Field("basis", "職権の契機", "select", help="職権で行う場合に選びます（空欄は届出による異動）",
              choices=(("", "（届出による）"), ("investigation", "実態調査等"), ("report_applied", "届出の準用（届出がない場合）"),
                       ("koseki_report", "戸籍届出"), ("koseki_notice", "戸籍通知（法第9条第2項）"), ("offer", "申出")))
KOSEKI_REPORTED = Field("koseki_reported_on", "戸籍届出日", "date", help="戸籍届出による場合。" + DATE_HELP)
NOTIFIED = Field("notified_on", "通知日", "date", help="戸籍通知による場合。" + DATE_HELP)
OFFERED = Field("offered_on", "申出日", "date", help="申出による場合。" + DATE_HELP)
MATTER = Field("matter", "職権により記載等を行う事項（職権記録書）", "textarea")
EX_OFFICIO_FIELDS = (BASIS, KOSEKI_REPORTED, NOTIFIED, OFFERED, MATTER)
EX_OFFICIO_NAMES = frozenset(f.name for f in EX_OFFICIO_FIELDS)
APPLIED = (BASIS, MATTER)  # [760] 届出の準用 on a 届出's form (its 届出日 left blank)
SPECIAL = Field("special_cause", "特別な事由", "select", choices=SPECIAL_CHOICES,
                help="特別養子縁組・その解消・性別の変更による異動。証明書の履歴には既定で記載しません")
MINOR_GROUND_CHOICES = (("", "選択してください"), ("common_chars", "常用平易な文字への変更"), ("identification", "文字の同定"),
                        ("district_name", "行政区画・郡・区・町字等の名称の変更"), ("lot_number", "地番の変更"),
                        ("residence_indication", "住居表示の実施又は変更"), ("building_name", "建築物の名称又は建物の賃貸人の変更"),
                        ("minister", "総務大臣が適当と認めるもの"))


@dataclass(frozen=True)
class KindForm:
    kind: str
    title: str
    intro: str
    fields: tuple[Field, ...]
    persons: str = ""  # "rows" (several new persons) | "one" (出生) | ""
    needs_household: bool = False  # member checkboxes / selects need a household
    changes: str = ""  # "person" (職権修正) | "event" (訂正) | "minor" (軽微な修正: 氏名・住所 only)
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return EventKind(self.kind).label


def _move_in(kind: str, title: str, intro: str, previous: bool = True,
             extra: tuple[Field, ...] = (), blank_previous: bool = False) -> KindForm:
    fields = [EFFECTIVE, REPORTED, *extra]
    if previous:
        fields.append(Field("previous_address", "従前の住所", required=not blank_previous,
                            help="空欄可（[910]#2・[920]#2）" if blank_previous
                            else "転入前の住所（国外転入は国名）。未届転入は未届の住所のうち直近のもの"))
    else:
        fields.append(Field("previous_address", "従前の住所",
                            help="不明なら「不明」、出生等で前住所がなければ空欄。未届転入は未届の住所のうち直近のもの"))
    if kind in ("move_in", "ex_officio_entry"):  # [620], [800]#2
        fields.append(Field("unreported", "未届転入", "select", choices=UNREPORTED_CHOICES,
                            help="「はい」で従前の住所の末尾に（未届）を付け、留意事項に未届転入の旨を記載します"))
    if kind in ("move_in", "ex_officio_entry"):
        fields.append(SPECIAL)
    fields += [*ADDRESS, Field("existing_household_id", "既存の世帯に入る場合の世帯ID",
                               help="空欄なら新しい世帯を作ります（上の住所を使います）。")]
    return KindForm(kind, title, intro, tuple(fields), persons="rows")


def _foreign(form: KindForm, *more: Field) -> KindForm:
    """[910], [920]: 外国人住民となった年月日 left blank is the 異動日 (the planner fills it)."""
    from dataclasses import replace

    return replace(form, fields=(*form.fields, *more), extra={"defaulted": ("became_foreign_resident_on",)})


FORMS: dict[str, KindForm] = {f.kind: f for f in (
    _move_in("move_in", "転入届", "他の市区町村から転入した世帯の全員を入力します。続柄が「世帯主」の人が世帯主になります。",
             extra=APPLIED),
    _move_in("move_in_abroad", "国外転入届", "国外から転入した人を入力します。", extra=APPLIED),
    _move_in("ex_officio_entry", "職権記載", "職権で住民票を記載します（住所設定）。前住所が不明なら従前の住所に「不明」、出生等で前住所がなければ空欄です。",
             previous=False, extra=EX_OFFICIO_FIELDS),
    # [910], [920]: 中長期在留者等 only; 従前の住所 may be blank (the form offers it, not required)
    _foreign(_move_in("move_in_30_46", "法第30条の46転入届",
                      "国外から来て住所を定めた中長期在留者・特別永住者・一時庇護許可者・仮滞在者を入力します（転入前住所は空欄可）。",
                      blank_previous=True, extra=APPLIED)),
    _foreign(_move_in("entry_30_47", "法第30条の47届出",
                      "住所を有する人が中長期在留者・特別永住者・一時庇護許可者・仮滞在者となったときに入力します（転入前住所は空欄可）。",
                      blank_previous=True, extra=APPLIED),
             Field("address_set_on", "住所を定めた年月日（異動日より前の場合）", "date", help=DATE_HELP)),
    KindForm("birth", "出生届", "出生した子を世帯に記載します。異動日が生年月日になります。",
             (Field("effective_date", "出生日（異動日）", "date", required=True, help=EVENT_WRITTEN_HELP), REPORTED,
              Field("koseki_from_id", "戸籍の表示（本籍・筆頭者）を引用する世帯員", "member",
                    help="選ぶと本籍・筆頭者の空欄にその人の値が入ります"), *EX_OFFICIO_FIELDS),
             persons="one", needs_household=True),
    KindForm("move_out_planned", "転出届（転出予定）", "転出予定の届出を受け付けます。転出確定は別に入力します。",
             (Field("effective_date", "届出を受けた日（異動日）", "date", required=True, help=DATE_HELP), REPORTED,
              MEMBERS, Field("destination", "転出先",
                             help="住所辞書の住所に続けて番地・方書を入力します。直接入力や市区町村だけでも構いません。"
                                  "特別養子縁組による転出に限り空欄にできます"), SPECIAL,
              Field("destination_code", "転出先の住所コード（住所辞書）", help="住所辞書で選んだ住所の11桁のコード（任意）"),
              Field("planned_date", "転出予定日", "date", help=DATE_HELP), *APPLIED),
             needs_household=True),
    KindForm("move_out_confirmed", "転出確定", "転出予定の住民の転出を確定します（転入通知の受領など）。",
             (EFFECTIVE, REPORTED, MEMBERS, Field("destination", "転出先（確定）（予定と違う場合）"),
              Field("notice_date", "転入通知年月日", "date", help=DATE_HELP),
              Field("moved_in_on", "転入日（転入通知に記載。空欄なら異動日）", "date", help=DATE_HELP),
              REMAINING_HEAD, RELATIONSHIPS_F),
             needs_household=True),
    KindForm("move_out_abroad", "国外転出届", "国外へ転出する住民を消除します。",
             (EFFECTIVE, REPORTED, MEMBERS, Field("destination", "転出先（国名）", required=True),
              REMAINING_HEAD, RELATIONSHIPS_F, *APPLIED),
             needs_household=True),
    KindForm("move_within", "転居届", "市内で住所を変えた世帯員を入力します。一部の世帯員だけなら新しい世帯になります。",
             (EFFECTIVE, REPORTED, MEMBERS, *ADDRESS,
              Field("new_head_id", "転居先の世帯の世帯主", "member", help="一部の世帯員が転居する場合（空欄なら最初に選んだ人）"),
              REMAINING_HEAD, RELATIONSHIPS_F, *APPLIED), needs_household=True),
    KindForm("death", "死亡届", "死亡した住民を消除します。",
             (Field("effective_date", "死亡日（異動日）", "date", required=True, help=EVENT_WRITTEN_HELP), REPORTED, Field("person_id", "死亡した人", "member", required=True), NEW_HEAD,
              RELATIONSHIPS_F, *EX_OFFICIO_FIELDS), needs_household=True),
    KindForm("disappearance", "失踪", "失踪宣告の戸籍通知（法第9条第2項）により職権で消除します（異動事由は職権消除）。",
             (Field("effective_date", "異動日（死亡とみなされる日）", "date", required=True, help=EVENT_WRITTEN_HELP),
              Field("person_id", "失踪宣告を受けた人", "member", required=True), NEW_HEAD, RELATIONSHIPS_F,
              *EX_OFFICIO_FIELDS), needs_household=True),
    KindForm("household_split", "世帯分離", "選んだ世帯員で新しい世帯を作ります（住所は同じ）。",
             (EFFECTIVE, REPORTED, MEMBERS,
              Field("new_head_id", "新しい世帯の世帯主", "member", help="空欄なら最初に選んだ人"),
              REMAINING_HEAD, RELATIONSHIPS_F, *APPLIED), needs_household=True),
    KindForm("household_merge", "世帯合併", "この世帯（合併元）の全員を別の世帯（合併先）に移します。",
             (EFFECTIVE, REPORTED, Field("to_household_id", "合併先の世帯ID", required=True),
              Field("relationships", "合併後の続柄（全員）", "relationships", required=True,
                    help="合併先の世帯主から見た続柄を全員について入力します。"), *APPLIED),
             needs_household=True),
    KindForm("household_change", "世帯変更", "選んだ世帯員を同じ住所の別の世帯に移します（全員なら世帯合併）。",
             (EFFECTIVE, REPORTED, MEMBERS, Field("to_household_id", "異動先の世帯ID", required=True),
              REMAINING_HEAD, Field("relationships", "続柄（異動者は全員）", "relationships", required=True,
                                    help="異動者は異動先の世帯主から見た続柄を、残る世帯員は変わる場合だけ入力します。"), SPECIAL),
             needs_household=True),
    KindForm("head_change", "世帯主変更", "世帯主を変更します。前の世帯主の新しい続柄が必要です。",
             (EFFECTIVE, REPORTED, Field("new_head_id", "新しい世帯主", "member", required=True),
              RELATIONSHIPS_F, *APPLIED), needs_household=True),
    KindForm("name_change", "氏名変更", "氏名・ふりがなの変更を記載します。変わる項目だけ入力します。",
             (EFFECTIVE, REPORTED, Field("person_id", "住民ID", required=True),
              Field("family_name", "新しい氏"), Field("given_name", "新しい名"),
              Field("family_name_kana", "新しい氏（ふりがな）"), Field("given_name_kana", "新しい名（ふりがな）"),
              Field("former_surname", "旧氏"), SPECIAL, *EX_OFFICIO_FIELDS)),
    KindForm("alias_change", "通称の記載・削除", "外国人住民の申出により通称を記載または削除します（記載・削除した市区町村は空欄なら自団体）。",
             (EFFECTIVE, REPORTED, Field("person_id", "住民ID", required=True),
              Field("action", "記載・削除", "select", required=True,
                    choices=(("", "選択してください"), ("record", "記載"), ("delete", "削除"))),
              Field("alias", "通称"), Field("alias_kana", "通称（フリガナ）"),
              Field("alias_kana_confirmed", "通称のフリガナを本人に確認した", "select", choices=CONFIRMED_CHOICES),
              Field("municipality", "記載・削除した市区町村（他団体の場合）"),
              Field("municipality_code", "その市区町村コード", help="6桁"), *APPLIED)),
    KindForm("ex_officio_deletion", "職権消除", "居住の実態がない住民などを職権で消除します。",
             (EFFECTIVE, REPORTED, MEMBERS, REMAINING_HEAD,
              RELATIONSHIPS_F, *EX_OFFICIO_FIELDS), needs_household=True),
    KindForm("naturalization", "帰化", "帰化した外国人住民の外国人住民票を消除し、日本人住民票を記載します。" + _CARRIED,
             (EFFECTIVE, REPORTED, *_TO_JAPANESE)),
    KindForm("nationality_acquisition", "国籍取得",
             "国籍を取得した外国人住民の外国人住民票を消除し、日本人住民票を記載します。" + _CARRIED,
             (EFFECTIVE, REPORTED, *_TO_JAPANESE)),
    KindForm("nationality_loss", "国籍喪失", "国籍を喪失した日本人住民の日本人住民票を消除し、外国人住民票を記載します。" + _CARRIED,
             (EFFECTIVE, REPORTED, Field("person_id", "住民ID（日本人住民）", required=True),
              Field("lost_on", "国籍を失った年月日", "date", help=DATE_HELP), *_NEW_NAME,
              Field("nationality", "国籍・地域", required=True),
              Field("foreign_category", "法第30条の45の区分", "select", required=True,
                    choices=item_fields.FOREIGN_ITEMS[0]["choices"]),
              Field("residence_status", "在留資格"), Field("residence_period", "在留期間"),
              Field("residence_end_date", "在留期間の満了の日", "date", help=DATE_HELP),
              Field("residence_card_no", "在留カード番号", help="英字2桁・数字8桁・英字2桁"),
              Field("special_permanent_cert_no", "特別永住者証明書の番号"),
              Field("alphabet_name", "氏名（アルファベット）"))),
    KindForm("ex_officio_correction", "職権修正", "住民票の記載事項を職権で修正します。",
             (EFFECTIVE, REPORTED, Field("person_id", "住民ID", required=True), SPECIAL, *EX_OFFICIO_FIELDS),
             changes="person"),
    KindForm("minor_correction", "軽微な修正", "常用平易な文字への変更・住居表示の実施など（規則第11条第3項第2号）により、氏名（住民ID）"
             "または住所（世帯ID）の記載を修正します。異動事由は「軽微な修正」です。",
             (EFFECTIVE, Field("ground", "軽微な修正の事由", "select", required=True, choices=MINOR_GROUND_CHOICES),
              Field("person_id", "住民ID（氏名の修正）"), Field("household_id", "世帯ID（住所の修正）"), BASIS, MATTER),
             changes="minor"),
    KindForm("cancellation", "取消", "本登録された異動を取り消します（記録は残り、取消の異動が加わります）。",
             (EFFECTIVE, REPORTED, Field("target_event_id", "取り消す異動の受付番号", required=True),
              Field("person_ids", "一部の異動者だけ取り消す場合の住民ID",
                    help="カンマ区切り（空欄なら異動の全員、[980]#1）"))),
    KindForm("correction", "訂正", "本登録された異動で記載した値を訂正します。",
             (EFFECTIVE, REPORTED, Field("target_event_id", "訂正する異動の受付番号", required=True)),
             changes="event"),
)}

EVENT_FIELDS = EVENT_CORRECTABLE
DATE_VALUE_FIELDS = VALUE_DATE_FIELDS


# ---------------------------------------------------------------------------------------------


@dataclass
class Built:
    request: dict[str, Any]
    effective_date: dt.date | None
    reported_date: dt.date | None
    errors: list[RuleViolation]
    rows: list[int] = field(default_factory=list)  # the form row of each request person
    change_rows: list[int] = field(default_factory=list)  # the form row of each 訂正 change


def _date(post: Mapping[str, str], name: str, label: str, errors: list[RuleViolation],
          required: bool = False) -> dt.date | None:
    text = (post.get(name) or "").strip()
    try:
        value = parse_date(text)
    except DateInputError as exc:
        errors.append(RuleViolation(
            "date_format", f"{label}: {exc.message}" if exc.message else f"{label}の形式が正しくありません（{DATE_HELP}）。",
            name))
        return None
    if value is None and required:
        errors.append(RuleViolation("required", f"{label}を入力してください。", name))
    return value


def _int(post: Mapping[str, str], name: str, label: str, errors: list[RuleViolation],
         required: bool = False) -> int | None:
    import unicodedata

    from jichitai.registry.events.requests import MAX_ID

    text = unicodedata.normalize("NFKC", (post.get(name) or "").strip())
    if not text:
        if required:
            errors.append(RuleViolation("required", f"{label}を入力してください。", name))
        return None
    if not text.isdigit() or len(text) > 19 or not 1 <= int(text) <= MAX_ID:
        errors.append(RuleViolation("bad_id", f"{label}は数字（ID）で入力してください。", name))
        return None
    return int(text)


def row_prefix(index: int) -> str:
    return f"persons-{index}-"


def person_row(post: Mapping[str, str], prefix: str, fields: tuple[Field, ...],
               errors: list[RuleViolation]) -> dict[str, Any] | None:
    """One new-person row as a request spec; None when the row was left empty."""
    texts = {f.name: (post.get(prefix + f.name) or "").strip() for f in (*fields, *FOREIGN_FIELDS)}
    if not any(v for k, v in texts.items() if k not in ("resident_type", "sex")):
        return None
    spec: dict[str, Any] = {}
    for f in (*fields, *FOREIGN_FIELDS):
        value: Any = texts[f.name]
        if f.widget == "date":
            value = _date(post, prefix + f.name, f.label, errors, required=f.required)
            value = value.isoformat() if value else None
        elif f.widget == "written_date" and not value and texts.get("returning_person_id"):
            value = None  # [600]: a 再転入者's blank 生年月日 is his 除票's
        elif f.widget == "written_date":
            value = item_fields.written_date(value, prefix + f.name, f.label, errors, spec)
        elif f.name in item_fields.CONFIRM_FIELDS:
            value = value == "true" or None
        if value not in ("", None):
            spec[f.name] = value
    spec.setdefault("resident_type", "japanese")
    return spec


def person_rows(post: Mapping[str, str]) -> int:
    try:
        n = int(post.get("rows") or PERSON_ROWS)
    except ValueError:
        n = PERSON_ROWS
    return max(1, min(n, MAX_PERSON_ROWS))


def build_request(form: KindForm, post: Mapping[str, str], getlist: Any) -> Built:
    """The data of the kind's typed request from the POSTed fields (and the input errors).

    Items left empty are left out, so that the typed request reports them as missing by name.
    """
    errors: list[RuleViolation] = []
    if form.kind in WRITTEN_EVENT_KINDS:  # [80]#1: the 異動日 as written; its internal date is the 異動日
        written: dict[str, Any] = {}
        day = item_fields.written_date((post.get("effective_date") or "").strip(), "effective_date", "異動日",
                                       errors, written)
        built = Built({}, dt.date.fromisoformat(day) if day else None,
                      _date(post, "reported_date", "届出日", errors), errors)
        if "effective_date_text" in written:
            built.request["effective_date_text"] = written["effective_date_text"]
        elif day is None and not any(e.field == "effective_date" for e in errors):
            errors.append(RuleViolation("required", "異動日を入力してください。", "effective_date"))
    else:
        built = Built({}, _date(post, "effective_date", "異動日", errors, required=True),
                      _date(post, "reported_date", "届出日", errors), errors)
    if form.persons == "rows":
        _new_persons(form, post, built)
    elif form.persons == "one":
        _put(built.request, "household_id", _int(post, "household", "世帯", errors, required=True))
        built.request["person"] = person_row(post, "person-", BIRTH_FIELDS, errors) or {}
        _put(built.request, "koseki_from_id", _int(post, "koseki_from_id", "戸籍の表示を引用する世帯員", errors))
    else:
        _existing(form, post, getlist, built)
    return built


def _put(req: dict[str, Any], name: str, value: Any) -> None:
    if value is not None:
        req[name] = value


def _new_persons(form: KindForm, post: Mapping[str, str], built: Built) -> None:
    req, errors = built.request, built.errors
    text = {f.name: (post.get(f.name) or "").strip() for f in form.fields}
    if "previous_address" in text:
        req["previous_address"] = text["previous_address"]
    if text.get("unreported") == "true":  # [800]#2
        req["unreported"] = True
    if text.get("special_cause"):  # [40]#4: a 特別養子縁組's 転入
        req["special_cause"] = text["special_cause"]
    if form.kind == "entry_30_47":  # [920]: 住所を定めた年月日 before the 異動日
        _put(req, "address_set_on", _date(post, "address_set_on", "住所を定めた年月日", errors))
    existing = _int(post, "existing_household_id", "既存の世帯ID", errors)
    if existing is not None:
        req["household"] = {"existing_id": existing}
    else:
        new = {"banchi": text["banchi"], "katagaki": text["katagaki"]}
        _put(new, "address_id", _int(post, "address_id", "住所（町字）", errors))
        req["household"] = {"new": new}
    specs = []
    for i in range(1, person_rows(post) + 1):
        spec = person_row(post, row_prefix(i), PERSON_FIELDS, errors)
        if spec is not None:
            spec["ref"] = f"p{i}"
            specs.append(spec)
            built.rows.append(i)
    req["persons"] = specs
    head = next((s for s in specs if s.get("relationship") == "世帯主"), specs[0] if specs else None)
    if head is not None:
        req["head_ref"] = head["ref"]


def _existing(form: KindForm, post: Mapping[str, str], getlist: Any, built: Built) -> None:
    """Forms about existing persons and households (members, heads, 続柄, changes)."""
    from .views.common import parse_id

    req, errors, k = built.request, built.errors, form.kind
    text = {f.name: (post.get(f.name) or "").strip() for f in form.fields}
    if form.needs_household and k not in ("death", "disappearance", "head_change", "household_merge"):
        req["person_ids"] = [i for i in map(parse_id, getlist("person_ids")) if i is not None]
    if k == "household_merge":
        _put(req, "from_household_id", _int(post, "household", "合併元の世帯", errors, required=True))
    if k in ("household_merge", "household_change"):
        label = "合併先の世帯ID" if k == "household_merge" else "異動先の世帯ID"
        _put(req, "to_household_id", _int(post, "to_household_id", label, errors, required=True))
    if k == "head_change":
        _put(req, "household_id", _int(post, "household", "世帯", errors, required=True))
    for f in form.fields:
        if f.widget == "address":
            address = {"banchi": text["banchi"], "katagaki": text["katagaki"]}
            _put(address, "address_id", _int(post, "address_id", f.label, errors))
            req["address"] = address
        elif f.name in EX_OFFICIO_NAMES:
            continue  # the 職権記録書's, not the request's
        elif f.widget == "member" or f.name in ("person_id", "target_event_id", "household_id"):
            _put(req, f.name, _int(post, f.name, f.label, errors, required=f.required))
        elif f.widget == "relationships":
            req["relationships"] = {key[4:]: value.strip() for key, value in post.items()
                                    if key.startswith("rel-") and parse_id(key[4:]) and value.strip()}
        elif f.widget == "date" and f.name not in ("effective_date", "reported_date"):
            d = _date(post, f.name, f.label, errors, required=f.required)
            if d is not None:
                req[f.name] = d.isoformat()
        elif f.widget in ("text", "select") and f.name not in ("banchi", "katagaki", "to_household_id"):
            if text[f.name] or f.required:
                req[f.name] = text[f.name]
    if k == "cancellation":
        _cancelled_persons(text.get("person_ids", ""), req, errors)
    if form.changes:
        req["changes"] = _changes(form, post, built)


def _cancelled_persons(raw: str, req: dict[str, Any], errors: list[RuleViolation]) -> None:
    """[980]#1: the persons of a 取消 of some of an 異動's persons, as typed (カンマ・読点区切り)."""
    from .views.common import parse_id

    parts = [p for p in re.split(r"[,、，\s]+", raw) if p]
    ids = [parse_id(p) for p in parts]
    req.pop("person_ids", None)
    if any(i is None for i in ids):
        errors.append(RuleViolation("invalid", "住民IDは数字をカンマ区切りで入力してください。", "person_ids"))
    elif ids:
        req["person_ids"] = ids


def _changes(form: KindForm, post: Mapping[str, str], built: Built) -> Any:
    rows: list[Any] = []
    errors = built.errors
    for i in range(1, CHANGE_ROWS + 1):
        fname = (post.get(f"change-{i}-field") or "").strip()
        if not fname:
            continue
        raw = (post.get(f"change-{i}-value") or "").strip()
        value: Any = raw
        if fname in DATE_VALUE_FIELDS and raw:
            d = _date(post, f"change-{i}-value", "修正後の値", errors)
            value = d.isoformat() if d else raw
        built.change_rows.append(i)
        if form.changes in ("person", "minor"):
            rows.append((fname, int(raw) if fname == "address_id" and raw.isdigit() and len(raw) < 19 else value))
            continue
        entity = "household" if fname in HOUSEHOLD_LABELS else "person"
        eid = _int(post, f"change-{i}-entity_id", "対象のID", errors, required=True)
        if fname == "address_id" and raw.isdigit() and len(raw) < 19:
            value = int(raw)
        change = {"entity": entity, "field": fname, "value": value}
        _put(change, "entity_id", eid)
        rows.append(change)
    return dict(rows) if form.changes in ("person", "minor") else rows
