"""Japanese name tables for the synthetic generator: surnames, given names by birth era, variants.

What it is for: realistic-looking but invented names. Surnames and given names are common ones,
weighted roughly by frequency (surname weights ≈ bearers in thousands, from public rankings;
given-name weights by rank within an era). A name drawn from here is a *name*, never a person: the
generator combines them at random, so no real individual is described.

MJ variants: some people write their surname with a variant character (髙橋, 山﨑, 渡邉, 渡邊, 齋藤,
齊藤, 𠮷田 …) or with a Moji_Joho IVS sequence selecting one specific glyph (葛󠄂西, 辻󠄂本, 渡邉󠄖 …).
``SURNAME_VARIANTS`` gives those spellings with the share of bearers who use them. The IVS
sequences are embedded below as constants (``MOJI_JOHO_IVS``) so the package never reads
/work/shared at run time; ``tests/synthetic/test_names.py`` checks every one of them against the
Unicode IVD (Moji_Joho collection) when the shared data is present.

Notes on specific characters:
- 齊 (U+9F4A) is the old form of 斉, *not* of 斎, so 齊藤 is a variant of 斉藤; 齋 (U+9F4B) is the
  old form of 斎 (齋藤 ← 斎藤). All read サイトウ.
- 髙 (U+9AD9), 櫻 (U+6AFB) and 𠮷 (U+20BB7) have no Moji_Joho IVS in IVD 2022-09-13, so they are
  emitted as plain code points. 𠮷 is outside the BMP (4 bytes in UTF-8, a surrogate pair in UTF-16).
- 﨑 (U+FA11) is one of the twelve "unified" ideographs in the compatibility block: NFC/NFKC leave
  it unchanged, unlike true compatibility ideographs.

This module must never read files or the network, and must never hold real people's data.
"""

from __future__ import annotations

__all__ = [
    "ERA_BOUNDS",
    "GIVEN_NAMES_FEMALE",
    "GIVEN_NAMES_MALE",
    "MOJI_JOHO_IVS",
    "SURNAMES",
    "SURNAME_VARIANTS",
    "all_emittable_japanese_names",
]

# --- Moji_Joho IVS sequences used by the generator ---------------------------------------------
# (base code point, variation selector, MJ文字図形名). Only Moji_Joho collection sequences; most are
# glyphs reachable *only* through the IVS (they have a 戸籍統一文字番号), 邉󠄏 is the explicit IVS of
# the default glyph of 邉 (same picture as plain 邉, different code sequence: a classic matching trap).
MOJI_JOHO_IVS: dict[str, tuple[int, int, str]] = {
    "KUZU": (0x845B, 0xE0102, "MJ022335"),  # 葛 (IVS-only glyph, 戸籍統一文字 349920)
    "TSUJI": (0x8FBB, 0xE0102, "MJ025760"),  # 辻 (IVS-only glyph, 437660)
    "HEN_DEFAULT": (0x9089, 0xE010F, "MJ026190"),  # 邉 default glyph, explicit IVS
    "HEN": (0x9089, 0xE0116, "MJ058866"),  # 邉 (IVS-only glyph, 443870)
    "HEN_OLD": (0x908A, 0xE010F, "MJ026199"),  # 邊 (IVS-only glyph, 445320)
    "HEN_PLAIN": (0x8FBA, 0xE0102, "MJ025759"),  # 辺 (IVS-only glyph, 437740)
    "SAI": (0x9F4B, 0xE0104, "MJ030061"),  # 齋 (IVS-only glyph, 548960)
    "SEI": (0x9F4A, 0xE0103, "MJ030058"),  # 齊 (IVS-only glyph, 548870)
}


def _ivs(key: str) -> str:
    base, selector, _mj = MOJI_JOHO_IVS[key]
    return chr(base) + chr(selector)


KUZU = _ivs("KUZU")
TSUJI = _ivs("TSUJI")
HEN_DEFAULT = _ivs("HEN_DEFAULT")
HEN = _ivs("HEN")
HEN_OLD = _ivs("HEN_OLD")
HEN_PLAIN = _ivs("HEN_PLAIN")
SAI = _ivs("SAI")
SEI = _ivs("SEI")

