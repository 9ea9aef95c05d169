"""CSV形式のデータの取込 ([1430]#1): 転出証明書, 住民異動届, 交付申請書 and 個人番号カード券面事項 data
in CSV — made by any means (a scanner's OCR, a kiosk, a spreadsheet) — checked line by line and turned
into drafts that pre-fill the 異動 forms and the certificate counter. Nothing is stored by the intake:
the clerk reviews the pre-filled form and submits it the usual way (仮登録, 決裁, issuance rules).

- ``reading``: bytes → rows (UTF-8 with or without BOM, or CP932), header names with their aliases,
  every problem with the file, line, item and rule;
- ``checks``: one checker per kind of item (dates in 和暦 or 西暦, 性別, フリガナ, 続柄, codes);
- ``events``: 転出証明書, 住民異動届 and 券面事項 → drafts of 異動 forms; persons already on the
  register are found through the read layer (a protected person is "not found" to staff without
  need-to-know, exactly as a person not on the register).
The certificate side (交付申請書, 券面事項 → the counter) is ``jichitai.certificates.intake``.
"""
