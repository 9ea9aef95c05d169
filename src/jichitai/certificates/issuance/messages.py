"""The Japanese messages of the issuance rules (one place, so tests and screens agree)."""

KIND = "証明書の種別を選んでください。"
REQUESTER_KIND = "請求者の区分（本人・同一世帯・代理人・第三者・公用）を選んでください。"
NO_SUBJECT = "証明書の対象者を選んでください。"
COPIES = "部数は1から{n}までで指定してください。"
SUBJECTS = "一度に請求できる対象者は{n}人までです（大量印刷はできません）。"
# the same words whether the person does not exist, belongs to another municipality or is
# protected by a 支援措置 the requester or the staff member may not pass: nothing is revealed
NOT_FOUND = "請求された住民票が見つかりません。"
SELF_ONLY = "本人請求で交付できるのは請求者本人の住民票だけです。同一世帯の方の分は「同一世帯」で請求してください。"
NOT_SAME_HOUSEHOLD = (
    "請求者が対象者と同一の世帯に属していないため、同一世帯としては交付できません。"
)
POWER_OF_ATTORNEY = "代理人による請求には、委任状の確認と委任者・代理人の氏名が必要です。"
PRINCIPAL = "委任状の委任者が本人又は同一世帯の方ではありません。"
PURPOSE = "第三者による請求には、請求者の氏名と請求の事由（利用目的）が必要です。"
OFFICIAL = "公用請求には、請求機関名と請求の根拠（法令・事務）が必要です。"
MY_NUMBER = "個人番号を記載した住民票の写しは、本人又は同一世帯の方の請求に限り交付できます。"
RESIDENT_CODE = (
    "住民票コードを記載した住民票の写しは、本人又は同一世帯の方の請求に限り交付できます。"
)
THIRD_PARTY_ITEMS = "第三者請求では、本籍・筆頭者及び世帯主・続柄を記載できません。"
NOT_RESIDENT = "住民票の写しは現に住民である方についてだけ交付できます。消除された方は除票の写しを請求してください。"
NOT_REMOVED = "除票の写しは住民票が消除された方についてだけ交付できます。住民の方は住民票の写しを請求してください。"
HOLD_ERROR = "証明書発行が抑止されているため交付できません。{m}"
HOLD_ALERT = "証明書発行の抑止（アラート）があります。確認のうえ発行してください。{m}"
HOLD_CONFIRMED = "抑止（アラート）を確認して発行しました。{m}"
MISMATCH = "証明書の対象者が請求と一致しないため、交付を中止しました。"
