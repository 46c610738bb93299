"""Web views for the dashboards: the journey emotion map."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from kaiku.analytics import selectors, services
from kaiku.analytics.forms import MapFilterForm
from kaiku.journeys.models import Layer
from kaiku.organisations.models import Role
from kaiku.organisations.permissions import actor_of, requires


def catch_up() -> None:
    """Without a broker nothing runs on a schedule, so the page brings the rollups
    up to date before it reads them (a no-op when nothing new has come in)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        services.roll_up_new_responses()


@requires(Role.VIEWER, write=False)
def journey_map(request: HttpRequest, journey_id: int) -> HttpResponse:
    organisation = actor_of(request).organisation
    form = MapFilterForm(organisation, request.GET or None)
    catch_up()
    found = selectors.journey_map(
        organisation, journey_id, form.filters(), language=(get_language() or "fi")[:2]
    )
    grid = [
        (
            layer,
            label,
            [[r for r in s.touchpoints if r.touchpoint.layer == layer] for s in found.stages],
        )
        for layer, label in Layer.choices
    ]
    grid = [row for row in grid if any(row[2])]
    return render(request, "analytics/journey_map.html", {"map": found, "form": form, "grid": grid})
