"""Adding facts into rollups, and taking them out again, in SQL.

One statement per rollup: aggregate the chosen facts by the rollup's cell and
upsert the sums into it, each multiplied by a sign (+1 to add, −1 to take out).
The same statement serves a single response's change and a full rebuild, and
runs on PostgreSQL and SQLite alike (both know INSERT … ON CONFLICT DO UPDATE).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Model

from kaiku.analytics.models import (
    DIMENSIONS,
    EMOTION_FIELDS,
    ResponseCurve,
    ResponseFact,
    ResponseTheme,
    StageDay,
    ThemeDay,
    TouchpointDay,
)

CURVE_MAX = 3


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _count(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _mean_sums(prefix: str, expression: str) -> list[tuple[str, str]]:
    return [
        (f"{prefix}_n", f"COUNT({expression})"),
        (f"{prefix}_sum", f"COALESCE(SUM({expression}), 0)"),
        (f"{prefix}_sumsq", f"COALESCE(SUM(({expression}) * ({expression})), 0)"),
    ]


def _feeling(valence: str, negative: str) -> list[tuple[str, str]]:
    return [
        ("responses", "COUNT(*)"),
        *_mean_sums("valence", valence),
        ("negative", _count(negative)),
        ("negative_weight", f"COALESCE(-SUM(CASE WHEN {negative} THEN {valence} END), 0)"),
    ]


def touchpoint_measures() -> list[tuple[str, str]]:
    """(column, SQL over the fact table aliased f): the sums a touchpoint cell keeps."""
    measures = [
        *_feeling("f.valence", "f.negative"),
        *_mean_sums("nps", "f.nps"),
        ("nps_promoters", _count("f.nps >= 9")),
        ("nps_detractors", _count("f.nps <= 6")),
    ]
    for score in ("csat", "ease", "effectiveness", "overall"):
        measures += _mean_sums(score, f"f.{score}")
    measures += [(emotion, _count(f"f.{emotion}")) for emotion in EMOTION_FIELDS]
    return measures


def _upsert(
    target: type[Model],
    cell: list[tuple[str, str]],
    measures: list[tuple[str, str]],
    source: str,
    where: str,
) -> str:
    columns = [name for name, _ in cell] + [name for name, _ in measures]
    keys = ", ".join(expression for _, expression in cell)
    sums = ", ".join(f"%s * {expression}" for _, expression in measures)
    table = _table(target)
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name, _ in measures)
    # ORDER BY: concurrent writers take the cells' row locks in the same order.
    # Only names from the models and fixed expressions go into the text; values are
    # parameters.
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {keys}, {sums} FROM {source} WHERE {where} "
        f"GROUP BY {keys} ORDER BY {keys} "
        f"ON CONFLICT ({', '.join(name for name, _ in cell)}) DO UPDATE SET {updates}"
    )


def _cell(own: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, f"f.{name}") for name in DIMENSIONS] + own


def _statements(where: str) -> list[tuple[str, int]]:
    facts = f"{_table(ResponseFact)} f"
    themes = f"{_table(ResponseTheme)} t JOIN {facts} ON f.response_id = t.fact_id"
    curve = f"{_table(ResponseCurve)} c JOIN {facts} ON f.response_id = c.fact_id"
    touchpoint = touchpoint_measures()
    theme = _feeling("f.valence", "f.negative")
    for score in ("nps", "csat", "overall"):
        theme += _mean_sums(score, f"f.{score}")
    stage = _feeling(f"(c.score * 1.0 / {CURVE_MAX})", "c.score < 0")
    return [
        (
            _upsert(
                TouchpointDay,
                _cell([("touchpoint_id", "f.touchpoint_id")]),
                touchpoint,
                facts,
                where,
            ),
            len(touchpoint),
        ),
        (
            _upsert(
                ThemeDay,
                _cell([("touchpoint_id", "f.touchpoint_id"), ("theme", "t.theme")]),
                theme,
                themes,
                where,
            ),
            len(theme),
        ),
        (_upsert(StageDay, _cell([("stage_id", "c.stage_id")]), stage, curve, where), len(stage)),
    ]


def apply(sign: int, where: str, params: list) -> None:
    """Add (sign +1) or take out (−1) the facts that `where` (over the fact table,
    aliased f) picks, in every rollup. A cell emptied this way stays, all zeros,
    which adds nothing to any sum; a rebuild drops it."""
    with connection.cursor() as cursor:
        for sql, measures in _statements(where):
            cursor.execute(sql, [sign] * measures + params)


def apply_to_responses(sign: int, response_ids: list[int]) -> None:
    if not response_ids:
        return
    if connection.vendor == "postgresql":
        apply(sign, "f.response_id = ANY(%s)", [response_ids])
    else:
        marks = ", ".join(["%s"] * len(response_ids))
        apply(sign, f"f.response_id IN ({marks})", list(response_ids))
