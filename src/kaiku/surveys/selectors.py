"""Reads for surveys, scoped to an organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kaiku.organisations.models import Organisation
from kaiku.surveys.models import Kiosk, Question, Survey


def surveys(organisation: Organisation) -> QuerySet[Survey]:
    return (
        Survey.objects.filter(organisation=organisation)
        .select_related("journey")
        # A survey is a pulse or not, so one of the two counts is always nought.
        .annotate(
            response_count=Count("responses", distinct=True)
            + Count("pulse_responses", distinct=True)
        )
    )


def survey(organisation: Organisation, survey_id: int) -> Survey:
    found = Survey.objects.select_related("journey").prefetch_related("questions", "touchpoints")
    return get_object_or_404(found, organisation=organisation, pk=survey_id)


def question(organisation: Organisation, question_id: int) -> Question:
    found = Question.objects.select_related("survey")
    return get_object_or_404(found, survey__organisation=organisation, pk=question_id)


_public: dict[str, tuple[object, list[Any]]] = {}
_PUBLIC_KEPT = 500
_SURVEY_FIELDS = [f.attname for f in Survey._meta.concrete_fields]


def public_survey(token: str) -> Survey:
    """A survey by its public link token, whatever its status (the page says if closed).

    Respondents hit this on every answer, so the survey's fields are kept per process
    and checked with one light query for `updated_at`, which every change touches
    (status included): an answer to a survey closed a moment ago is still refused."""
    table = connection.ops.quote_name(Survey._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT updated_at FROM {table} WHERE public_token = %s", [token])  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        raise Http404
    cached = _public.get(token)
    if cached is None or cached[0] != row[0]:
        found = get_object_or_404(Survey, public_token=token)
        # The raw value read above, so that the next check compares like with like.
        cached = (row[0], [getattr(found, name) for name in _SURVEY_FIELDS])
        if len(_public) >= _PUBLIC_KEPT:
            _public.clear()
        _public[token] = cached
    return Survey.from_db(connection.alias, _SURVEY_FIELDS, [_copied(v) for v in cached[1]])


def _copied(value: Any) -> Any:
    """A copy that the caller may change without changing the cache. Only JSON fields
    hold mutable values, and JSON only dicts and lists: copying those alone costs a
    fraction of `copy.deepcopy`, which also rebuilds the (immutable) date-times."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


@dataclass(frozen=True)
class Structure:
    """What a submission is checked against: the questions in order and the touchpoints."""

    questions: tuple[Question, ...]
    touchpoint_ids: frozenset[int]


_structures: dict[int, tuple[datetime, Structure]] = {}
_STRUCTURES_KEPT = 500


def structure(survey: Survey) -> Structure:
    """The survey's questions and touchpoints, cached per process until the survey's
    `updated_at` changes (every builder change touches it): submissions then need no
    queries for them."""
    cached = _structures.get(survey.pk)
    if cached is not None and cached[0] == survey.updated_at:
        return cached[1]
    found = Structure(
        questions=tuple(Question.objects.filter(survey_id=survey.pk).order_by("position")),
        touchpoint_ids=frozenset(survey.touchpoints.values_list("pk", flat=True)),
    )
    if len(_structures) >= _STRUCTURES_KEPT:
        _structures.clear()
    _structures[survey.pk] = (survey.updated_at, found)
    return found


def kiosk(organisation: Organisation, kiosk_id: int) -> Kiosk:
    return get_object_or_404(
        Kiosk.objects.select_related("survey"), survey__organisation=organisation, pk=kiosk_id
    )
