"""The team chart: a team named with markup reaches Plotly as text."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

from kaiku.people.charts import team_chart
from kaiku.people.teams import TeamView


def test_a_team_named_with_markup_is_a_legend_entry_of_text() -> None:
    view = cast(TeamView, SimpleNamespace(points=[("<b>Tiimi</b> & <br>", "2026-11", 3.5, 0.2)]))
    chart = team_chart(view, "Hyvinvointi")
    assert chart is not None
    (team,) = chart["data"]
    assert team["name"] == "&lt;b&gt;Tiimi&lt;/b&gt; &amp; &lt;br&gt;"
    assert team["text"] == ["2026-11"]
