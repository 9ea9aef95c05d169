"""The errors and alerts the register implements for [1440] (エラー項目一覧・アラート項目一覧 are not
in our transcription of the standard, nor in any public text we could find): rule, level, items,
when, and what the clerk does. ``ENTRIES`` are the checks of each item's input; ``PROCESS_ENTRIES``
those a 異動 raises against the register's state (抑止, 世帯主不在, 再転入, 住民票コードの空き番) —
one list, the same mechanism: an error refuses 仮登録 and 本登録, an alert waits for confirmation.

docs/registry.md "エラーとアラート" prints the same list; a test keeps the two in step and runs each
entry's example through the batch check (file, line, item).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "エラー"
ALERT = "アラート"


@dataclass(frozen=True)
class Entry:
    rule: str
    level: str
    items: str
    when: str
    action: str
    example: dict[str, str] = field(default_factory=dict)  # a CSV row of the batch check that raises it


ENTRIES: tuple[Entry, ...] = (
    Entry("kana_only", ERROR, "氏・名（ふりがな）", "漢字・英字・数字・記号・制御文字がある",
          "全角カタカナで入力（ひらがな・半角カナは全角カタカナに直して記録）", {"given_name_kana": "イチ1"}),
    Entry("name_halfwidth_kana", ERROR, "氏・名・旧氏・通称・筆頭者", "半角カナがある", "全角のカナで入力",
          {"family_name": "ﾔﾏﾀﾞ"}),
    Entry("name_fullwidth_ascii", ERROR, "氏・名・旧氏・通称", "全角の英字・記号がある", "英字は半角で（外国人住民のみ）",
          {"family_name": "ＳＭＩＴＨ", "resident_type": "foreign", "nationality": "米国", "residence_status": "留学"}),
    Entry("name_latin", ERROR, "氏・名・旧氏・通称", "日本人住民の氏名に英字がある", "漢字・かなで入力",
          {"family_name": "SATO"}),
    Entry("name_digit", ERROR, "氏・名・旧氏・通称", "数字がある", "数字を除いて入力", {"given_name": "一郎2"}),
    Entry("name_geta", ERROR, "氏・名・旧氏・通称", "〓（ゲタ記号）がある", "正しい文字（外字はMJ文字）で入力",
          {"given_name": "〓郎"}),
    Entry("name_compatibility", ERROR, "氏・名・旧氏・通称", "互換用の記号（㍻ ① 組文字・囲み文字）がある",
          "元の文字で入力", {"family_name": "山田㍻"}),
    Entry("name_symbol", ERROR, "氏・名・旧氏・通称", "記号・絵文字がある（・ ☆ 😀 …）", "記号を除いて入力",
          {"given_name": "花😀"}),
    Entry("name_control", ERROR, "氏・名・旧氏・通称", "制御文字・私用領域の文字がある", "入力し直す",
          {"given_name": "花\u200b子"}),
    Entry("name_not_mj", ERROR, "氏・名・旧氏・通称", "文字情報基盤（MJ）にない漢字がある", "MJ文字の字形で入力",
          {"given_name": "\u9fff"}),
    Entry("unprintable_char", ERROR, "氏・名・旧氏・通称", "IPAmj明朝で入力どおりに印字できない（他のIVD集合の異体字セレクタなど）",
          "Moji_Joho の字形で入力", {"family_name": "葛\U000E0100西"}),
    Entry("corporate_abbreviation", ERROR, "氏・名・ふりがな・旧氏・通称", "（株）・（有）・㈱などの法人略称記号がある（[330]#5）",
          "記号を除いて入力", {"family_name": "（株）山田"}),
    Entry("banchi_chars", ERROR, "番地", "数字・番地・番・号・の・-・甲乙丙丁 以外の文字がある",
          "算用数字と「番地」「番」「号」「の」「-」で入力（全角数字は半角に直して記録）", {"banchi": "3番😀"}),
    Entry("katagaki_chars", ERROR, "方書", "絵文字・制御文字・互換記号などがある", "漢字・カナ・英数字と建物名の記号で入力",
          {"katagaki": "ハイツ①"}),
    Entry("address_chars", ERROR, "本籍・従前の住所・転出先", "絵文字・制御文字・互換記号（① ㍻）・〓がある",
          "記号を除いて入力", {"honseki": "テスト県甲村😀1番地"}),
    Entry("my_number", ERROR, "個人番号", "12桁の数字でない、または検査用数字が合わない（全角数字・区切りは読み替えてから検査）",
          "番号を確かめて入力", {"my_number": "１２３４５６７８９０１２"}),
    Entry("resident_code", ERROR, "住民票コード", "11桁の数字でない（全角数字は読み替える）", "番号を確かめて入力",
          {"resident_code": "1234"}),
    Entry("reported_before_effective", ERROR, "届出日", "届出日が異動日より前（転出・取消・訂正を除く）",
          "届出日と異動日を確かめる", {"effective_date": "2024-04-10", "reported_date": "2024-04-01"}),
    Entry("date_format", ERROR, "日付の項目", "日付として読めない", "2024-04-01 または 令和6年4月1日 の形で入力",
          {"birth_date": "昭和99年1月1日"}),
    Entry("future_date", ERROR, "異動日・届出日・生年月日、修正・訂正する日付",
          "未来の日付（転出予定の異動日、在留期間の満了の日、転出予定日を除く）", "日付を確かめる",
          {"birth_date": "2999-01-01"}),
    Entry("before_birth", ERROR, "生年月日・異動日", "異動日が生年月日より前（生まれる前の転入など）", "生年月日と異動日を確かめる",
          {"birth_date": "2024-05-01", "effective_date": "2024-04-01", "reported_date": "2024-04-01"}),
    Entry("child_not_younger", ALERT, "生年月日・続柄", "続柄で親子にあたる世帯員の生年月日が逆か同じ",
          "続柄と生年月日を確かめ、誤りでなければ確認して仮登録", {"relationship": "子", "birth_date": "1970-01-01"}),
    Entry("parent_age_gap", ALERT, "生年月日・続柄", "続柄で親子にあたる世帯員の年齢差が15歳未満",
          "続柄と生年月日を確かめ、誤りでなければ確認して仮登録", {"relationship": "子", "birth_date": "1990-01-01"}),
    Entry("very_old", ALERT, "生年月日", "異動日に120歳以上になる（元号の入力誤りなど）",
          "生年月日を確かめ、誤りでなければ確認して仮登録", {"birth_date": "明治30年1月1日", "relationship": "母"}),
    Entry("duplicate_suspected", ALERT, "氏名・生年月日・性別",
          "同じ氏名（異体字を同一視）・生年月日の住民か決裁待ちの異動がある／氏名・性別・生年月日が一致する除票がある（[600]#1）",
          "重複記載でないことを確かめ、確認して仮登録（再転入者なら除票を検索して選択）"),
    Entry("unique_number", ERROR, "個人番号・住民票コード", "他の住民・同じ届出・同時に決裁する異動と重複", "番号を確かめる"),
    Entry("backdated", ERROR, "異動日", "同じ住民・世帯に後の異動日の異動が既にある", "後の異動を取り消してから順に入力"),
    Entry("invalid", ERROR, "続柄", "標準仕様書の続柄にない（[110]#2）", "標準の続柄で入力", {"relationship": "孫"}),
)

# raised by the 異動 against the register's state (chapter 3 and 4): no batch-check example
PROCESS_ENTRIES: tuple[Entry, ...] = (
    Entry("returning_resident", ERROR, "個人番号・住民票コード", "新規の記載の番号が除票の番号と一致する（[600]#1）",
          "新規に記載せず、除票を検索して再転入者として選択"),
    Entry("hold_entry", ERROR, "異動の対象者・世帯", "異動入力の抑止（エラー）が設定されている（[410]#2）",
          "抑止の理由を確かめ、解除または一時解除の後に入力"),
    Entry("hold_alert", ALERT, "異動の対象者・世帯", "異動入力の抑止（アラート）が設定されている（[410]#2）",
          "抑止の理由を確かめ、確認して仮登録"),
    Entry("headless", ALERT, "世帯主", "世帯主が世帯からいなくなり、2人以上の世帯員が残る（[490]#2）",
          "新しい世帯主を指定するか、世帯主のいない世帯として確認して仮登録"),
    Entry("resident_code_stock_low", ALERT, "住民票コード", "新規付番用の住民票コードの空き番が設定値を下回った（[870]#4）",
          "CSから住民票コードを取得し、確認して仮登録"),
)
ALL_ENTRIES = ENTRIES + PROCESS_ENTRIES
BY_RULE = {e.rule: e for e in ALL_ENTRIES}
