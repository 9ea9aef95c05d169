"""Writing a bulk batch: ``bulk_create`` on SQLite; on PostgreSQL COPY into temporary staging
tables and one ``INSERT … SELECT`` per table, so row-level security's WITH CHECK still applies
(PostgreSQL refuses COPY FROM into a table under RLS)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db import connection


class SqliteWriter:
    def write(self, b: Any) -> None:
        from jichitai.registry.models import EventFact, Household, Person, RegistryEvent

        # foreign keys are deferred to commit, so households may name heads inserted after them
        Household.objects.bulk_create([Household(**r) for r in b.household_rows()], batch_size=500)
        Person.objects.bulk_create([Person(**r) for r in b.person_rows()], batch_size=500)
        RegistryEvent.objects.bulk_create([RegistryEvent(**e) for e in b.events], batch_size=500)
        EventFact.objects.bulk_create(
            [
                EventFact(event_id=f[0], entity=f[1], entity_id=f[2], field=f[3], before=f[4],
                          after=f[5], effective_date=dt.date.fromisoformat(f[6]), approval_seq=f[7])
                for f in b.facts
            ],
            batch_size=1000,
        )


_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_JSON_UNSAFE = frozenset('"\\') | frozenset(chr(c) for c in range(0x20))


def _json_dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).translate(_COPY_ESCAPE)


def _json_str(value: str) -> str:
    return f'"{value}"' if _JSON_UNSAFE.isdisjoint(value) else _json_dump(value)


# Fact values as JSON text escaped for COPY's text format (None is SQL NULL, as Django stores it).
_JSON_TEXT: dict[type, Callable[[Any], str]] = {
    type(None): lambda v: "\\N", str: _json_str, bool: lambda v: "true" if v else "false",
    int: str, dict: _json_dump, list: _json_dump, float: _json_dump,
}
# Column values in COPY's text format.
_COPY_TEXT: dict[type, Callable[[Any], str]] = {
    type(None): lambda v: "\\N", str: lambda v: v.translate(_COPY_ESCAPE),
    bool: lambda v: "t" if v else "f", int: str, dt.date: dt.date.isoformat,
    dt.datetime: dt.datetime.isoformat, dict: _json_dump, list: _json_dump,
}
_FACT_COLUMNS = ("event_id", "entity", "entity_id", "field", "before", "after", "effective_date",
                 "approval_seq", "municipality_id")


class PostgresWriter:
    """COPY into temporary staging tables, then INSERT … SELECT under the RLS policy."""

    @staticmethod
    def _stage(cur: Any, model: Any, columns: Sequence[str]) -> str:
        stage = f"_load_{model._meta.db_table}"
        cur.execute(f'DROP TABLE IF EXISTS "{stage}"')
        cur.execute(
            f'CREATE TEMP TABLE "{stage}" ON COMMIT DROP AS '
            f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} '
            f'FROM "{model._meta.db_table}" WITH NO DATA'
        )
        return stage

    def _load(self, cur: Any, model: Any, columns: Sequence[str], lines: Iterable[str | bytes],
              order_by: str | None = None) -> None:
        stage = self._stage(cur, model, columns)
        if order_by:
            cur.execute(f'ALTER TABLE "{stage}" ADD COLUMN "{order_by}" bigserial')
        cols = ", ".join(f'"{c}"' for c in columns)
        with cur.copy(f'COPY "{stage}" ({cols}) FROM STDIN') as cp:
            for data in lines:  # COPY text: str lines or bytes blocks
                cp.write(data.encode() if isinstance(data, str) else data)
        order = f' ORDER BY "{order_by}"' if order_by else ""
        cur.execute(
            f'INSERT INTO "{model._meta.db_table}" ({cols}) SELECT {cols} FROM "{stage}"{order}'
        )
        cur.execute(f'DROP TABLE "{stage}"')

    @staticmethod
    def _rows(model: Any, rows: Iterable[Mapping[str, Any]]) -> tuple[list[str], Iterator[str]]:
        fields = model._meta.concrete_fields
        # an item the loader does not state takes the model's default ("" for text), as the ORM would
        pairs = [(f.attname, f.get_default()) for f in fields]
        fmt = _COPY_TEXT
        return [f.column for f in fields], (
            "\t".join([fmt[type(v)](v) for v in (r.get(n, d) for n, d in pairs)]) + "\n" for r in rows
        )

    def encode(self, b: Any) -> list[tuple[Any, Sequence[str], bytes, str | None]]:
        """The batch as COPY text per table (built by the loading thread, sent by the writer)."""
        from jichitai.registry.models import EventFact, Household, Person, RegistryEvent

        out: list[tuple[Any, Sequence[str], bytes, str | None]] = []
        for model, rows in ((Household, b.household_rows()), (Person, b.person_rows()),
                            (RegistryEvent, b.events)):
            cols, lines = self._rows(model, rows)
            out.append((model, cols, "".join(lines).encode(), None))
        tail = f"\t{b.mid}\n"
        j = _JSON_TEXT
        facts = "".join([
            f"{f[0]}\t{f[1]}\t{f[2]}\t{f[3]}\t{j[type(f[4])](f[4])}\t{j[type(f[5])](f[5])}\t"
            f"{f[6]}\t{f[7]}{tail}" for f in b.facts
        ])
        out.append((EventFact, _FACT_COLUMNS, facts.encode(), "_ord"))
        return out

    def write(self, b: Any) -> None:
        payload = b.payload if b.payload is not None else self.encode(b)
        b.payload = None
        with connection.connection.cursor() as cur:
            for model, cols, data, order_by in payload:
                self._load(cur, model, cols, [data], order_by)
