"""Shared staff identity across the consortium: staff, roles per municipality, second factors."""
