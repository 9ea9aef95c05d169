"""Synthetic address dictionaries (町名, 丁目, 番地, 方書, 郵便番号) for one municipality.

What it is for: every generated household needs an address that looks like a real one in its
municipality without being one. ``AddressBook`` derives a small dictionary of invented 町名 from
(municipality code, seed) only, so two runs agree and two municipalities differ. Town names are
composed from common place-name parts (桜町, 東青葉台, 新港 …) and may coincide with real places
by chance; postal codes are synthetic ``NNN-NNNN`` strings that are not looked up anywhere.

Also holds the 47 prefectures and their capitals, used to invent 本籍 (registered domicile) text.

Must never read files or the network at run time.
"""

from __future__ import annotations

import hashlib
import random

from .models import SyntheticAddress

__all__ = ["PREFECTURES", "AddressBook", "derive_seed", "town_count_for"]

# (prefecture, capital) in 都道府県コード order 01..47.
# fmt: off
PREFECTURES: tuple[tuple[str, str], ...] = (
    ("北海道", "札幌市"), ("青森県", "青森市"), ("岩手県", "盛岡市"), ("宮城県", "仙台市"),
    ("秋田県", "秋田市"), ("山形県", "山形市"), ("福島県", "福島市"), ("茨城県", "水戸市"),
    ("栃木県", "宇都宮市"), ("群馬県", "前橋市"), ("埼玉県", "さいたま市"), ("千葉県", "千葉市"),
    ("東京都", "千代田区"), ("神奈川県", "横浜市"), ("新潟県", "新潟市"), ("富山県", "富山市"),
    ("石川県", "金沢市"), ("福井県", "福井市"), ("山梨県", "甲府市"), ("長野県", "長野市"),
    ("岐阜県", "岐阜市"), ("静岡県", "静岡市"), ("愛知県", "名古屋市"), ("三重県", "津市"),
    ("滋賀県", "大津市"), ("京都府", "京都市"), ("大阪府", "大阪市"), ("兵庫県", "神戸市"),
    ("奈良県", "奈良市"), ("和歌山県", "和歌山市"), ("鳥取県", "鳥取市"), ("島根県", "松江市"),
    ("岡山県", "岡山市"), ("広島県", "広島市"), ("山口県", "山口市"), ("徳島県", "徳島市"),
    ("香川県", "高松市"), ("愛媛県", "松山市"), ("高知県", "高知市"), ("福岡県", "福岡市"),
    ("佐賀県", "佐賀市"), ("長崎県", "長崎市"), ("熊本県", "熊本市"), ("大分県", "大分市"),
    ("宮崎県", "宮崎市"), ("鹿児島県", "鹿児島市"), ("沖縄県", "那覇市"),
)

_PREFIXES = ("", "", "", "東", "西", "南", "北", "新", "中", "上", "下", "本", "大", "小", "元")
_CORES = (
    "桜", "青葉", "緑", "旭", "栄", "若葉", "富士見", "日の出", "松", "竹", "梅", "泉", "宮", "川",
    "原", "野", "山", "田", "浜", "港", "丘", "森", "松原", "柳", "曙", "幸", "寿", "平和", "昭和",
    "中央", "駅前", "宮前", "城", "城山", "高砂", "八幡", "天神", "稲荷", "明神", "長者", "弥生",
    "桃山", "花園", "錦", "本郷", "春日", "住吉", "大和", "朝日", "岡", "石", "沢", "浦", "塚",
)
_SUFFIXES = ("町", "町", "町", "", "台", "が丘", "通", "野", "田", "原", "本町", "新町")
_BUILDING_HEADS = ("コーポ", "メゾン", "ハイツ", "グランドパレス", "サンハイム", "パークハウス",
                   "ヴィラ", "レジデンス", "シャトー", "ドミール", "エステート", "フォレスト")
_BUILDING_TAILS = ("", "", "", "壱番館", "弐番館", "A", "B", "II")
_HONSEKI_TOWNS = ("本町", "大手町", "中央", "栄町", "元町", "北町", "南町", "東町", "西町",
                  "新町", "宮町", "城内", "大字上野", "大字中村", "大字本郷")
# fmt: on

_MAX_TOWNS = 200
_MIN_TOWNS = 10


