"""住民基本台帳 (resident register): event-sourced residents and households.

The append-only log of 異動 events is the source of truth; persons and households are projections
rebuilt from it in the same transaction. Provisional events never touch a projection.
"""
