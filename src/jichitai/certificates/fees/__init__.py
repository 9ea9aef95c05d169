"""手数料と日計 (issue 12 item 8): fees per kind, exemptions, the daily issuance ledger.

docs/certificates.md 「手数料と日計」.
"""