def derive_seed(*parts: object) -> int:
    """A stable 64-bit seed from parts (blake2b, so it does not depend on PYTHONHASHSEED)."""
    text = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def town_count_for(residents: int) -> int:
    """How many 町・大字 a municipality of this size gets: 10 (village) … 200 (large city)."""
    return max(_MIN_TOWNS, min(_MAX_TOWNS, int(residents**0.5 / 2)))


class _Town:
    __slots__ = ("buildings", "chome", "code", "jukyo", "name", "postal")

    def __init__(
        self, code: str, name: str, chome: int, jukyo: bool, postal: str, buildings: tuple[str, ...]
    ) -> None:
        self.code = code
        self.name = name
        self.chome = chome  # number of 丁目, 0 when the town has none
        self.jukyo = jukyo  # 住居表示 (N番M号) rather than 地番 (N番地M)
        self.postal = postal
        self.buildings = buildings


class AddressBook:
    """The invented address dictionary of one municipality, and a sampler of addresses in it.

    The dictionary depends on (municipality code, seed) only; ``towns`` (by size) only chooses how
    many of its first towns are used, so small and large runs share their first town names.
    """

    def __init__(self, municipality_code: str, seed: int, towns: int) -> None:
        rng = random.Random(derive_seed("address-book", municipality_code[:5], seed))
        # first 3 postal digits: one synthetic area per municipality
        area = 100 + rng.randrange(900)
        names: list[str] = []
        seen: set[str] = set()
        while len(names) < _MAX_TOWNS:
            name = rng.choice(_PREFIXES) + rng.choice(_CORES) + rng.choice(_SUFFIXES)
            if len(name) >= 2 and name not in seen:
                seen.add(name)
                names.append(name)
        postal_tails = rng.sample(range(10000), _MAX_TOWNS)
        all_towns = []
        for i, name in enumerate(names):
            chome = 0 if rng.random() < 0.35 else rng.randint(1, 5)
            buildings = tuple(
                rng.choice(_BUILDING_HEADS) + rng.choice(_CORES) + rng.choice(_BUILDING_TAILS)
                for _ in range(12)
            )
            all_towns.append(
                _Town(
                    code=f"{i + 1:04d}",
                    name=name,
                    chome=chome,
                    jukyo=chome > 0,
                    postal=f"{area:03d}-{postal_tails[i]:04d}",
                    buildings=buildings,
                )
            )
        self.towns: tuple[_Town, ...] = tuple(all_towns[: max(1, min(towns, _MAX_TOWNS))])
        # Town sizes differ a lot; a lookup table of 1024 slots gives weighted picks in O(1).
        weights = [rng.paretovariate(1.5) for _ in self.towns]
        total = sum(weights)
        table: list[int] = []
        for i, w in enumerate(weights):
            table.extend([i] * max(1, round(1024 * w / total)))
        self._table = tuple(table)

    def sample(self, rng: random.Random, apartment_share: float) -> SyntheticAddress:
        """One address; ``apartment_share`` is the chance of a 方書 (apartment and room)."""
        rnd = rng.random
        town = self.towns[self._table[int(rnd() * len(self._table))]]
        if town.chome:
            block: int | None = 1 + int(rnd() * town.chome)
            chome_code = f"{block:03d}"
        else:
            block = None
            chome_code = "000"
        if town.jukyo:
            lot = f"{1 + int(rnd() * 30)}番{1 + int(rnd() * 25)}号"
        else:
            ban = 1 + int(rnd() * 1200)
            lot = f"{ban}番地" if rnd() < 0.4 else f"{ban}番地{1 + int(rnd() * 20)}"
        building: str | None = None
        if rnd() < apartment_share:
            name = town.buildings[int(rnd() * len(town.buildings))]
            building = f"{name}{1 + int(rnd() * 8)}{1 + int(rnd() * 12):02d}号室"
        return SyntheticAddress(
            town.code + chome_code, town.name, block, lot, building, town.postal
        )


def honseki_text(rng: random.Random, prefecture_index: int) -> str:
    """An invented 本籍: half in the municipality's own prefecture, the rest anywhere in Japan."""
    rnd = rng.random
    if rnd() >= 0.5:
        prefecture_index = int(rnd() * len(PREFECTURES))
    pref, city = PREFECTURES[prefecture_index]
    town = _HONSEKI_TOWNS[int(rnd() * len(_HONSEKI_TOWNS))]
    return f"{pref}{city}{town}{1 + int(rnd() * 999)}番地"
