"""Web views for the dashboards: the journey emotion map."""

from __future__ import annotations

from datetime import timedelta

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
)
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language

from kaiku.analytics import (
    charts,
    comparisons,
    drivers,
    exports,
    pain_points,
    report,
    selectors,
    services,
)
from kaiku.analytics.forms import MapFilterForm
from kaiku.journeys.models import Layer
from kaiku.journeys.selectors import journey as get_journey
from kaiku.organisations.models import Organisation, Role
from kaiku.organisations.permissions import actor_of, requires


def _read(request: HttpRequest) -> tuple[Organisation, MapFilterForm, str]:
    """What every dashboard page starts from: the organisation, the filter form from
    the query string, and the page's language; the rollups brought up to date."""
    organisation = actor_of(request).organisation
    form = MapFilterForm(organisation, request.GET or None)
    services.catch_up()
    return organisation, form, (get_language() or "fi")[:2]


@requires(Role.VIEWER, write=False)
def journey_map(request: HttpRequest, journey_id: int) -> HttpResponse:
    organisation, form, language = _read(request)
    found = selectors.journey_map(organisation, journey_id, form.filters(), language=language)
    grid = [
        (
            layer,
            label,
            [[r for r in s.touchpoints if r.touchpoint.layer == layer] for s in found.stages],
        )
        for layer, label in Layer.choices
    ]
    grid = [row for row in grid if any(row[2])]
    return render(
        request,
        "analytics/journey_map.html",
        {"map": found, "form": form, "grid": grid, "chart": charts.map_chart(found)},
    )


@requires(Role.VIEWER, write=False)
def journey_drivers(request: HttpRequest, journey_id: int) -> HttpResponse:
    """What drives the outcome, and peak-end, for one journey."""
    organisation, form, language = _read(request)
    filters = form.filters()
    panel = drivers.journey_drivers(organisation, journey_id, filters, language=language)
    peak_end = drivers.peak_end(organisation, journey_id, filters, outcome=panel.outcome)
    journey = get_journey(organisation, journey_id)
    return render(
        request,
        "analytics/drivers.html",
        {
            "journey": journey,
            "form": form,
            "panel": panel,
            "peak_end": peak_end,
            "sample": drivers.SAMPLE,
            "chart": charts.drivers_chart(panel),
            "strongest": _strongest(peak_end),
        },
    )


def _strongest(panel: drivers.PeakEndPanel) -> str | None:
    """The moment that matters most in this data: the largest standardised
    coefficient whose interval stays above zero."""
    if panel.fit is None:
        return None
    clear = [(e.value, name) for name, e in panel.fit.coefficients.items() if e.low > 0]
    return max(clear)[1] if clear else None


@requires(Role.VIEWER, write=False)
def journey_pain_points(request: HttpRequest, journey_id: int) -> HttpResponse:
    organisation, form, language = _read(request)
    found = pain_points.pain_points(organisation, journey_id, form.filters(), language=language)
    return render(
        request,
        "analytics/pain_points.html",
        {"journey": get_journey(organisation, journey_id), "form": form, "found": found},
    )


COMPARE_DAYS = 30


@requires(Role.VIEWER, write=False)
def journey_compare(request: HttpRequest, journey_id: int) -> HttpResponse:
    """Two slices side by side; without a choice, the last 30 days against the 30
    before them."""
    organisation = actor_of(request).organisation
    data: QueryDict = request.GET
    if not data:
        today = timezone.localdate()
        data = QueryDict(mutable=True)
        data.update(
            {
                "a-start": (today - timedelta(days=COMPARE_DAYS - 1)).isoformat(),
                "a-end": today.isoformat(),
                "b-start": (today - timedelta(days=2 * COMPARE_DAYS - 1)).isoformat(),
                "b-end": (today - timedelta(days=COMPARE_DAYS)).isoformat(),
            }
        )
    form_a = MapFilterForm(organisation, data, prefix="a")
    form_b = MapFilterForm(organisation, data, prefix="b")
    services.catch_up()
    rows = comparisons.compare(organisation, journey_id, form_a.filters(), form_b.filters())
    return render(
        request,
        "analytics/compare.html",
        {
            "journey": get_journey(organisation, journey_id),
            "form_a": form_a,
            "form_b": form_b,
            "rows": rows,
            "small_n": comparisons.SMALL_N,
            "min_n": selectors.minimum_n(),
        },
    )


@requires(Role.ANALYST, write=False)
def journey_export(request: HttpRequest, journey_id: int, fmt: str) -> HttpResponseBase:
    """The journey's responses with their analysis, filtered like the map."""
    organisation, form, _language = _read(request)
    journey = get_journey(organisation, journey_id)
    return exports.download(
        actor_of(request), journey, form.filters(), fmt, asked=request.GET.dict()
    )


@requires(Role.VIEWER, write=False)
def journey_report(request: HttpRequest, journey_id: int) -> HttpResponse:
    """The executive report as PDF, for the filters chosen on the map."""
    organisation, form, language = _read(request)
    journey = get_journey(organisation, journey_id)
    pdf = report.build_report(organisation, journey.pk, form.filters(), language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"kaiku-{slugify(journey.name)}-{timezone.localdate().isoformat()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
