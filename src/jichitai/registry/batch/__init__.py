"""Chapter 9's batch work on the register ([1290]–[1350]): plain functions, one module per function.

Each module's ``run(params, progress)`` runs inside the municipality's TenantContext (the runner sets
it, with the staff member who scheduled or started the job), works in batches and returns a
:class:`BatchResult` (counts, a one-line Japanese message, output files). It never imports the
runner (``jichitai.jobs``): the runner's catalogue wraps these in ``jobs/entries/registry_batch.py``.
A bad parameter is a ``RegistryError`` naming it in Japanese.
"""

from __future__ import annotations

from .common import BatchResult

__all__ = ["BatchResult"]
