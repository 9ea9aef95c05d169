"""Foreign-resident tables for the synthetic generator: nationalities, names, 在留資格.

Foreign residents are about 2 % of a municipality's residents. Their names are stored as 住民票
holds them: Chinese and Korean names in kanji (正字 forms, as 法務省告示582号 requires for the
在留カード), other names in upper-case Latin letters; readings are katakana with U+3000 between
words. Nationality labels are the short 国籍・地域 forms printed on 在留カード (中国, 韓国, 米国 …).

Must never read files at run time or describe real people; names are common ones, combined at
random by the generator.
"""

from __future__ import annotations

__all__ = ["FOREIGN_NATIONALITIES", "ForeignNameTable", "LIMITED_STATUSES", "UNLIMITED_STATUSES"]

# 在留資格 without a 在留期間 (end date None).
UNLIMITED_STATUSES = frozenset({"永住者", "特別永住者"})
LIMITED_STATUSES = frozenset(
    {
        "技能実習",
        "留学",
        "家族滞在",
        "特定技能",
        "技術・人文知識・国際業務",
        "定住者",
        "日本人の配偶者等",
    }
)


class ForeignNameTable:
    """Name pools and likely 在留資格 of one nationality."""

    __slots__ = (
        "family",
        "female",
        "male",
        "nationality",
        "single_statuses",
        "family_head_statuses",
        "dependent_status",
        "weight",
    )

    def __init__(
        self,
        nationality: str,
        weight: int,
        family: str,
        male: str,
        female: str,
        single_statuses: tuple[str, ...],
        family_head_statuses: tuple[str, ...],
        dependent_status: str,
    ) -> None:
        self.nationality = nationality
        self.weight = weight
        self.family = _pairs(family)
        self.male = _pairs(male)
        self.female = _pairs(female)
        # Statuses for a person living alone (often young workers and students) and for the head
        # of a family household; a family's dependents get ``dependent_status`` unless the head
        # is a permanent resident (then they are usually 永住者 as well).
        self.single_statuses = single_statuses
        self.family_head_statuses = family_head_statuses
        self.dependent_status = dependent_status


def _pairs(table: str) -> tuple[tuple[str, str], ...]:
    """'WRITTEN=KANA|…' → ((written, kana), …); '_' in KANA stands for U+3000 between words."""
    out = []
    for chunk in table.split("|"):
        written, kana = chunk.strip().split("=")
        out.append((written, kana.replace("_", "\u3000")))
    return tuple(out)


