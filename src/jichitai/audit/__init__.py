"""Append-only, hash-chained audit logs per municipality."""
