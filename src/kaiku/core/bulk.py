"""Plain multi-row INSERTs for bulk loads where building model instances would cost
more than the database work (imports of a million rows)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    qn = connection.ops.quote_name
    fields = {f.column: f for f in model._meta.concrete_fields}
    # Values of JSON and date-time columns adapted as Django would, with the adapter
    # looked up once, not once per value.
    adapters = {
        i: adapter
        for i, column in enumerate(columns)
        if (adapter := _adapter(fields[column])) is not None
    }
    # Only quoted table and column names of our own models go into the text; values
    # are parameters.
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    tail = f" RETURNING {qn(model._meta.pk.column)}" if returning_id else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start : start + ROWS_PER_STATEMENT]
            params: list[Any] = []
            for row in chunk:
                if adapters:
                    row = list(row)
                    for i, adapt in adapters.items():
                        row[i] = adapt(row[i])
                params += row
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, params)
            if returning_id:
                ids += [r[0] for r in cursor.fetchall()]
    return ids


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    db = connections[DEFAULT_DB_ALIAS]
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: None if value is None else db.ops.adapt_json_value(value, encoder)
    if isinstance(field, models.DateTimeField):
        return lambda value: field.get_db_prep_save(value, db)
    return None
