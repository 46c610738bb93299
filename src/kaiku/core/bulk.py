"""Plain multi-row INSERTs for bulk loads where building model instances would cost
more than the database work (imports of a million rows)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

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
    adapt = [
        i
        for i, column in enumerate(columns)
        if isinstance(fields[column], models.JSONField | models.DateTimeField)
    ]
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
                values = list(row)
                for i in adapt:
                    values[i] = fields[columns[i]].get_db_prep_save(values[i], connection)
                params += values
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, params)
            if returning_id:
                ids += [r[0] for r in cursor.fetchall()]
    return ids