TAKA = "\u9ad9"  # 髙
SAKI = "\ufa11"  # 﨑
YOSHI = "\U00020bb7"  # 𠮷

# --- surnames: written form, katakana reading, weight (≈ thousands of bearers) ----------------
_SURNAME_TABLE = """
佐藤 サトウ 1870|鈴木 スズキ 1790|高橋 タカハシ 1410|田中 タナカ 1330|伊藤 イトウ 1080
渡辺 ワタナベ 1070|山本 ヤマモト 1070|中村 ナカムラ 1050|小林 コバヤシ 1020|加藤 カトウ 890
吉田 ヨシダ 840|山田 ヤマダ 820|佐々木 ササキ 680|山口 ヤマグチ 640|松本 マツモト 630
井上 イノウエ 620|木村 キムラ 580|林 ハヤシ 530|斎藤 サイトウ 530|清水 シミズ 520
山崎 ヤマザキ 490|森 モリ 460|池田 イケダ 440|橋本 ハシモト 440|阿部 アベ 440
石川 イシカワ 430|山下 ヤマシタ 420|中島 ナカジマ 410|石井 イシイ 400|小川 オガワ 400
前田 マエダ 390|岡田 オカダ 390|長谷川 ハセガワ 390|藤田 フジタ 380|後藤 ゴトウ 370
近藤 コンドウ 370|村上 ムラカミ 360|遠藤 エンドウ 350|青木 アオキ 350|坂本 サカモト 340
斉藤 サイトウ 300|福田 フクダ 330|太田 オオタ 330|西村 ニシムラ 320|藤井 フジイ 320
金子 カネコ 310|岡本 オカモト 310|藤原 フジワラ 310|中野 ナカノ 300|三浦 ミウラ 300
原田 ハラダ 300|中川 ナカガワ 300|松田 マツダ 300|竹内 タケウチ 290|小野 オノ 290
田村 タムラ 280|中山 ナカヤマ 280|和田 ワダ 280|石田 イシダ 270|森田 モリタ 270
上田 ウエダ 270|原 ハラ 270|内田 ウチダ 260|柴田 シバタ 260|酒井 サカイ 260
宮崎 ミヤザキ 260|横山 ヨコヤマ 260|高木 タカギ 250|安藤 アンドウ 250|宮本 ミヤモト 250
大野 オオノ 250|小島 コジマ 250|谷口 タニグチ 240|今井 イマイ 240|工藤 クドウ 240
高田 タカダ 240|増田 マスダ 240|丸山 マルヤマ 240|杉山 スギヤマ 230|村田 ムラタ 230
大塚 オオツカ 230|新井 アライ 230|小山 コヤマ 230|平野 ヒラノ 230|藤本 フジモト 230
河野 コウノ 220|上野 ウエノ 220|野口 ノグチ 220|武田 タケダ 220|松井 マツイ 220
千葉 チバ 220|岩崎 イワサキ 210|菅原 スガワラ 210|木下 キノシタ 210|久保 クボ 210
佐野 サノ 210|野村 ノムラ 210|松尾 マツオ 210|市川 イチカワ 200|菊地 キクチ 200
杉本 スギモト 200|古川 フルカワ 190|大西 オオニシ 190|島田 シマダ 190|水野 ミズノ 190
桜井 サクライ 190|高野 タカノ 180|渡部 ワタナベ 180|吉川 ヨシカワ 180|山内 ヤマウチ 180
西田 ニシダ 180|飯田 イイダ 180|菊池 キクチ 180|西川 ニシカワ 170|小松 コマツ 170
北村 キタムラ 170|安田 ヤスダ 170|五十嵐 イガラシ 170|川口 カワグチ 170|平田 ヒラタ 170
関 セキ 170|中田 ナカタ 170|久保田 クボタ 160|服部 ハットリ 160|東 ヒガシ 160
岩田 イワタ 160|土屋 ツチヤ 160|川崎 カワサキ 160|福島 フクシマ 160|本田 ホンダ 160
辻 ツジ 150|樋口 ヒグチ 150|秋山 アキヤマ 150|田口 タグチ 150|永井 ナガイ 150
山中 ヤマナカ 150|中西 ナカニシ 150|吉村 ヨシムラ 150|川上 カワカミ 150|石原 イシハラ 140
大橋 オオハシ 140|松岡 マツオカ 140|馬場 ババ 140|浅野 アサノ 140|荒木 アラキ 140
大久保 オオクボ 140|野田 ノダ 140|小沢 オザワ 140|田辺 タナベ 140|川村 カワムラ 130
星野 ホシノ 130|黒田 クロダ 130|堀 ホリ 130|尾崎 オザキ 130|望月 モチヅキ 130
永田 ナガタ 130|熊谷 クマガイ 130|内藤 ナイトウ 130|松浦 マツウラ 130|大島 オオシマ 130
平井 ヒライ 130|早川 ハヤカワ 120|岩本 イワモト 120|片山 カタヤマ 120|中井 ナカイ 120
荒井 アライ 120|小池 コイケ 120|宮田 ミヤタ 120|桑原 クワハラ 120|西山 ニシヤマ 120
小西 コニシ 120|大川 オオカワ 110|川島 カワシマ 110|菅野 カンノ 110|高山 タカヤマ 110
中尾 ナカオ 110|宮下 ミヤシタ 110|横田 ヨコタ 110|吉岡 ヨシオカ 110|小田 オダ 110
浜田 ハマダ 110|杉浦 スギウラ 110|村井 ムライ 110|矢野 ヤノ 110|松下 マツシタ 110
森本 モリモト 110|飯塚 イイヅカ 100|広瀬 ヒロセ 100|上原 ウエハラ 100|岡崎 オカザキ 100
松村 マツムラ 100|篠原 シノハラ 100|今村 イマムラ 100|須藤 スドウ 100|野崎 ノザキ 90
榎本 エノモト 90|高島 タカシマ 90|佐久間 サクマ 90|宮内 ミヤウチ 90|田島 タジマ 90
中沢 ナカザワ 90|大谷 オオタニ 90|青山 アオヤマ 90|北川 キタガワ 90|坂口 サカグチ 90
沢田 サワダ 90|奥村 オクムラ 90|栗原 クリハラ 90|滝沢 タキザワ 80|徳永 トクナガ 80
西尾 ニシオ 80|宇野 ウノ 80|岡 オカ 80|田代 タシロ 80|関口 セキグチ 80
宮川 ミヤガワ 80|三宅 ミヤケ 80|本間 ホンマ 80|上村 ウエムラ 80|松原 マツバラ 80
吉野 ヨシノ 80|大石 オオイシ 80|大森 オオモリ 80|奥田 オクダ 80|片岡 カタオカ 80
秋元 アキモト 70|細川 ホソカワ 70|根本 ネモト 70|森下 モリシタ 70|水谷 ミズタニ 70
小野寺 オノデラ 70|若林 ワカバヤシ 70|石橋 イシバシ 70|竹田 タケダ 70|寺田 テラダ 70
白石 シライシ 70|富田 トミタ 70|国分 コクブ 60|葛西 カサイ 60|辻本 ツジモト 60
島崎 シマザキ 60|安部 アベ 60|金城 キンジョウ 60|比嘉 ヒガ 60|長田 ナガタ 60
長尾 ナガオ 60|古田 フルタ 60|八木 ヤギ 60|西野 ニシノ 60|浅井 アサイ 60
菅 スガ 60|三上 ミカミ 60|森川 モリカワ 60|杉田 スギタ 60|福井 フクイ 60
成田 ナリタ 60|西 ニシ 60|辻村 ツジムラ 50|新垣 アラカキ 50|大城 オオシロ 50
小宮 コミヤ 50|及川 オイカワ 50|新田 ニッタ 50|神田 カンダ 50|岩井 イワイ 50
川田 カワタ 50|金田 カネダ 50|中谷 ナカタニ 50|堀田 ホッタ 50|川端 カワバタ 50
相沢 アイザワ 50|吉本 ヨシモト 50|長野 ナガノ 50|戸田 トダ 50|三好 ミヨシ 50
木内 キウチ 40|堤 ツツミ 40|高瀬 タカセ 40|井手 イデ 40|谷 タニ 40
柳田 ヤナギダ 40|赤松 アカマツ 40|黒木 クロキ 40|相馬 ソウマ 40|梅田 ウメダ 40
長島 ナガシマ 40|南 ミナミ 40|北野 キタノ 40|荻野 オギノ 40|嶋田 シマダ 40
藤川 フジカワ 40|田原 タハラ 40|並木 ナミキ 30|新谷 シンタニ 30|葛城 カツラギ 20
東海林 ショウジ 20|鈴村 スズムラ 20|上杉 ウエスギ 20|梅津 ウメヅ 20|崎田 サキタ 10
"""


