"""Each team's employee experience next to the same team's customer experience, month
by month, and how the two move together across teams and months.

Both sides are read behind their own threshold (the pulse's slices, and customer
feedback per team), so a point exists only where both may be shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from scipy import stats as scipy_stats

from kaiku.analytics.selectors import Summary
from kaiku.analytics.staff import completed_months, team_months
from kaiku.analytics.stats import Estimate
from kaiku.organisations.models import Team
from kaiku.people.selectors import PulseReport, pulse_report
from kaiku.surveys.models import QuestionKind, Survey

MIN_POINTS = 4  # Fisher's interval needs n > 3


@dataclass
class TeamMonth:
    month: str
    employee: Estimate | None  # the chosen pulse measure, None where hidden or none
    customer: Summary  # n only, where under the threshold


@dataclass
class Correlation:
    r: float
    low: float
    high: float
    points: int
    teams: int
    p_value: float


@dataclass
class TeamView:
    survey: Survey
    measure: str
    pulse: PulseReport
    rows: dict[int, list[TeamMonth]]  # team id → months, oldest first
    correlation: Correlation | None
    points: list[tuple[str, str, float, float]]  # team, month, employee, customer valence


def team_view(
    survey: Survey, teams: list[Team], *, today: date, measure: str = "", language: str = "fi"
) -> TeamView:
    pulse = pulse_report(survey, teams, today=today, language=language)
    measure = measure if measure in pulse.kinds else _default_measure(pulse.kinds)
    by_key = {month.key: month for month in pulse.months}
    periods = [p for p in completed_months(today) if p[0].strftime("%Y-%m") in by_key]
    rows: dict[int, list[TeamMonth]] = {}
    points = []
    for team in teams:
        customer = team_months(team, periods) if periods else []
        rows[team.pk] = []
        for (start, _end), summary in zip(periods, customer, strict=True):
            key = start.strftime("%Y-%m")
            cell = by_key[key].cells.get(team.pk)
            employee = cell.measures.get(measure) if cell and cell.shown else None
            rows[team.pk].append(TeamMonth(key, employee, summary))
            if employee is not None and summary.enough and summary.valence is not None:
                points.append((team.name, key, employee.value, summary.valence.value))
    return TeamView(survey, measure, pulse, rows, correlate(points), points)


def _default_measure(kinds: list[str]) -> str:
    for preferred in (QuestionKind.WELLBEING, QuestionKind.ENPS):
        if preferred in kinds:
            return preferred
    return kinds[0] if kinds else ""


def correlate(points: list[tuple[str, str, float, float]]) -> Correlation | None:
    """Pearson's r over team-months with a 95% interval (Fisher's z). The months of
    one team are not independent, so the interval is, if anything, too narrow: the
    page says so."""
    if len(points) < MIN_POINTS:
        return None
    xs = [p[2] for p in points]
    ys = [p[3] for p in points]
    if len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    result = scipy_stats.pearsonr(xs, ys)
    r = float(result.statistic)
    z = math.atanh(max(-0.999999, min(0.999999, r)))
    half = 1.959964 / math.sqrt(len(points) - 3)
    return Correlation(
        r=r,
        low=math.tanh(z - half),
        high=math.tanh(z + half),
        points=len(points),
        teams=len({p[0] for p in points}),
        p_value=float(result.pvalue),
    )