# weights ≈ shares of the foreign population (出入国在留管理庁 statistics, rounded).
# fmt: off
FOREIGN_NATIONALITIES: tuple[ForeignNameTable, ...] = (
    ForeignNameTable(
        "中国", 27,
        "王=ワン|李=リ|張=チャン|劉=リュウ|陳=チン|楊=ヤン|趙=チョウ|黄=ホアン|周=チョウ|呉=ウー",
        "偉=ウェイ|強=チャン|磊=レイ|軍=ジュン|洋=ヤン|勇=ヨン|傑=ジエ|涛=タオ|明=ミン|超=チャオ",
        "芳=ファン|娜=ナー|敏=ミン|静=ジン|麗=リー|艶=イェン|娟=ジュエン|秀英=シウイン|霞=シア|平=ピン",
        ("技能実習", "留学", "特定技能", "技術・人文知識・国際業務", "永住者"),
        ("技術・人文知識・国際業務", "永住者", "永住者"),
        "家族滞在",
    ),
    ForeignNameTable(
        "ベトナム", 20,
        "NGUYEN=グエン|TRAN=チャン|LE=レ|PHAM=ファム|HOANG=ホアン|VU=ヴー|DANG=ダン|BUI=ブイ|"
        "DO=ドー|NGO=ゴー",
        "VAN NAM=ヴァン_ナム|DUC ANH=ドゥック_アイン|MINH TUAN=ミン_トゥアン|QUANG HUY=クアン_フイ|"
        "VAN HUNG=ヴァン_フン|THANH LONG=タイン_ロン|VAN DUC=ヴァン_ドゥック",
        "THI LAN=ティ_ラン|THI HUONG=ティ_フオン|THI MAI=ティ_マイ|NGOC ANH=ゴック_アイン|"
        "THI THU=ティ_トゥ|THI HANG=ティ_ハン|THU TRANG=トゥ_チャン",
        ("技能実習", "技能実習", "特定技能", "留学", "技術・人文知識・国際業務"),
        ("技術・人文知識・国際業務", "永住者"),
        "家族滞在",
    ),
    ForeignNameTable(
        "韓国", 14,
        "金=キム|李=イ|朴=パク|崔=チェ|鄭=チョン|姜=カン|趙=チョ|尹=ユン|張=チャン|林=イム",
        "民俊=ミンジュン|志勲=ジフン|賢宇=ヒョヌ|成浩=ソンホ|在鎬=ジェホ|東旭=ドンウク|正煕=ジョンヒ",
        "瑞妍=ソヨン|秀晶=スジョン|智恩=ジウン|恩珠=ウンジュ|美淑=ミスク|英子=ヨンジャ|順子=スンジャ",
        ("特別永住者", "永住者", "留学", "技術・人文知識・国際業務"),
        ("特別永住者", "特別永住者", "永住者"),
        "家族滞在",
    ),
    ForeignNameTable(
        "フィリピン", 10,
        "SANTOS=サントス|REYES=レイエス|CRUZ=クルス|BAUTISTA=バウティスタ|GARCIA=ガルシア|"
        "MENDOZA=メンドーサ|RAMOS=ラモス|DELA CRUZ=デラ_クルス",
        "JOHN PAUL=ジョン_ポール|MARK ANTHONY=マーク_アンソニー|JOSE=ホセ|RONALDO=ロナルド|"
        "JERICHO=ジェリコ",
        "MARIA CRISTINA=マリア_クリスティーナ|JOCELYN=ジョセリン|MARICEL=マリセル|ANALYN=アナリン|"
        "ROSALIE=ロザリー|MARY GRACE=メアリー_グレース",
        ("技能実習", "特定技能", "日本人の配偶者等", "永住者"),
        ("永住者", "定住者"),
        "定住者",
    ),
    ForeignNameTable(
        "ブラジル", 7,
        "SILVA=シルバ|SANTOS=サントス|OLIVEIRA=オリヴェイラ|SOUZA=ソウザ|PEREIRA=ペレイラ|"
        "COSTA=コスタ|FERREIRA=フェレイラ|TANAKA=タナカ|OSHIRO=オオシロ|HIGA=ヒガ",
        "JOAO CARLOS=ジョアン_カルロス|LUCAS=ルーカス|GABRIEL=ガブリエル|RAFAEL=ラファエル|"
        "PEDRO HENRIQUE=ペドロ_エンリキ",
        "ANA PAULA=アナ_パウラ|JULIANA=ジュリアナ|FERNANDA=フェルナンダ|BEATRIZ=ベアトリス|"
        "MARIANA=マリアナ",
        ("定住者", "永住者"),
        ("永住者", "定住者"),
        "定住者",
    ),
    ForeignNameTable(
        "ネパール", 6,
        "GURUNG=グルン|SHRESTHA=シュレスタ|TAMANG=タマン|MAGAR=マガル|THAPA=タパ|RAI=ライ",
        "RAM=ラム|BIKASH=ビカス|SURESH=スレシュ|ANIL=アニル|RAJESH=ラジェシュ",
        "SITA=シタ|ANITA=アニタ|SABINA=サビナ|SUNITA=スニタ|PRATIMA=プラティマ",
        ("留学", "留学", "技術・人文知識・国際業務", "特定技能"),
        ("技術・人文知識・国際業務",),
        "家族滞在",
    ),
    ForeignNameTable(
        "米国", 3,
        "SMITH=スミス|JOHNSON=ジョンソン|WILLIAMS=ウィリアムズ|BROWN=ブラウン|MILLER=ミラー",
        "MICHAEL=マイケル|DAVID=デイビッド|JAMES=ジェームズ|ROBERT=ロバート",
        "JENNIFER=ジェニファー|SARAH=サラ|EMILY=エミリー|JESSICA=ジェシカ",
        ("技術・人文知識・国際業務", "留学", "日本人の配偶者等", "永住者"),
        ("技術・人文知識・国際業務", "永住者"),
        "家族滞在",
    ),
)
# fmt: on