def _parse_weighted(table: str) -> tuple[tuple[str, str, int], ...]:
    rows = []
    for chunk in table.replace("\n", "|").split("|"):
        chunk = chunk.strip()
        if chunk:
            written, kana, weight = chunk.split(" ")
            rows.append((written, kana, int(weight)))
    return tuple(rows)


SURNAMES: tuple[tuple[str, str, int], ...] = _parse_weighted(_SURNAME_TABLE)

# Alternative spellings and the share of the surname's bearers who use each. Rates are rough and
# deliberately small; they only need to make every variant show up in a few thousand residents.
SURNAME_VARIANTS: dict[str, tuple[tuple[str, float], ...]] = {
    "高橋": ((TAKA + "橋", 0.05),),
    "高田": ((TAKA + "田", 0.03),),
    "高木": ((TAKA + "木", 0.03),),
    "高野": ((TAKA + "野", 0.02),),
    "山崎": (("山" + SAKI, 0.08),),
    "宮崎": (("宮" + SAKI, 0.05),),
    "岡崎": (("岡" + SAKI, 0.04),),
    "川崎": (("川" + SAKI, 0.04),),
    "島崎": (("島" + SAKI, 0.05),),
    "尾崎": (("尾" + SAKI, 0.04),),
    "岩崎": (("岩" + SAKI, 0.04),),
    "野崎": (("野" + SAKI, 0.04),),
    "崎田": ((SAKI + "田", 0.30),),
    "渡辺": (
        ("渡邉", 0.07),
        ("渡邊", 0.05),
        ("渡" + HEN, 0.01),
        ("渡" + HEN_DEFAULT, 0.005),
        ("渡" + HEN_OLD, 0.01),
        ("渡" + HEN_PLAIN, 0.005),
    ),
    "田辺": (("田邊", 0.03), ("田邉", 0.02)),
    "斎藤": (("齋藤", 0.08), (SAI + "藤", 0.01)),
    "斉藤": (("齊藤", 0.05), (SEI + "藤", 0.01)),
    "吉田": ((YOSHI + "田", 0.01),),
    "吉川": ((YOSHI + "川", 0.01),),
    "吉村": ((YOSHI + "村", 0.01),),
    "吉野": ((YOSHI + "野", 0.01),),
    "葛西": ((KUZU + "西", 0.30),),
    "葛城": ((KUZU + "城", 0.30),),
    "辻": ((TSUJI, 0.15),),
    "辻本": ((TSUJI + "本", 0.15),),
    "辻村": ((TSUJI + "村", 0.15),),
    "桜井": (("櫻井", 0.08),),
    "浜田": (("濱田", 0.08), ("濵田", 0.03)),
    "広瀬": (("廣瀬", 0.05),),
    "小沢": (("小澤", 0.20),),
    "中沢": (("中澤", 0.20),),
    "沢田": (("澤田", 0.15),),
    "相沢": (("相澤", 0.20),),
    "滝沢": (("瀧澤", 0.10), ("滝澤", 0.10)),
    "中島": (("中嶋", 0.06),),
    "大島": (("大嶋", 0.03),),
    "徳永": (("德永", 0.05),),
    "国分": (("國分", 0.10),),
}

