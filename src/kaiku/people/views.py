"""Web views for employee experience: the pulse report, its CSV, and the team view of
employee experience next to customer experience."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kaiku.analytics import services as analytics_services
from kaiku.analytics.exports import table_response
from kaiku.audit.services import record
from kaiku.organisations.models import Role, Team
from kaiku.organisations.permissions import actor_of, requires
from kaiku.people import charts, selectors, teams
from kaiku.surveys.models import QuestionKind, Survey

MEASURE_NAMES: dict[str, object] = {
    QuestionKind.ENPS: _("eNPS"),
    QuestionKind.WELLBEING: _("Wellbeing"),
    QuestionKind.WORKLOAD: _("Manageable workload"),
    QuestionKind.GOALS: _("Can meet goals"),
    QuestionKind.VALUES: _("Shares the values"),
    QuestionKind.EMOTIONAL_LOAD: _("Emotional load"),
}


def _chosen(request: HttpRequest) -> tuple[Survey | None, list[Team], list[Survey]]:
    """The pulse survey asked for (else the newest) and the teams this viewer sees,
    narrowed to one with ?team=."""
    actor = actor_of(request)
    surveys = list(selectors.pulse_surveys(actor.organisation))
    wanted = request.GET.get("survey", "")
    survey = next((s for s in surveys if str(s.pk) == wanted), surveys[0] if surveys else None)
    if wanted and (survey is None or str(survey.pk) != wanted):
        raise Http404
    visible = selectors.visible_teams(actor)
    team = request.GET.get("team", "")
    if team:
        visible = [t for t in visible if str(t.pk) == team]
        if not visible:
            raise Http404
    return survey, visible, surveys


def _names(kinds: list[str]) -> list[tuple[str, str]]:
    return [(kind, str(MEASURE_NAMES.get(kind, kind))) for kind in kinds]


@requires(Role.VIEWER, write=False)
def pulse(request: HttpRequest) -> HttpResponse:
    survey, visible, surveys = _chosen(request)
    context: dict = {
        "surveys": surveys,
        "survey": survey,
        "all_teams": selectors.visible_teams(actor_of(request)),
        "team_filter": request.GET.get("team", ""),
        "min_n": selectors.minimum_n(),
    }
    if survey is not None:
        report = selectors.pulse_report(
            survey,
            visible,
            today=timezone.localdate(),
            month=request.GET.get("month", ""),
            language=(get_language() or "fi")[:2],
        )
        context |= {"report": report, "measures": _names(report.kinds)}
        context["chart"] = charts.pulse_chart(report, context["measures"])
    return render(request, "people/pulse.html", context)


@requires(Role.VIEWER, write=False)
def pulse_csv(request: HttpRequest) -> HttpResponseBase:
    survey, visible, _surveys = _chosen(request)
    if survey is None:
        raise Http404
    report = selectors.pulse_report(survey, visible, today=timezone.localdate())
    record(actor=actor_of(request), action="export_pulse", obj=survey, after={"format": "csv"})
    return table_response(selectors.table(report), f"kaiku-{slugify(survey.name)}-pulssi")


@requires(Role.VIEWER, write=False)
def team_view(request: HttpRequest) -> HttpResponse:
    survey, visible, surveys = _chosen(request)
    context: dict = {
        "surveys": surveys,
        "survey": survey,
        "teams": visible,
        "min_n": selectors.minimum_n(),
    }
    if survey is not None and visible:
        analytics_services.catch_up()
        view = teams.team_view(
            survey,
            visible,
            today=timezone.localdate(),
            measure=request.GET.get("measure", ""),
            language=(get_language() or "fi")[:2],
        )
        names = dict(_names(view.pulse.kinds))
        context |= {
            "view": view,
            "measures": _names(view.pulse.kinds),
            "measure_name": names.get(view.measure, ""),
            "chart": charts.team_chart(view, names.get(view.measure, "")),
            "rows": [(team, view.rows[team.pk]) for team in visible],
        }
    return render(request, "people/teams.html", context)
