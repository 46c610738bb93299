"""Web views for the dashboards: the journey emotion map, drivers, pain points,
comparisons, exports and the report; and staff and team feedback."""

from __future__ import annotations

from datetime import timedelta

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
)
from django.shortcuts import get_object_or_404, render
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
    staff,
)
from kaiku.analytics.forms import MapFilterForm
from kaiku.audit.services import record
from kaiku.journeys.models import Layer
from kaiku.journeys.selectors import journey as get_journey
from kaiku.organisations.models import Organisation, Role, Team
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
    # The outer loop's actions on these touchpoints, with their measured effect: the
    # map is where a CX lead sees whether a fix helped.
    from kaiku.loop import actions

    on_map = {
        touchpoint_id: [(a, actions.effect(a)) for a in found_actions]
        for touchpoint_id, found_actions in actions.actions_by_touchpoint(
            organisation, found.journey.pk
        ).items()
    }
    return render(
        request,
        "analytics/journey_map.html",
        {
            "map": found,
            "form": form,
            "grid": grid,
            "chart": charts.map_chart(found),
            "actions": on_map,
        },
    )


@requires(Role.VIEWER, write=False)
def journey_drivers(request: HttpRequest, journey_id: int) -> HttpResponse:
    """What drives the outcome, and peak-end, for one journey."""
    organisation, form, language = _read(request)
    filters = form.filters()
    panel, peak_end = drivers.panels(organisation, journey_id, filters, language=language)
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


def _staff_reports(request: HttpRequest) -> list[staff.Report]:
    services.catch_up()
    return staff.my_reports(
        actor_of(request),
        today=timezone.localdate(),
        month=request.GET.get("month", ""),
        language=(get_language() or "fi")[:2],
    )


@requires(Role.VIEWER, write=False)
def my_feedback(request: HttpRequest) -> HttpResponse:
    """What customers have told me, month by month, and the teams I may look at."""
    actor = actor_of(request)
    reports = _staff_reports(request)
    return render(
        request,
        "analytics/my_feedback.html",
        {
            "reports": [(r, charts.staff_chart(r), f"my-chart-{i}") for i, r in enumerate(reports)],
            "teams": staff.my_teams(actor),
            "min_n": selectors.minimum_n(),
            "months": reports[0].months if reports else [],
            "detail": reports[0].detail if reports else None,
        },
    )


@requires(Role.VIEWER, write=False)
def team_feedback(request: HttpRequest, team_id: int) -> HttpResponse:
    report = _team_report(request, team_id)
    return render(
        request,
        "analytics/team_feedback.html",
        {
            "report": report,
            "chart": charts.staff_chart(report),
            "min_n": report.min_n,
            "months": report.months,
            "detail": report.detail,
        },
    )


@requires(Role.VIEWER, write=False)
def team_feedback_csv(request: HttpRequest, team_id: int) -> HttpResponseBase:
    report = _team_report(request, team_id)
    assert report.team is not None
    record(
        actor=actor_of(request),
        action="export_team_feedback",
        obj=report.team,
        after={"format": "csv"},
    )
    return _csv(staff.table(report), f"kaiku-{slugify(report.team.name)}-palaute")


@requires(Role.VIEWER, write=False)
def my_feedback_csv(request: HttpRequest) -> HttpResponseBase:
    rows: list[list[object]] = [list(staff.TABLE_HEADER)]
    for found in _staff_reports(request):
        rows += staff.table(found)[1:]
    return _csv(rows, "kaiku-oma-palaute")


def _team_report(request: HttpRequest, team_id: int) -> staff.Report:
    actor = actor_of(request)
    team = get_object_or_404(Team, organisation=actor.organisation, pk=team_id)
    services.catch_up()
    try:
        return staff.team_report(
            team,
            actor,
            today=timezone.localdate(),
            month=request.GET.get("month", ""),
            language=(get_language() or "fi")[:2],
        )
    except staff.NotAllowed:
        # As if there were no such team: whose feedback exists is not for everyone.
        raise Http404 from None


def _csv(rows: list[list[object]], name: str) -> HttpResponseBase:
    return exports.table_response(rows, name)
