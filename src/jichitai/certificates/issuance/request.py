"""The issuance request: what is asked, for whom, by whom ([1000]#1 options)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

RESIDENT_COPY = "juminhyo"  # 住民票の写し
REMOVED_COPY = "joshu"  # 住民票の除票の写し

SELF, HOUSEHOLD, AGENT, THIRD_PARTY, OFFICIAL = (
    "self",
    "household",
    "agent",
    "third_party",
    "official",
)
REQUESTER_KINDS = {
    SELF: "本人",
    HOUSEHOLD: "同一世帯",
    AGENT: "代理人",
    THIRD_PARTY: "第三者",
    OFFICIAL: "公用",
}


@dataclass(frozen=True)
class Options:
    """[1000]#1: 世帯連記式 or 個人票, 世帯全員 or some members, and what to print. Every item the
    standard lets a requester choose is omitted unless asked for."""

    household_form: bool = True  # 世帯連記式 (False: 個人票, one per person)
    whole_household: bool = False  # 世帯全員 (the subjects' household's current members)
    head_and_relationship: bool = False  # 世帯主・続柄
    honseki: bool = False  # 本籍・筆頭者
    resident_code: bool = False  # 住民票コード
    my_number: bool = False  # 個人番号
    foreign_items: bool = (
        False  # 国籍・地域, 30条45の区分, 在留資格, 在留期間等, 満了日, 在留カード等番号
    )
    alias_history: bool = False  # 通称の記載及び削除に関する事項 (on a 別紙, [1000]#5)
    history: bool = False  # 履歴の有無: the record's past 異動 with each person ([1000]#1)
    # [40]#4: the 異動 of a 特別な事由 (特別養子縁組, its 解消, 性別の変更) only when asked
    special_history: bool = False
    copies: int = 1


@dataclass(frozen=True)
class Requester:
    kind: str  # one of REQUESTER_KINDS
    person_id: int | None = None  # 本人 / 同一世帯: the requester on the register
    name: str = ""  # 代理人・第三者の氏名, 公用: the office
    power_of_attorney: bool = False  # 代理人: 委任状 seen
    principal_id: int | None = None  # 代理人: whom the 委任状 is from (本人 or same household)
    purpose: str = ""  # 第三者: 請求の事由; 公用: 法令上の根拠・事務


@dataclass(frozen=True)
class Station:
    """Where the copy is printed: kept in the 交付履歴; the terminal and printer go into the 発行番号
    ([1040]#3, blank when the device cannot be told, #4); ``place`` never reaches the paper (#6).
    ``tray`` is the printer's トレー／ホッパ chosen at the counter ([1420]#1), kept in the 交付履歴."""

    terminal: str = ""
    printer: str = ""
    place: str = ""
    tray: str = ""


@dataclass(frozen=True)
class CertificateRequest:
    kind: str
    subject_ids: tuple[int, ...]
    requester: Requester
    options: Options = field(default_factory=Options)
    station: Station = field(default_factory=Station)
    hold_confirmed: bool = False  # 抑止（アラート） seen and confirmed by the clerk
    # a kind's own inputs (e.g. 印鑑登録証の番号, 年度), named by that kind's module
    params: Mapping[str, str] = field(default_factory=dict)
    fee_exemption: str = ""  # 手数料の減免事由 chosen at the counter (fees.FeeExemption id)
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
