"""Bulk loads where building model instances would cost more than the database work
(imports of a million rows): COPY on PostgreSQL, multi-row INSERTs elsewhere."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

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
    qn = connection.ops.quote_name
    # Only quoted table and column names of our own models go into the text; values
    # are parameters.
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    tail = f" RETURNING {qn(model._meta.pk.column)}" if returning_id else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        while chunk := list(itertools.islice(adapted, ROWS_PER_STATEMENT)):
            params = [value for row in chunk for value in row]
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, params)
            if returning_id:
                ids += [r[0] for r in cursor.fetchall()]
    return ids


def adapt_rows(
    fields: Sequence[models.Field[Any, Any]], rows: Iterable[Sequence[Any]]
) -> Iterator[Sequence[Any]]:
    """The rows with their JSON and date-time values adapted as Django would, each
    column's adapter looked up once, not once per value."""
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
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [qn(table), pk, count],
            )
            ids = [r[0] for r in cursor.fetchall()]
            columns = (pk, *columns)
            rows = ((pk_value, *row) for pk_value, row in zip(ids, rows, strict=True))
        names = ", ".join(qn(c) for c in columns)
        # Only quoted table and column names of our own models go into the text.
        with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    return ids


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    db = connections[DEFAULT_DB_ALIAS]
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: None if value is None else db.ops.adapt_json_value(value, encoder)
    if isinstance(field, models.DateTimeField):
        return lambda value: field.get_db_prep_save(value, db)
    return None
