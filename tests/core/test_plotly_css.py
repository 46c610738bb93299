"""Plotly's style rules ship as a static file, since the Content Security Policy
refuses the <style> element plotly.min.js would inject; they must match the installed
plotly, or an upgrade could quietly break every chart's layout."""

from __future__ import annotations

import re
from pathlib import Path

import plotly

import kaiku

SHIPPED = Path(kaiku.__file__).parent / "core" / "static" / "kaiku" / "plotly.css"


def _rules_in_plotly() -> dict[str, str]:
    source = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text()
    start = source.rfind("{", 0, source.index('"X,X div":'))
    depth, end = 0, start
    for end in range(start, len(source)):
        depth += {"{": 1, "}": -1}.get(source[end], 0)
        if depth == 0:
            break
    pairs = re.findall(
        r'"((?:[^"\\]|\\.)*)":(?:"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\')',
        source[start + 1 : end],
    )
    return {
        re.sub(r"^,", " ,", key)
        .replace("X", ".js-plotly-plot .plotly")
        .replace("Y", ".plotly-notifier"): double or single
        for key, double, single in pairs
    }


def test_the_shipped_rules_are_plotlys_own() -> None:
    expected = _rules_in_plotly()
    assert ".js-plotly-plot .plotly .main-svg" in expected
    shipped = dict(re.findall(r"^(.+?) \{ (.*) \}$", SHIPPED.read_text(), re.MULTILINE))
    assert shipped == expected


def test_every_chart_page_links_the_rules() -> None:
    templates = Path(kaiku.__file__).parent
    for template in templates.rglob("*.html"):
        text = template.read_text()
        if "vendor/plotly.min.js" in text:
            assert "kaiku/plotly.css" in text, template
