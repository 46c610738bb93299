"""Plotly figure specs for the people pages; the same numbers are in the tables."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kaiku.analytics.charts import LINE_COLOURS, chart_layout, month_lines, plotly_text
from kaiku.people.selectors import ORGANISATION, PulseReport
from kaiku.people.teams import TeamView


def pulse_chart(report: PulseReport, measures: list[tuple[str, str]]) -> dict | None:
    """The organisation's measures month by month (eNPS apart: another scale); a hidden
    month is a gap, never a guess."""
    lines = month_lines(
        [m.key for m in report.months],
        [
            (
                name,
                [
                    round(v.value, 2)
                    if (v := month.cells[ORGANISATION].measures.get(kind))
                    else None
                    for month in report.months
                ],
            )
            for kind, name in measures
            if kind != "enps"
        ],
    )
    if not lines:
        return None
    return {
        "data": lines,
        "layout": chart_layout(
            height=300,
            yaxis={"range": [1, 5], "title": {"text": _("mean (1–5)")}},
            xaxis={"type": "category"},
        ),
    }


def team_chart(view: TeamView, measure_name: str) -> dict | None:
    """Each team-month where both sides may be shown: employee measure against the
    customers' mean valence."""
    if not view.points:
        return None
    teams = sorted({p[0] for p in view.points})
    data = []
    for index, team in enumerate(teams):
        mine = [p for p in view.points if p[0] == team]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": plotly_text(team),
                "x": [round(p[2], 2) for p in mine],
                "y": [round(p[3], 3) for p in mine],
                "text": [plotly_text(p[1]) for p in mine],
                "marker": {"size": 10, "color": LINE_COLOURS[index % len(LINE_COLOURS)]},
            }
        )
    return {
        "data": data,
        "layout": chart_layout(
            height=340,
            xaxis={"title": {"text": plotly_text(measure_name)}},
            yaxis={"range": [-1, 1], "title": {"text": _("customers' mean valence")}},
        ),
    }
