"""Reads for the "why" panels of a journey: what drives the outcome (effectiveness,
ease and emotion; and the themes people wrote about), and peak-end (whether the
most intense moment and the last one weigh more than the average).

Both work on response facts. Drivers take the latest SAMPLE complete responses of
the period and peak-end the latest PATHS respondent journeys, so that a page stays
fast on millions of responses; the n used is always shown.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum

from kaiku.analytics import stats
from kaiku.analytics.models import ResponseCurve, ResponseFact, ThemeDay, TouchpointDay
from kaiku.analytics.selectors import Filters
from kaiku.journeys.models import Journey, Stage, Touchpoint
from kaiku.journeys.selectors import journey as get_journey
from kaiku.organisations.models import Organisation
from kaiku.textanalysis import engine

SAMPLE = 5_000
# The panels are remembered until the organisation's facts change, or this long at
# most (with a cache per process, another process's change is not seen before).
PANEL_SECONDS = 120
# Peak-end reads every point of every path; fewer paths keep the page as quick.
PATHS = 1_000
PREDICTORS = ("effectiveness", "ease", "valence")
# The outcome a journey's drivers explain: the first of these its responses have.
OUTCOMES = ("overall", "nps", "csat")
# Outcomes on one scale, 0…1, so that peak-end can pool them.
SCALES = {"overall": (1, 5), "csat": (1, 5), "nps": (0, 10)}
THEME_MIN_N = 10


def facts_of(
    organisation: Organisation, journey: Journey, filters: Filters
) -> QuerySet[ResponseFact]:
    return ResponseFact.objects.filter(
        organisation=organisation, journey_id=journey.pk, **filters.lookups()
    )


def _cells(organisation: Organisation, journey: Journey, filters: Filters) -> QuerySet:
    return filters.apply(
        TouchpointDay.objects.filter(organisation_id=organisation.pk, journey_id=journey.pk)
    )


def outcome_of(organisation: Organisation, journey: Journey, filters: Filters) -> str | None:
    return _outcome_and_totals(organisation, journey, filters)[0]


def _outcome_and_totals(
    organisation: Organisation, journey: Journey, filters: Filters
) -> tuple[str | None, dict[str, float]]:
    """The outcome the journey's responses have first, with its n, sum and sum of
    squares over the period, in one pass over the rollup."""
    sums = _cells(organisation, journey, filters).aggregate(
        **{
            f"{name}_{part}": Sum(f"{name}_{part}")
            for name in OUTCOMES
            for part in ("n", "sum", "sumsq")
        }
    )
    for name in OUTCOMES:
        if sums[f"{name}_n"]:
            return name, {
                "n": sums[f"{name}_n"],
                "s": sums[f"{name}_sum"],
                "q": sums[f"{name}_sumsq"],
            }
    return None, {}


# Drivers ------------------------------------------------------------------------


@dataclass
class ThemeDriver:
    key: str
    name: str
    mentions: int
    difference: stats.Estimate  # outcome with the theme minus without, in scale points
    impact: float  # difference × share of responses that mention it


@dataclass
class DriverPanel:
    outcome: str | None
    drivers: stats.Drivers | None
    themes: list[ThemeDriver] = field(default_factory=list)


def journey_drivers(
    organisation: Organisation, journey_id: int, filters: Filters, language: str = "fi"
) -> DriverPanel:
    journey = get_journey(organisation, journey_id)
    outcome, total = _outcome_and_totals(organisation, journey, filters)
    if outcome is None:
        return DriverPanel(outcome=None, drivers=None)
    columns = [*PREDICTORS, outcome]
    complete = facts_of(organisation, journey, filters).filter(
        **{f"{c}__isnull": False for c in columns}
    )
    rows = list(complete.order_by("-day", "-response_id").values_list(*columns)[:SAMPLE])
    found = stats.drivers(np.array(rows, dtype=float), columns) if rows else None
    return DriverPanel(
        outcome=outcome,
        drivers=found,
        themes=_theme_drivers(organisation, journey, filters, outcome, total, language),
    )


def _theme_drivers(
    organisation: Organisation,
    journey: Journey,
    filters: Filters,
    outcome: str,
    total: dict[str, float],
    language: str,
) -> list[ThemeDriver]:
    """Each theme's mean outcome against the other responses', with Welch's interval,
    from the rollups."""
    columns = {"n": f"{outcome}_n", "s": f"{outcome}_sum", "q": f"{outcome}_sumsq"}
    by_theme = (
        filters.apply(
            ThemeDay.objects.filter(organisation_id=organisation.pk, journey_id=journey.pk)
        )
        .values("theme")
        .annotate(**{k: Sum(c) for k, c in columns.items()})
        .order_by("theme")
    )
    taxonomy = engine.taxonomy_for(organisation.pk)
    found = []
    for row in by_theme:
        if row["n"] < THEME_MIN_N:
            continue
        rest = (total["n"] - row["n"], total["s"] - row["s"], total["q"] - row["q"])
        difference = stats.mean_difference((row["n"], row["s"], row["q"]), rest)
        if difference is None:
            continue
        found.append(
            ThemeDriver(
                key=row["theme"],
                name=taxonomy.name(row["theme"], language),
                mentions=row["n"],
                difference=difference,
                impact=difference.value * row["n"] / total["n"],
            )
        )
    return sorted(found, key=lambda t: t.impact)


def panels(
    organisation: Organisation, journey_id: int, filters: Filters, language: str = "fi"
) -> tuple[DriverPanel, PeakEndPanel]:
    """The drivers and peak-end panels, remembered: their bootstrap and regressions
    over thousands of responses cost more than everything else on the page, and do
    not move until new facts come in."""
    from kaiku.analytics.services import data_version

    chosen = hashlib.sha256(repr((filters, language)).encode()).hexdigest()[:16]
    version = data_version(organisation.pk)
    key = f"kaiku:panels:{organisation.pk}:{journey_id}:{chosen}:{version}"
    found = cache.get(key)
    if found is None:
        panel = journey_drivers(organisation, journey_id, filters, language=language)
        found = (panel, peak_end(organisation, journey_id, filters, outcome=panel.outcome))
        cache.set(key, found, PANEL_SECONDS)
    return found


# Peak-end -----------------------------------------------------------------------


@dataclass
class Moment:
    """A stage or touchpoint, and how often it held a negative peak or end."""

    name: str
    negative_peaks: int
    negative_ends: int


@dataclass
class PeakEndPanel:
    journeys: int  # respondent journeys used
    from_curves: int
    from_linked: int
    fit: stats.Fit | None
    mean_only_r2: float | None
    peak_end_r2: float | None
    moments: list[Moment] = field(default_factory=list)


@dataclass
class _Path:
    points: list[tuple[str, float]]  # (stage or touchpoint name, −1…1) in order
    outcome: float  # 0…1


def peak_end(
    organisation: Organisation, journey_id: int, filters: Filters, outcome: str | None = None
) -> PeakEndPanel:
    """Per respondent journey — one journey-curve answer, or one respondent's responses
    at several touchpoints — the peak (the most intense moment; the later one on a
    tie), the end and the mean; overall satisfaction (or NPS, or CSAT, scaled to
    0…1) regressed on them, standardised."""
    journey = get_journey(organisation, journey_id)
    outcome = outcome or outcome_of(organisation, journey, filters)
    if outcome is None:
        return PeakEndPanel(0, 0, 0, None, None, None)
    curves = _curve_paths(organisation, journey, filters, outcome)
    linked = _linked_paths(organisation, journey, filters, outcome)
    paths = curves + linked
    if not paths:
        return PeakEndPanel(0, 0, 0, None, None, None)
    rows = []
    moments: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path in paths:
        values = [v for _, v in path.points]
        peak_at = max(range(len(values)), key=lambda i: (abs(values[i]), i))
        rows.append((values[peak_at], values[-1], sum(values) / len(values), path.outcome))
        if values[peak_at] < 0:
            moments[path.points[peak_at][0]][0] += 1
        if values[-1] < 0:
            moments[path.points[-1][0]][1] += 1
    data = np.array(rows, dtype=float)
    fit = stats.standardised_ols(data, ["peak", "end", "mean", "outcome"])
    mean_only = stats.standardised_ols(data[:, [2, 3]], ["mean", "outcome"])
    peak_and_end = stats.standardised_ols(data[:, [0, 1, 3]], ["peak", "end", "outcome"])
    return PeakEndPanel(
        journeys=len(paths),
        from_curves=len(curves),
        from_linked=len(linked),
        fit=fit,
        mean_only_r2=mean_only.r2 if mean_only else None,
        peak_end_r2=peak_and_end.r2 if peak_and_end else None,
        moments=sorted(
            (Moment(name, peaks, ends) for name, (peaks, ends) in moments.items()),
            key=lambda m: -(m.negative_peaks + m.negative_ends),
        )[:5],
    )


def _scaled(value: float, outcome: str) -> float:
    low, high = SCALES[outcome]
    return (value - low) / (high - low)


def _curve_paths(
    organisation: Organisation, journey: Journey, filters: Filters, outcome: str
) -> list[_Path]:
    """The latest SAMPLE journey-curve answers, read in one pass newest first."""
    stages = {s.pk: (s.position or 0, s.name) for s in Stage.objects.filter(journey=journey)}
    fact = "fact__"
    points = (
        ResponseCurve.objects.filter(
            **{f"{fact}organisation_id": organisation.pk, f"{fact}journey_id": journey.pk},
            **{f"{fact}{outcome}__isnull": False},
            **filters.lookups(fact),
        )
        .order_by(f"-{fact}day", "-fact_id")
        .values_list("fact_id", "stage_id", "score", f"{fact}{outcome}")
    )
    limit = PATHS * max(1, len(stages))
    rows = list(points[:limit])
    if len(rows) == limit:
        cut = rows[-1][0]  # the limit may have cut this answer's points short
        rows = [row for row in rows if row[0] != cut]
    found: dict[int, list[tuple[int, str, float]]] = defaultdict(list)
    scores: dict[int, float] = {}
    for response_id, stage_id, score, value in rows:
        position, name = stages.get(stage_id, (0, ""))
        found[response_id].append((position, name, score / 3))
        scores[response_id] = value
    return [
        _Path(
            [(name, v) for _, name, v in sorted(path, key=itemgetter(0))],
            _scaled(scores[rid], outcome),
        )
        for rid, path in found.items()
        if len(path) >= 2
    ]


def _linked_paths(
    organisation: Organisation, journey: Journey, filters: Filters, outcome: str
) -> list[_Path]:
    """Respondents who answered at two or more touchpoints of the journey: each
    response's valence in the order the experiences happened; the outcome is the
    last response's."""
    linked = (
        facts_of(organisation, journey, filters)
        .exclude(respondent_id=0)
        .values("respondent_id")
        .annotate(n=Count("pk", filter=Q(valence__isnull=False)))
        .filter(n__gte=2)
        .order_by("-respondent_id")
        .values_list("respondent_id", flat=True)[:PATHS]
    )
    names = dict(Touchpoint.objects.filter(stage__journey=journey).values_list("pk", "name"))
    visits: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        facts_of(organisation, journey, filters)
        .filter(respondent_id__in=list(linked), valence__isnull=False)
        .values_list("respondent_id", "day", "response_id", "touchpoint_id", "valence", outcome)
    ):
        visits[row[0]].append(row[1:])
    paths = []
    for found in visits.values():
        found.sort()
        last_outcome = found[-1][-1]
        if last_outcome is None:
            continue
        paths.append(
            _Path(
                [(names.get(tp, "–"), valence) for _, _, tp, valence, _ in found],
                _scaled(last_outcome, outcome),
            )
        )
    return paths
