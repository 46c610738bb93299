"""Keeping the dashboards' facts and rollups up to date.

A response gets its fact, and the rollups move with it, when its comments have
been analysed (the analysis signal), when a person corrects an analysis, and, for
responses without comments, when the catch-up finds them: a scheduled task with
a broker, and the dashboard page itself in the embedded default. Nothing of this
runs while a respondent waits for the thank-you page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max

from kaiku.analytics import rollups
from kaiku.analytics.facts import facts_for
from kaiku.analytics.models import (
    ResponseCurve,
    ResponseFact,
    ResponseTheme,
    RollupState,
    StageDay,
    ThemeDay,
    TouchpointDay,
)
from kaiku.organisations.models import Organisation
from kaiku.responses.models import Response

BATCH_SIZE = 500
# Responses commit out of id order; the catch-up looks this far behind where it
# stopped, so that a response whose transaction ended late is still found.
CATCH_UP_LAG = 5_000


def data_version(organisation_id: int) -> int:
    """A number that changes whenever an organisation's facts do: what the costlier
    panels are remembered under (the drivers' bootstrap, peak-end)."""
    return int(cache.get_or_set(_version_key(organisation_id), 0, None) or 0)


def _changed(organisation_ids: Iterable[int]) -> None:
    for organisation_id in set(organisation_ids):
        key = _version_key(organisation_id)
        try:
            cache.incr(key)
        except ValueError:  # not there (yet, or any more): a fresh start
            cache.set(key, 1, None)


def _version_key(organisation_id: int) -> str:
    return f"kaiku:facts-version:{organisation_id}"


def refresh_facts(*, response_ids: Iterable[int]) -> int:
    """Work out these responses' facts again and move the rollups with them."""
    done = 0
    for chunk in _chunks(response_ids):
        with transaction.atomic():
            # Locked in id order, so that two refreshes of one response take turns.
            rows = list(
                Response.objects.select_for_update()
                .filter(pk__in=chunk)
                .order_by("pk")
                .values_list("pk", "organisation_id")
            )
            ids = [pk for pk, _org in rows]
            rollups.apply_to_responses(-1, ids)
            ResponseFact.objects.filter(response_id__in=ids).delete()
            _save(facts_for(ids))
            rollups.apply_to_responses(+1, ids)
        _changed(org for _pk, org in rows)
        done += len(ids)
    return done


def forget_response(*, response_id: int) -> None:
    """Take a response about to be deleted out of the rollups."""
    rollups.apply_to_responses(-1, [response_id])
    _changed(Response.objects.filter(pk=response_id).values_list("organisation_id", flat=True))


def roll_up_new_responses() -> int:
    """Give every response that has no fact yet its fact; returns how many."""
    state, _ = RollupState.objects.get_or_create(pk=1)
    top = Response.objects.aggregate(top=Max("pk"))["top"] or 0
    if top <= state.checked_up_to - CATCH_UP_LAG:
        return 0
    new = (
        Response.objects.filter(
            pk__gt=max(0, state.checked_up_to - CATCH_UP_LAG), pk__lte=top, fact__isnull=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    done = refresh_facts(response_ids=list(new))
    RollupState.objects.filter(pk=1, checked_up_to__lt=top).update(checked_up_to=top)
    return done


def catch_up() -> None:
    """Without a broker nothing runs on a schedule, so a dashboard read brings the
    rollups up to date first (a no-op when nothing new has come in)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        roll_up_new_responses()


def rebuild(*, organisation: Organisation | None = None, facts: bool = False) -> int:
    """Build the rollups again from the facts (and, with `facts`, the facts from the
    responses first); returns the number of facts."""
    responses = Response.objects.all()
    if organisation is not None:
        responses = responses.filter(organisation=organisation)
    if facts:
        refresh_facts(response_ids=list(responses.order_by("pk").values_list("pk", flat=True)))
    with transaction.atomic():
        for model in (TouchpointDay, ThemeDay, StageDay):
            cells = model.objects.all()
            if organisation is not None:
                cells = cells.filter(organisation_id=organisation.pk)
            cells.delete()
        if organisation is None:
            rollups.apply(+1, "1 = 1", [])
            _changed(Organisation.objects.values_list("pk", flat=True))
            return ResponseFact.objects.count()
        rollups.apply(+1, "f.organisation_id = %s", [organisation.pk])
        _changed([organisation.pk])
        return ResponseFact.objects.filter(organisation=organisation).count()


def _save(facts: list) -> None:
    ResponseFact.objects.bulk_create(ResponseFact(**fact.row()) for fact in facts)
    ResponseTheme.objects.bulk_create(
        ResponseTheme(fact_id=fact.response_id, theme=theme)
        for fact in facts
        for theme in sorted(fact.themes)
    )
    ResponseCurve.objects.bulk_create(
        ResponseCurve(fact_id=fact.response_id, stage_id=stage_id, score=score)
        for fact in facts
        for stage_id, score in fact.curve.items()
    )


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, BATCH_SIZE)):
        yield chunk
