"""Reads for the pain points of a journey: its touchpoints ranked by how much they
hurt — how many responses were negative, how negative they were, and how much
emotion drives the outcome in this journey's data.

    impact = negative responses × their mean negativity × emotion's share of R²

Negativity is −valence of the negative responses (0…1); emotion's share comes from
the drivers (the point estimate, without intervals, to keep the page fast). Where
the journey has no outcome to weigh by, the weight is 1 and the ranking stands on
volume and negativity alone.

Beside the customers' feedback stand the observations of staff walkthroughs ("with
new customer's glasses") at the same touchpoints, in the same period: they are not
in the ranking (a walker is not a customer), but a touchpoint they found wanting is
listed even where the feedback is quiet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db.models import Sum

from kaiku.analytics import stats
from kaiku.analytics.drivers import PREDICTORS, SAMPLE, facts_of, outcome_of
from kaiku.analytics.models import ThemeDay, TouchpointDay
from kaiku.analytics.selectors import FEELING_SUMS, Filters, minimum_n, sums_by
from kaiku.journeys.models import Journey, Stage, Touchpoint
from kaiku.journeys.selectors import journey_with_structure
from kaiku.organisations.models import Organisation
from kaiku.textanalysis import engine
from kaiku.walkthroughs.selectors import ObservationSummary, observations_by_touchpoint

TOP_THEMES = 3


@dataclass
class PainTheme:
    key: str
    name: str
    negative: int


@dataclass
class PainPoint:
    touchpoint: Touchpoint
    stage: Stage
    responses: int
    negative: int
    negativity: float  # mean −valence of the negative responses
    impact: float
    themes: list[PainTheme] = field(default_factory=list)
    observations: ObservationSummary | None = None  # from walkthroughs


@dataclass
class ObservedTouchpoint:
    touchpoint: Touchpoint
    stage: Stage
    observations: ObservationSummary


@dataclass
class PainPoints:
    weight: float  # emotion's share of what drives the outcome; 1 without an outcome
    outcome: str | None
    points: list[PainPoint]
    # Touchpoints with walkthrough observations, the most serious first.
    observed: list[ObservedTouchpoint] = field(default_factory=list)


def pain_points(
    organisation: Organisation, journey_id: int, filters: Filters, language: str = "fi"
) -> PainPoints:
    journey = journey_with_structure(organisation, journey_id)
    cells = filters.apply(
        TouchpointDay.objects.filter(organisation_id=organisation.pk, journey_id=journey.pk)
    )
    sums = sums_by(cells, "touchpoint_id", FEELING_SUMS)
    outcome = outcome_of(organisation, journey, filters)
    weight = _emotion_weight(organisation, journey, filters, outcome)
    themes = _negative_themes(organisation, journey.pk, filters, language)
    seen = observations_by_touchpoint(organisation, journey, start=filters.start, end=filters.end)
    points = []
    observed = []
    for stage in journey.active_stages:  # type: ignore[attr-defined]
        for touchpoint in stage.active_touchpoints:
            if touchpoint.pk in seen:
                observed.append(ObservedTouchpoint(touchpoint, stage, seen[touchpoint.pk]))
            found = sums.get(touchpoint.pk)
            if not found or found["responses"] < minimum_n() or not found["negative"]:
                continue
            negative = int(found["negative"])
            negativity = found["negative_weight"] / negative
            points.append(
                PainPoint(
                    touchpoint=touchpoint,
                    stage=stage,
                    responses=int(found["responses"]),
                    negative=negative,
                    negativity=negativity,
                    impact=negative * negativity * weight,
                    themes=themes.get(touchpoint.pk, []),
                    observations=seen.get(touchpoint.pk),
                )
            )
    points.sort(key=lambda p: -p.impact)
    observed.sort(key=lambda o: (-o.observations.worst_severity, o.observations.mean_feeling))
    return PainPoints(weight=weight, outcome=outcome, points=points, observed=observed)


def _emotion_weight(
    organisation: Organisation, journey: Journey, filters: Filters, outcome: str | None
) -> float:
    if outcome is None:
        return 1.0
    columns = [*PREDICTORS, outcome]
    rows = list(
        facts_of(organisation, journey, filters)
        .filter(**{f"{c}__isnull": False for c in columns})
        .order_by("-day", "-response_id")
        .values_list(*columns)[:SAMPLE]
    )
    found = stats.drivers(np.array(rows, dtype=float), columns, resamples=0) if rows else None
    return found.shares["valence"].value if found else 1.0


def _negative_themes(
    organisation: Organisation, journey_id: int, filters: Filters, language: str
) -> dict[int, list[PainTheme]]:
    rows = (
        filters.apply(
            ThemeDay.objects.filter(organisation_id=organisation.pk, journey_id=journey_id)
        )
        .values("touchpoint_id", "theme")
        .annotate(negative=Sum("negative"))
        .filter(negative__gt=0)
        .order_by("touchpoint_id", "-negative", "theme")
    )
    taxonomy = engine.taxonomy_for(organisation.pk)
    found: dict[int, list[PainTheme]] = {}
    for row in rows:
        listed = found.setdefault(row["touchpoint_id"], [])
        if len(listed) < TOP_THEMES:
            listed.append(
                PainTheme(row["theme"], taxonomy.name(row["theme"], language), row["negative"])
            )
    return found
