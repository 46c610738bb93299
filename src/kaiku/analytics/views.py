"""Web views for the dashboards: the journey emotion map."""

from __future__ import annotations

import tempfile
from datetime import timedelta

from django.conf import settings
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
    StreamingHttpResponse,
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
from kaiku.audit.services import record
from kaiku.journeys.models import Layer
from kaiku.journeys.selectors import journey as get_journey
from kaiku.organisations.actors import Actor
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
    return render(
        request,
        "analytics/journey_map.html",
        {"map": found, "form": form, "grid": grid, "chart": charts.map_chart(found)},
    )


@requires(Role.VIEWER, write=False)
def journey_drivers(request: HttpRequest, journey_id: int) -> HttpResponse:
    """What drives the outcome, and peak-end, for one journey."""
    organisation = actor_of(request).organisation
    form = MapFilterForm(organisation, request.GET or None)
    catch_up()
    filters = form.filters()
    language = (get_language() or "fi")[:2]
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
    organisation = actor_of(request).organisation
    form = MapFilterForm(organisation, request.GET or None)
    catch_up()
    found = pain_points.pain_points(
        organisation, journey_id, form.filters(), language=(get_language() or "fi")[:2]
    )
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
    catch_up()
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
    return journey_export_for(actor_of(request), journey_id, request.GET, fmt)


def journey_export_for(
    actor: Actor, journey_id: int, query: QueryDict, fmt: str
) -> HttpResponseBase:
    journey = get_journey(actor.organisation, journey_id)
    form = MapFilterForm(actor.organisation, query or None)
    catch_up()
    table = exports.rows(actor.organisation, journey, form.filters())
    record(
        actor=actor, action="export_responses", obj=journey, after={"format": fmt, **query.dict()}
    )
    name = f"kaiku-{slugify(journey.name)}-{timezone.localdate().isoformat()}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_chunks(table), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    # Spills to disk past 8 MB; FileResponse closes it when sent.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    exports.write_xlsx(table, spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{name}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@requires(Role.VIEWER, write=False)
def journey_report(request: HttpRequest, journey_id: int) -> HttpResponse:
    """The executive report as PDF, for the filters chosen on the map."""
    organisation = actor_of(request).organisation
    form = MapFilterForm(organisation, request.GET or None)
    catch_up()
    journey = get_journey(organisation, journey_id)
    pdf = report.build_report(
        organisation, journey.pk, form.filters(), language=(get_language() or "fi")[:2]
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"kaiku-{slugify(journey.name)}-{timezone.localdate().isoformat()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
