"""Disaster continuity (issue 14): 代行 under a declared disaster, HA, backups, bundles, extracts."""
