"""Tenancy: consortia, municipalities, the immutable TenantContext, scoped models and RLS."""
