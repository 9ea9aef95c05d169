"""Catalogue entries, one module per offering package."""
