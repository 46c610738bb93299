"""Writing checked responses with their answers: the one write path of every channel
and of imports.

Batches (imports) go in plain multi-row INSERTs on any database. A single response on
PostgreSQL goes in one statement (data-modifying CTEs): it is atomic on its own and
costs a quarter of the Python time of four statements in a transaction, which is what
lets one small server take hundreds of submissions a second.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models, transaction

from kaiku.core.bulk import adapt_rows, insert_rows
from kaiku.responses.answers import CleanAnswer
from kaiku.responses.models import AnalysisState, Answer, CurvePoint, EmotionAnswer, Response

RESPONSE_COLUMNS = (
    "organisation_id", "survey_id", "touchpoint_id", "respondent_id", "source", "channel",
    "segment_id", "served_by_id", "team_id", "language", "experienced_at", "submitted_at",
    "metadata", "idempotency_key", "api_key_id", "is_demo",
)  # fmt: skip
ANSWER_COLUMNS = (
    "response_id", "question_id", "kind", "number", "text", "choices", "analysis_state",
)  # fmt: skip
EMOTION_COLUMNS = ("answer_id", "emotion", "intensity")
CURVE_COLUMNS = ("answer_id", "stage_id", "score", "word")

Row = Mapping[str, Any]  # a value for each of RESPONSE_COLUMNS
_response_values = operator.itemgetter(*RESPONSE_COLUMNS)


def insert_response(row: Row, answers: Sequence[CleanAnswer]) -> tuple[int, bool]:
    """One response; its id, and whether it has text to analyse."""
    if connection.vendor == "postgresql":
        return _insert_one_statement(row, answers), any(a.text for a in answers)
    with transaction.atomic(savepoint=False):
        (response_id,), with_text = insert_responses([(row, answers)])
    return response_id, bool(with_text)


def insert_responses(
    items: Sequence[tuple[Row, Sequence[CleanAnswer]]],
) -> tuple[list[int], list[int]]:
    """Many responses, inside the caller's transaction. Returns the new response ids in
    order, and the ids of those with text to analyse."""
    response_ids = insert_rows(
        Response,
        RESPONSE_COLUMNS,
        [_response_values(row) for row, _answers in items],
        returning_id=True,
    )
    answer_rows, cleaned = [], []
    for response_id, (_row, answers) in zip(response_ids, items, strict=True):
        for a in answers:
            answer_rows.append((response_id, *_answer_values(a)))
            cleaned.append(a)
    answer_ids = insert_rows(Answer, ANSWER_COLUMNS, answer_rows, returning_id=True)
    pairs = list(zip(answer_ids, cleaned, strict=True))
    insert_rows(EmotionAnswer, EMOTION_COLUMNS, [(aid, *e) for aid, a in pairs for e in a.emotions])
    insert_rows(CurvePoint, CURVE_COLUMNS, [(aid, *p) for aid, a in pairs for p in a.curve])
    return response_ids, sorted({row[0] for row in answer_rows if row[4]})


def _answer_values(a: CleanAnswer) -> tuple[Any, ...]:
    state = AnalysisState.QUEUED if a.text else AnalysisState.NONE
    return (a.question.pk, a.question.kind, a.number, a.text, a.choices, state)


def _insert_one_statement(row: Row, answers: Sequence[CleanAnswer]) -> int:
    """The response, its answers, emotions and curve points in one INSERT … RETURNING.
    Emotions and curve points find their answer by question (unique per response)."""
    emotions = [(a.question.pk, *e) for a in answers for e in a.emotions]
    points = [(a.question.pk, *p) for a in answers for p in a.curve]
    params = _params(Response, [_response_values(row)])
    params += _params(Answer, [_answer_values(a) for a in answers])
    params += _params(EmotionAnswer, emotions) + _params(CurvePoint, points)
    with connection.cursor() as cursor:
        cursor.execute(_statement(len(answers), len(emotions), len(points)), params)
        return int(cursor.fetchone()[0])


@functools.cache
def _statement(answers: int, emotions: int, points: int) -> str:
    """The statement's text for a response of this shape (a few shapes per survey)."""
    parts = [
        f"r AS (INSERT INTO {_table(Response)} ({_names(RESPONSE_COLUMNS)}) "
        f"VALUES {_rows(Response, 1)} RETURNING id)",
        f"a AS (INSERT INTO {_table(Answer)} ({_names(ANSWER_COLUMNS)}) "
        f"SELECT r.id, v.* FROM r, (VALUES {_rows(Answer, answers)}) v "
        "RETURNING id, question_id)",
    ]
    for name, model, columns, count in (
        ("e", EmotionAnswer, EMOTION_COLUMNS, emotions),
        ("c", CurvePoint, CURVE_COLUMNS, points),
    ):
        if count:
            own = _names(columns[1:])
            parts.append(
                f"{name} AS (INSERT INTO {_table(model)} ({_names(columns)}) "
                f"SELECT a.id, {own} FROM a JOIN (VALUES {_rows(model, count)}) "
                f"x (question_id, {own}) USING (question_id))"
            )
    # Only our own table and column names go into the text; values are parameters.
    return "WITH " + ", ".join(parts) + " SELECT id FROM r"


@functools.cache
def _value_fields(model: type[models.Model]) -> tuple[models.Field[Any, Any], ...]:
    """The fields whose values a row of `model` carries: all of a response's; an
    answer's without its response (taken from the CTE before); an emotion's or curve
    point's with the question that finds its answer."""
    columns = {
        Response: RESPONSE_COLUMNS,
        Answer: ANSWER_COLUMNS[1:],
        EmotionAnswer: EMOTION_COLUMNS[1:],
        CurvePoint: CURVE_COLUMNS[1:],
    }[model]
    by_column = {f.column: f for f in model._meta.concrete_fields}
    fields = tuple(by_column[c] for c in columns)
    if model in (EmotionAnswer, CurvePoint):
        return (Answer._meta.get_field("question"), *fields)
    return fields


def _params(model: type[models.Model], rows: Sequence[Sequence[Any]]) -> list[Any]:
    if not rows:  # most responses have no emotions or curve points
        return []
    return [value for row in adapt_rows(_value_fields(model), rows) for value in row]


def _rows(model: type[models.Model], count: int) -> str:
    """`(%s::type, …)` × count. Rows of VALUES inside a SELECT need their types, or a
    NULL would be text. Character columns are cast to text, not varchar(n), so that an
    over-long value is refused by the column instead of cut short by the cast."""
    casts = []
    for field in _value_fields(model):
        text = field.get_internal_type() in ("CharField", "TextField")
        casts.append(f"%s::{'text' if text else field.db_type(connection)}")
    return ", ".join(["(" + ", ".join(casts) + ")"] * count)


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _names(columns: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(c) for c in columns)
