"""個人住民税 as much as certificates need (課税証明書, 所得証明書, 非課税証明書): one 課税 record per
年度 and person, entered by staff or imported from the 課税 system, corrected only by a new version.

``services`` writes and reads records (through the register's read layer for the person),
``rules`` validates amounts, ``csv_import`` reads the 課税 system's file. See docs/tax.md.
"""