# --- given names by birth era -----------------------------------------------------------------
# Eras by birth year: <1950, 1950-74, 1975-94, 1995-2009, 2010-. Each list is in rough popularity
# order (the generator weights by rank).
ERA_BOUNDS: tuple[int, ...] = (1950, 1975, 1995, 2010)

_MALE = (
    # born before 1950
    "清 キヨシ|実 ミノル|勇 イサム|博 ヒロシ|茂 シゲル|正 タダシ|進 ススム|弘 ヒロシ|武 タケシ|"
    "三郎 サブロウ|一郎 イチロウ|昭 アキラ|正雄 マサオ|勝 マサル|修 オサム|豊 ユタカ|隆 タカシ|"
    "和夫 カズオ|稔 ミノル|義男 ヨシオ|輝男 テルオ|幸雄 ユキオ|正夫 マサオ|健 ケン|忠 タダシ|"
    "次郎 ジロウ|四郎 シロウ|栄 サカエ|保 タモツ|明 アキラ",
    # 1950-1974
    "誠 マコト|浩 ヒロシ|修 オサム|隆 タカシ|健一 ケンイチ|秀樹 ヒデキ|浩二 コウジ|哲也 テツヤ|"
    "博之 ヒロユキ|和彦 カズヒコ|明 アキラ|誠一 セイイチ|聡 サトシ|剛 ツヨシ|正樹 マサキ|"
    "伸一 シンイチ|直樹 ナオキ|英樹 ヒデキ|浩一 コウイチ|淳 ジュン|達也 タツヤ|光男 ミツオ|"
    "康弘 ヤスヒロ|敏夫 トシオ|和也 カズヤ|勝 マサル|学 マナブ|徹 トオル",
    # 1975-1994
    "大輔 ダイスケ|拓也 タクヤ|健太 ケンタ|翔太 ショウタ|直樹 ナオキ|和也 カズヤ|達也 タツヤ|"
    "誠 マコト|大介 ダイスケ|翔 ショウ|亮 リョウ|剛 ツヨシ|健 ケン|一樹 カズキ|隆之 タカユキ|"
    "雄太 ユウタ|慎也 シンヤ|亮太 リョウタ|拓郎 タクロウ|大樹 ダイキ|健太郎 ケンタロウ|"
    "智也 トモヤ|将太 ショウタ|裕太 ユウタ|秀一 シュウイチ|淳 ジュン|聡 サトシ",
    # 1995-2009
    "翔 ショウ|大翔 ヒロト|拓海 タクミ|翔太 ショウタ|蓮 レン|颯太 ソウタ|陸 リク|健太 ケンタ|"
    "大輝 ダイキ|優斗 ユウト|翼 ツバサ|海斗 カイト|悠斗 ユウト|駿 シュン|拓真 タクマ|大和 ヤマト|"
    "涼 リョウ|陽斗 ハルト|優太 ユウタ|和真 カズマ|直人 ナオト|亮介 リョウスケ|航 ワタル|"
    "樹 イツキ|匠 タクミ",
    # 2010 and later
    "蓮 レン|陽翔 ハルト|湊 ミナト|悠真 ユウマ|大和 ヤマト|蒼 アオイ|樹 イツキ|朝陽 アサヒ|"
    "碧 アオイ|悠人 ユウト|颯真 ソウマ|陽太 ヒナタ|律 リツ|大翔 ヒロト|結翔 ユイト|奏太 ソウタ|"
    "湊斗 ミナト|悠 ユウ|新 アラタ|蒼空 ソラ|岳 ガク|陽向 ヒナタ|凪 ナギ|蒼真 ソウマ|晴 ハル",
)

