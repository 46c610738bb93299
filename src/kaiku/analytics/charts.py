"""Plotly figure specs for the dashboards, as plain dicts that the page hands to
Plotly.newPlot (static/kaiku/charts.js). Every chart has its numbers in a table or
text next to it; the chart is the quick read, not the only one."""

from __future__ import annotations

import html

from django.utils.translation import gettext as _

from kaiku.analytics.drivers import DriverPanel
from kaiku.analytics.selectors import JourneyMap
from kaiku.analytics.staff import TOTAL, Report
from kaiku.analytics.templatetags.analytics import PREDICTORS, valence_band

# ColorBrewer PuOr, read alike by people with the common colour-vision differences.
BAND_COLOURS = {
    "very-negative": "#b35806",
    "negative": "#e08214",
    "neutral": "#8c96a0",
    "positive": "#8073ac",
    "very-positive": "#542788",
    "unknown": "#c5ccd3",
}
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif", "size": 13}


def plotly_text(text: object) -> str:
    """A name as Plotly should show it. Plotly reads a few HTML tags in its texts
    (<a href>, <b>, <br>, <span style>...), so a stage, team or person named with
    markup would become a link or styled text in the chart; its <, > and & go in as
    the entities Plotly turns back into those characters."""
    return html.escape(str(text), quote=False)


def _layout(**extra: object) -> dict:
    return {
        "margin": {"l": 60, "r": 20, "t": 10, "b": 60},
        "font": FONT,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.25},
        **extra,
    }


def map_chart(found: JourneyMap) -> dict | None:
    """Mean valence per stage with its 95% interval; the journey curve beside it."""
    bars = [
        (c.stage.name, c.summary.valence)
        for c in found.stages
        if c.summary.enough and c.summary.valence is not None
    ]
    if not bars:
        return None
    data: list[dict] = [
        {
            "type": "bar",
            "name": _("Valence of the responses"),
            "x": [plotly_text(name) for name, _e in bars],
            "y": [round(e.value, 3) for _n, e in bars],
            "marker": {"color": [BAND_COLOURS[valence_band(e.value)] for _n, e in bars]},
            "error_y": {
                "type": "data",
                "symmetric": False,
                "array": [round(e.high - e.value, 3) for _n, e in bars],
                "arrayminus": [round(e.value - e.low, 3) for _n, e in bars],
                "color": "#1d2733",
            },
        }
    ]
    curve = [
        (c.stage.name, c.curve.valence)
        for c in found.stages
        if c.curve.enough and c.curve.valence is not None
    ]
    if curve:
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Journey curve"),
                "x": [plotly_text(name) for name, _e in curve],
                "y": [round(e.value, 3) for _n, e in curve],
                "line": {"color": "#0b5563", "dash": "dot"},
                "marker": {"symbol": "diamond", "size": 9},
            }
        )
    return {
        "data": data,
        "layout": _layout(
            height=320,
            yaxis={"range": [-1, 1], "title": {"text": _("valence")}, "zeroline": True},
        ),
    }


def drivers_chart(panel: DriverPanel) -> dict | None:
    """Each driver's share of what is explained, with its bootstrap interval."""
    if panel.drivers is None:
        return None
    shares = panel.drivers.shares
    names = list(shares)
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": _("Share of what is explained"),
                "y": [plotly_text(PREDICTORS[n]) for n in names],
                "x": [round(100 * shares[n].value, 1) for n in names],
                "marker": {"color": ["#8073ac", "#e08214", "#542788"][: len(names)]},
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [round(100 * (shares[n].high - shares[n].value), 1) for n in names],
                    "arrayminus": [
                        round(100 * (shares[n].value - shares[n].low), 1) for n in names
                    ],
                    "color": "#1d2733",
                },
            }
        ],
        "layout": _layout(
            height=220,
            showlegend=False,
            margin={"l": 120, "r": 20, "t": 10, "b": 40},
            xaxis={"range": [0, 100], "ticksuffix": " %"},
            yaxis={"autorange": "reversed"},  # the table's order, top down
        ),
    }


# Okabe–Ito: distinct for the common colour-vision differences, one per person.
LINE_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000"]


def staff_chart(found: Report) -> dict | None:
    """Mean valence month by month for each slice the viewer sees; a hidden month is
    a gap, never a guess."""
    lines = month_lines(
        [m.key for m in found.months],
        [
            (
                label,
                [
                    round(s.summary.valence.value, 3)
                    if (s := m.slices[key]).shown and s.summary and s.summary.valence
                    else None
                    for m in found.months
                ],
            )
            for label, key in _report_lines(found)
        ],
    )
    if not lines:
        return None
    return {
        "data": lines,
        "layout": _layout(
            height=300,
            yaxis={"range": [-1, 1], "title": {"text": _("valence")}, "zeroline": True},
            xaxis={"type": "category"},
        ),
    }


def _report_lines(found: Report) -> list[tuple[str, int]]:
    lines = [(_("The whole team"), TOTAL)] if found.with_total else []
    return lines + [(p.name, p.user_id) for p in found.people]


def month_lines(months: list[str], series: list[tuple[str, list[float | None]]]) -> list[dict]:
    """One line per named series over the months, each in its own colour; a series
    with no value at all is left out, and a missing month is a gap."""
    return [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": plotly_text(name),
            "x": months,
            "y": values,
            "line": {"color": LINE_COLOURS[index % len(LINE_COLOURS)]},
            "connectgaps": False,
        }
        for index, (name, values) in enumerate(series)
        if any(v is not None for v in values)
    ]


def chart_layout(**extra: object) -> dict:
    """The dashboards' common layout, for charts drawn elsewhere (the people pages)."""
    return _layout(**extra)
