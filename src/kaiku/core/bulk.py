"""Bulk loads where building model instances would cost more than the database work
(imports of a million rows): COPY on PostgreSQL, multi-row INSERTs elsewhere."""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

# Larger statements were slower on SQLite: preparing one costs more than it saves.
ROWS_PER_STATEMENT = 500


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning_id: bool = False,
) -> list[int]:
    """Insert `rows` (values in `columns` order, by column name); the new ids, in order,
    when asked. Values of JSON and date-time columns are adapted as Django would."""
    if not rows:
        return []
    by_column = {f.column: f for f in model._meta.concrete_fields}
    adapted = adapt_rows([by_column[c] for c in columns], rows)
    if connection.vendor == "postgresql":
        return _copy_rows(model, columns, adapted, len(rows), returning_id=returning_id)
    return _insert_sqlite(model, columns, adapted, returning_id=returning_id)


def _insert_sqlite(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterator[Sequence[Any]],
    *,
    returning_id: bool,
) -> list[int]:
    """Multi-row INSERTs through the driver's own cursor, with its own `?` placeholders:
    Django's cursor rewrites `%s` by a regular expression on every statement, which for
    thousands of placeholders cost as much as the insert."""
    qn = connection.ops.quote_name
    # Only quoted table and column names of our own models go into the text; values
    # are parameters.
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["?"] * len(columns)) + ")"
    tail = f" RETURNING {qn(model._meta.pk.column)}" if returning_id else ""
    ids: list[int] = []
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        while chunk := list(itertools.islice(rows, ROWS_PER_STATEMENT)):
            params = list(itertools.chain.from_iterable(chunk))
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, params)
            if returning_id:
                ids += [r[0] for r in cursor.fetchall()]
    finally:
        cursor.close()
    return ids


def adapt_rows(
    fields: Sequence[models.Field[Any, Any]], rows: Iterable[Sequence[Any]]
) -> Iterator[Sequence[Any]]:
    """The rows with their JSON and (aware) date-time values adapted as Django would,
    each column's adapter looked up once, not once per value."""
    adapters = [(i, adapt) for i, f in enumerate(fields) if (adapt := _adapter(f)) is not None]
    for row in rows:
        if adapters:
            row = list(row)
            for i, adapt in adapters:
                row[i] = adapt(row[i])
        yield row


def _copy_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    count: int,
    *,
    returning_id: bool,
) -> list[int]:
    """COPY, many times faster than INSERT for big batches. COPY returns no ids, so
    they are taken from the table's sequence first and written with the rows."""
    qn = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column
    ids: list[int] = []
    with connection.cursor() as cursor:
        if returning_id:
            # One array, not a row per id: thousands of rows cost more to fetch.
            cursor.execute(
                "SELECT array_agg(nextval(pg_get_serial_sequence(%s, %s)))"
                " FROM generate_series(1, %s)",
                [qn(table), pk, count],
            )
            ids = cursor.fetchone()[0]
            columns = (pk, *columns)
            rows = ((pk_value, *row) for pk_value, row in zip(ids, rows, strict=True))
        names = ", ".join(qn(c) for c in columns)
        # Only quoted table and column names of our own models go into the text.
        with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    return ids


@functools.cache
def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    db = connections[DEFAULT_DB_ALIAS]
    if isinstance(field, models.JSONField):
        # JSON text rather than the driver's JSON wrapper, which would encode the value
        # again for each row: the database parses the text into the column's type. Most
        # JSON values of a big load are empty lists (answers without choices), encoded
        # once.
        encoder = field.encoder
        empty = json.dumps([], cls=encoder)

        def adapt_json(value: Any) -> Any:
            if value is None:
                return None
            if value == () or value == []:
                return empty
            return json.dumps(value, cls=encoder)

        return adapt_json
    if isinstance(field, models.DateTimeField):
        # Values here are aware date-times made by our own code, so the field's own
        # preparation (naive-value warnings, dates to date-times) is not needed.
        return db.ops.adapt_datetimefield_value
    return None
