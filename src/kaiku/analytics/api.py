"""JSON API for the dashboards: the journey emotion map, drivers, peak-end, pain
points and the export; and staff and team feedback."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from kaiku.analytics import drivers, pain_points, selectors, staff, stats
from kaiku.analytics.exports import download
from kaiku.analytics.services import catch_up
from kaiku.core.schemas import Id
from kaiku.journeys.selectors import journey as get_journey
from kaiku.organisations.models import Role, Team
from kaiku.organisations.permissions import OrgAccess, actor_of
from kaiku.walkthroughs.selectors import ObservationSummary

router = Router(tags=["analytics"])


class MapFilter(Schema):
    start: date | None = None
    end: date | None = None
    segment: Id | None = None
    channel: str = ""
    team: Id | None = None
    language: str = ""


@router.get("/journeys/{journey_id}/emotion-map", auth=OrgAccess(Role.VIEWER, write=False))
def emotion_map(request: HttpRequest, journey_id: int, filters: Query[MapFilter]) -> Any:
    """Per stage and touchpoint: n, mean valence with its 95% interval, the negative
    share, NPS and the other scores, the emotion mix, top themes with a redacted
    example, and a weekly trend. Below the minimum n only n is given."""
    chosen = _filters(filters)
    catch_up()
    found = selectors.journey_map(
        actor_of(request).organisation, journey_id, chosen, language=request.GET.get("lang", "fi")
    )
    return {
        "journey": {"id": found.journey.pk, "name": found.journey.name},
        "min_n": found.min_n,
        "total": found.total.as_dict(),
        "unattributed": found.unattributed.as_dict(),
        "stages": [
            {
                "id": column.stage.pk,
                "name": column.stage.name,
                "position": column.stage.position,
                "summary": column.summary.as_dict(),
                "curve": column.curve.as_dict(),
                "touchpoints": [
                    {
                        "id": row.touchpoint.pk,
                        "name": row.touchpoint.name,
                        "layer": row.touchpoint.layer,
                        "channel": row.touchpoint.channel,
                        "summary": row.summary.as_dict(),
                    }
                    for row in column.touchpoints
                ],
            }
            for column in found.stages
        ],
    }


def _filters(filters: MapFilter) -> selectors.Filters:
    if filters.start and filters.end and filters.start > filters.end:
        raise ValidationError({"end": ["The end comes before the start."]})
    return selectors.Filters(
        start=filters.start,
        end=filters.end,
        segment_id=filters.segment,
        channel=filters.channel,
        team_id=filters.team,
        language=filters.language,
    )


def _estimate(e: stats.Estimate | None) -> dict | None:
    return e.as_dict() if e is not None else None


@router.get("/journeys/{journey_id}/drivers", auth=OrgAccess(Role.VIEWER, write=False))
def journey_drivers(request: HttpRequest, journey_id: int, filters: Query[MapFilter]) -> Any:
    """Shapley shares of R² of effectiveness, ease and emotion (valence) for the
    outcome (overall satisfaction, else NPS, else CSAT) with 95% bootstrap intervals,
    from the latest complete responses of the period; and each theme's difference
    in the outcome (Welch's interval)."""
    chosen = _filters(filters)
    catch_up()
    panel, _peak_end = drivers.panels(
        actor_of(request).organisation, journey_id, chosen, request.GET.get("lang", "fi")
    )
    found = panel.drivers
    return {
        "outcome": panel.outcome,
        "r2": _estimate(found.r2) if found else None,
        "shares": {k: _estimate(v) for k, v in found.shares.items()} if found else None,
        "themes": [
            {
                "theme": t.key,
                "name": t.name,
                "mentions": t.mentions,
                "difference": _estimate(t.difference),
                "impact": round(t.impact, 4),
            }
            for t in panel.themes
        ],
    }


@router.get("/journeys/{journey_id}/peak-end", auth=OrgAccess(Role.VIEWER, write=False))
def journey_peak_end(request: HttpRequest, journey_id: int, filters: Query[MapFilter]) -> Any:
    """Standardised effects of the peak, the end and the mean of each respondent
    journey on the outcome, with t-intervals, and where negative peaks and endings
    happen."""
    chosen = _filters(filters)
    catch_up()
    _drivers, panel = drivers.panels(actor_of(request).organisation, journey_id, chosen)
    fit = panel.fit
    return {
        "journeys": panel.journeys,
        "from_curves": panel.from_curves,
        "from_linked": panel.from_linked,
        "effects": {k: _estimate(v) for k, v in fit.coefficients.items()} if fit else None,
        "r2": {
            "peak_end_mean": round(fit.r2, 4) if fit else None,
            "mean_only": panel.mean_only_r2,
            "peak_and_end": panel.peak_end_r2,
        },
        "moments": [
            {"name": m.name, "negative_peaks": m.negative_peaks, "negative_ends": m.negative_ends}
            for m in panel.moments
        ],
    }


@router.get("/journeys/{journey_id}/pain-points", auth=OrgAccess(Role.VIEWER, write=False))
def journey_pain_points(request: HttpRequest, journey_id: int, filters: Query[MapFilter]) -> Any:
    """Touchpoints ranked by impact: negative responses × their mean negativity ×
    emotion's share of what drives the outcome, with the negative themes behind them."""
    chosen = _filters(filters)
    catch_up()
    found = pain_points.pain_points(
        actor_of(request).organisation, journey_id, chosen, request.GET.get("lang", "fi")
    )
    return {
        "outcome": found.outcome,
        "emotion_weight": round(found.weight, 4),
        "pain_points": [
            {
                "touchpoint": {"id": p.touchpoint.pk, "name": p.touchpoint.name},
                "stage": {"id": p.stage.pk, "name": p.stage.name},
                "responses": p.responses,
                "negative": p.negative,
                "negativity": round(p.negativity, 4),
                "impact": round(p.impact, 4),
                "themes": [
                    {"theme": t.key, "name": t.name, "negative": t.negative} for t in p.themes
                ],
                "walkthrough_observations": _observed(p.observations),
            }
            for p in found.points
        ],
        # Touchpoints staff walkthroughs found wanting, the most serious first.
        "walkthrough_observations": [
            {
                "touchpoint": {"id": o.touchpoint.pk, "name": o.touchpoint.name},
                "stage": {"id": o.stage.pk, "name": o.stage.name},
                **(_observed(o.observations) or {}),
            }
            for o in found.observed
        ],
    }


def _observed(summary: ObservationSummary | None) -> dict[str, Any] | None:
    if summary is None:
        return None
    return {
        "count": summary.count,
        "worst_severity": summary.worst_severity,
        "mean_feeling": round(summary.mean_feeling, 2),
        "latest_ids": [o.pk for o in summary.latest],
    }


@router.get("/journeys/{journey_id}/export", auth=OrgAccess(Role.ANALYST, write=False))
def journey_export(
    request: HttpRequest, journey_id: int, filters: Query[MapFilter], format: str = "csv"
) -> Any:
    """The journey's responses with their analysis as CSV (default) or XLSX; the same
    file as the web export, and recorded in the audit log."""
    if format not in ("csv", "xlsx"):
        raise ValidationError({"format": ["Choose csv or xlsx."]})
    chosen = _filters(filters)
    catch_up()
    actor = actor_of(request)
    journey = get_journey(actor.organisation, journey_id)
    return download(actor, journey, chosen, format, asked=request.GET.dict())


def _staff(report: staff.Report) -> dict:
    names = {p.user_id: p.name for p in report.people}
    return {
        "team": {"id": report.team.pk, "name": report.team.name} if report.team else None,
        "min_n": report.min_n,
        "detail_month": report.detail.key,
        "months": [
            {
                "month": month.key,
                **({"team": month.slices[staff.TOTAL].as_dict()} if report.with_total else {}),
                "people": [
                    {"user_id": key, "name": names[key], **piece.as_dict()}
                    for key, piece in month.slices.items()
                    if key != staff.TOTAL
                ],
            }
            for month in report.months
        ],
    }


@router.get("/teams/{team_id}/feedback", auth=OrgAccess(Role.VIEWER, write=False))
def team_feedback(request: HttpRequest, team_id: int, month: str = "") -> Any:
    """What customers told a team, by completed calendar month: the team's figures
    (for its members, its leads, and analysts and above; 404 for anyone else) and each
    member's (for that member and the team's leads). A slice under the anonymity
    threshold, or one from which a hidden slice could be worked out, is
    `{"shown": false}` and nothing else. Themes and comments are given for `month`
    (YYYY-MM; the latest by default)."""
    actor = actor_of(request)
    team = Team.objects.filter(organisation=actor.organisation, pk=team_id).first()
    if team is None:
        raise HttpError(404, "No such team.")
    catch_up()
    try:
        found = staff.team_report(
            team, actor, today=timezone.localdate(), month=month, language=_lang(request)
        )
    except staff.NotAllowed:
        # As if there were no such team: whose feedback exists is not for everyone.
        raise HttpError(404, "No such team.") from None
    return _staff(found)


@router.get("/me/feedback", auth=OrgAccess(Role.VIEWER, write=False))
def my_feedback(request: HttpRequest, month: str = "") -> Any:
    """What customers told the signed-in person, team by team, behind the same
    threshold. An API key is not a person, so it gets 403."""
    actor = actor_of(request)
    if actor.user is None:
        raise HttpError(403, "Sign in: an API key is not a person.")
    catch_up()
    found = staff.my_reports(
        actor, today=timezone.localdate(), month=month, language=_lang(request)
    )
    return {"reports": [_staff(r) for r in found]}


def _lang(request: HttpRequest) -> str:
    return request.GET.get("lang", "fi")[:2]
