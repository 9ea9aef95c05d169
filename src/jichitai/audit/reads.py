"""Reads of resident data are logged by the code path that loads them (閲覧記録).

A model holding a resident's data uses :class:`AuditedReadManager` as its default manager::

    class Person(TenantModel):
        audit_subject_type = "person"
        objects = AuditedReadManager()

    Person.objects.for_read(screen="住民照会", function="individual", my_number_shown=False)
        .get(pk=...)                       # fetched -> one read/view entry per person

Rules (fail closed, like the tenant manager):

* Fetching rows that carry data — model instances, ``values()``, or ``values_list()`` of any
  field other than the key — without :meth:`AuditedReadQuerySet.for_read` raises
  :class:`UnauditedRead`. Nothing is shown that was not logged; no screen can forget.
* ``count()``, ``exists()``, ``aggregate()`` and key-only ``values_list("pk")`` are not reads of a
  person's data and are allowed without a purpose (existence checks, pagination).
* ``without_read_log(reason)`` is the explicit, greppable exemption for processing that shows
  nothing to a person (projections, batch exports that log their own operation). Entry points
  (web, api) must not use it; review every use.
* Related managers (``household.members.all()``) and forward foreign keys go through the same
  manager, so they refuse too: use ``Prefetch(..., queryset=Person.objects.for_read(...))`` or
  load explicitly.
* Entries are written in the same transaction as the load; if the request rolls back, the log
  entry does too (nothing was committed, but something may have been displayed — the web layer
  renders only after the transaction commits).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, Self

from django.db import models

from jichitai.tenancy.models import TenantManager, TenantQuerySet

_KEY_FIELDS = frozenset({"pk", "id", "municipality", "municipality_id"})


class UnauditedRead(PermissionError):
    """Resident data was loaded without saying which screen/function shows it."""

    def __init__(self, model: type[models.Model]) -> None:
        super().__init__(
            f"{model._meta.verbose_name} の読み出しには画面・機能の指定が必要です（閲覧記録） / "
            f"reading {model._meta.label} needs .for_read(screen=...) so that the read is logged"
        )


@dataclass(frozen=True, slots=True)
class ReadPurpose:
    """Where a read is shown: screen (画面) and function (機能), and whether 個人番号 is shown."""

    screen: str
    function: str = ""
    my_number_shown: bool = False

    def __post_init__(self) -> None:
        if not self.screen.strip():
            raise ValueError("screen is required for an audited read")


def subject_type_of(model: type[models.Model]) -> str:
    return str(getattr(model, "audit_subject_type", model._meta.label_lower))


class AuditedReadQuerySet(TenantQuerySet):
    _read_purpose: ReadPurpose | None = None
    _read_exempt: str = ""
    _read_logged: bool = False

    def _clone(self) -> Self:
        c = super()._clone()
        c._read_purpose = self._read_purpose
        c._read_exempt = self._read_exempt
        return c

    def for_read(self, *, screen: str, function: str = "", my_number_shown: bool = False) -> Self:
        c = self._chain()
        c._read_purpose = ReadPurpose(screen, function, my_number_shown)
        return c

    def without_read_log(self, reason: str) -> Self:
        if not reason.strip():
            raise ValueError("say why this load is not a read shown to anyone")
        c = self._chain()
        c._read_exempt = reason
        return c

    # -- the guard -------------------------------------------------------------------------------

    def _carries_data(self) -> bool:
        if self._fields is None:  # model instances
            return True
        fields = set(self._fields) or {"*"}
        return not fields <= _KEY_FIELDS

    def _guard(self) -> None:
        if self._read_purpose is None and not self._read_exempt and self._carries_data():
            raise UnauditedRead(self.model)

    def _log(self, rows: list[Any]) -> None:
        purpose = self._read_purpose
        if purpose is None or not rows or not self._carries_data():
            return
        from .recording import record, record_read

        ids: list[Any] = []
        unidentified = 0
        for row in rows:
            if isinstance(row, models.Model):
                ids.append(row.pk)
            elif isinstance(row, dict) and ("pk" in row or "id" in row):
                ids.append(row.get("pk", row.get("id")))
            else:
                unidentified += 1
        subject_type = subject_type_of(self.model)
        if ids:
            record_read(
                subject_type, ids, screen=purpose.screen, function=purpose.function,
                my_number_shown=purpose.my_number_shown,
            )
        if unidentified:
            record(
                "read", "view_summary", subject_type=subject_type, screen=purpose.screen,
                function=purpose.function, my_number_shown=purpose.my_number_shown,
                detail={"rows": unidentified, "fields": sorted(self._fields or ())},
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._guard()
            super()._fetch_all()
            self._log(list(self._result_cache or []))
        else:
            super()._fetch_all()

    def iterator(self, chunk_size: int | None = None) -> Iterator[Any]:
        self._guard()
        return self._logged(super().iterator(chunk_size), chunk_size or 500)

    def _logged(self, it: Iterator[Any], size: int) -> Iterator[Any]:
        while chunk := list(islice(it, size)):
            self._log(chunk)  # logged before anything of the chunk is handed out
            yield from chunk


class AuditedReadManager(TenantManager):
    """Default manager for models holding a resident's data: tenant-scoped and read-logged."""

    def get_queryset(self) -> AuditedReadQuerySet:  # type: ignore[override]
        scoped = super().get_queryset()
        return AuditedReadQuerySet(self.model, query=scoped.query, using=self._db)

    def for_read(self, *, screen: str, function: str = "", my_number_shown: bool = False) -> AuditedReadQuerySet:
        return self.get_queryset().for_read(
            screen=screen, function=function, my_number_shown=my_number_shown
        )

    def without_read_log(self, reason: str) -> AuditedReadQuerySet:
        return self.get_queryset().without_read_log(reason)


def load_for_read(
    queryset: models.QuerySet[Any],
    *,
    screen: str,
    function: str = "",
    my_number_shown: bool = False,
) -> list[Any]:
    """Load ``queryset`` and log one read per object fetched, in one step.

    Works for audited querysets (delegates to ``for_read``) and for any other model's queryset
    (logs after the load, under the same transaction).
    """
    if isinstance(queryset, AuditedReadQuerySet):
        return list(queryset.for_read(screen=screen, function=function, my_number_shown=my_number_shown))
    from .recording import record_read

    rows = list(queryset)
    if rows:
        record_read(
            subject_type_of(queryset.model), [getattr(r, "pk", r) for r in rows],
            screen=screen, function=function, my_number_shown=my_number_shown,
        )
    return rows