_FEMALE = (
    # born before 1950 (katakana given names were common for women born before the war)
    "和子 カズコ|幸子 サチコ|節子 セツコ|弘子 ヒロコ|洋子 ヨウコ|美智子 ミチコ|京子 キョウコ|"
    "恵子 ケイコ|久子 ヒサコ|文子 フミコ|静子 シズコ|信子 ノブコ|千代子 チヨコ|悦子 エツコ|"
    "照子 テルコ|澄子 スミコ|多恵子 タエコ|富子 トミコ|正子 マサコ|清子 キヨコ|ハル ハル|"
    "キヨ キヨ|ミツ ミツ|トミ トミ|ヨシ ヨシ|ふみ フミ|すみ スミ|昭子 アキコ",
    # 1950-1974
    "恵子 ケイコ|久美子 クミコ|由美子 ユミコ|真由美 マユミ|裕子 ユウコ|智子 トモコ|直美 ナオミ|"
    "明美 アケミ|陽子 ヨウコ|純子 ジュンコ|美穂 ミホ|浩子 ヒロコ|幸子 サチコ|順子 ジュンコ|"
    "典子 ノリコ|恵美子 エミコ|由紀子 ユキコ|和美 カズミ|洋子 ヨウコ|京子 キョウコ|眞由美 マユミ|"
    "惠子 ケイコ|美香 ミカ|雅子 マサコ|めぐみ メグミ",
    # 1975-1994
    "愛 アイ|彩 アヤ|麻衣 マイ|舞 マイ|美穂 ミホ|恵 メグミ|沙織 サオリ|香織 カオリ|奈々 ナナ|"
    "由佳 ユカ|智美 トモミ|裕美 ヒロミ|真美 マミ|優子 ユウコ|綾 アヤ|恵美 エミ|明日香 アスカ|"
    "彩香 アヤカ|千尋 チヒロ|美香 ミカ|早紀 サキ|理恵 リエ|由美 ユミ|麻美 アサミ|瞳 ヒトミ",
    # 1995-2009
    "美咲 ミサキ|葵 アオイ|陽菜 ヒナ|結衣 ユイ|七海 ナナミ|美羽 ミウ|彩花 アヤカ|優花 ユウカ|"
    "さくら サクラ|萌 モエ|遥 ハルカ|菜摘 ナツミ|愛美 マナミ|明日香 アスカ|彩乃 アヤノ|真央 マオ|"
    "沙希 サキ|千夏 チナツ|杏 アン|美月 ミヅキ|莉子 リコ|奈央 ナオ|花音 カノン|美優 ミユ",
    # 2010 and later
    "陽葵 ヒマリ|凛 リン|結菜 ユイナ|葵 アオイ|紬 ツムギ|芽依 メイ|結愛 ユア|杏 アン|澪 ミオ|"
    "莉子 リコ|さくら サクラ|咲良 サクラ|美桜 ミオ|陽菜 ヒナ|結月 ユヅキ|心春 コハル|花 ハナ|"
    "詩 ウタ|琴音 コトネ|一花 イチカ|彩葉 イロハ|心結 ミユ|楓 カエデ|愛莉 アイリ|翠 スイ",
)


def _parse_era(table: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for chunk in table.split("|"):
        written, kana = chunk.strip().split(" ")
        pairs.append((written, kana))
    return tuple(pairs)


GIVEN_NAMES_MALE: tuple[tuple[tuple[str, str], ...], ...] = tuple(_parse_era(t) for t in _MALE)
GIVEN_NAMES_FEMALE: tuple[tuple[tuple[str, str], ...], ...] = tuple(_parse_era(t) for t in _FEMALE)


def all_emittable_japanese_names() -> list[str]:
    """Every surname (incl. variants) and given name the generator can emit for Japanese people."""
    out = [w for w, _k, _n in SURNAMES]
    out += [v for variants in SURNAME_VARIANTS.values() for v, _p in variants]
    for eras in (GIVEN_NAMES_MALE, GIVEN_NAMES_FEMALE):
        out += [w for era in eras for w, _k in era]
    return out
