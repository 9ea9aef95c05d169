"""Certificates (issue 12): issuance, rendering, signing and verification."""
