"""Presenting the map's numbers: a colour band for a valence, percentages, and a
trend line drawn as SVG (readable without JavaScript, with a table beside it)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from kaiku.surveys.models import Emotion

register = template.Library()

OUTCOMES = {
    "overall": _("overall satisfaction"),
    "nps": _("likelihood to recommend (NPS)"),
    "csat": _("satisfaction (CSAT)"),
}
PREDICTORS = {
    "effectiveness": _("Effectiveness"),
    "ease": _("Ease"),
    "valence": _("Emotion"),
    "peak": _("The peak (most intense moment)"),
    "end": _("The end"),
    "mean": _("The average of the journey"),
}

# Five bands of a diverging scale read the same by people with the common colour
# vision differences (ColorBrewer PuOr); the band's name is also written out.
BANDS = ((-0.5, "very-negative"), (-0.15, "negative"), (0.15, "neutral"), (0.5, "positive"))
SPARK_WIDTH, SPARK_HEIGHT = 120, 28


@register.filter
def valence_band(value: float | str | None) -> str:
    # A summary without a valence (no feelings asked or told) reaches here as "".
    if not isinstance(value, int | float):
        return "unknown"
    for upper, band in BANDS:
        if value < upper:
            return band
    return "very-positive"


@register.filter
def percent(value: float | str | None) -> str:
    return f"{100 * value:.0f} %" if isinstance(value, int | float) else "–"


@register.filter
def signed(value: float | str | None, digits: int = 2) -> str:
    if not isinstance(value, int | float):
        return "–"
    return f"{value:+.{digits}f}".replace("-", "−")


@register.filter
def outcome_name(key: str) -> str:
    return str(OUTCOMES.get(key, key))


@register.filter
def predictor_name(key: str) -> str:
    return str(PREDICTORS.get(key, key))


@register.filter
def emotion_name(key: str) -> str:
    return str(Emotion(key).label) if key in Emotion.values else key


@register.simple_tag
def sparkline(trend: list) -> SafeString:
    """Weekly mean valence, −1 at the bottom and +1 at the top; weeks without
    answers leave a gap."""
    if not trend:
        return SafeString("")
    step = SPARK_WIDTH / max(1, len(trend) - 1)
    segments: list[list[str]] = [[]]
    for i, (_week, value, _n) in enumerate(trend):
        if value is None:
            segments.append([])
            continue
        y = (1 - value) / 2 * SPARK_HEIGHT
        segments[-1].append(f"{i * step:.1f},{y:.1f}")
    lines = format_html_join(
        "",
        '<polyline points="{}" fill="none" stroke="currentColor" stroke-width="1.5"/>',
        ((" ".join(points),) for points in segments if len(points) > 1),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="1.8" fill="currentColor"/>',
        (tuple(points[0].split(",")) for points in segments if len(points) == 1),
    )
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {} {}" width="{}" height="{}" aria-hidden="true">'
        '<line x1="0" y1="{}" x2="{}" y2="{}" class="zero"/>{}{}</svg>',
        SPARK_WIDTH,
        SPARK_HEIGHT,
        SPARK_WIDTH,
        SPARK_HEIGHT,
        SPARK_HEIGHT / 2,
        SPARK_WIDTH,
        SPARK_HEIGHT / 2,
        lines,
        dots,
    )


@register.filter
def get_item(mapping: dict, key: object) -> object:
    """mapping[key], or nothing (for dicts keyed by id in templates)."""
    return mapping.get(key, ()) if mapping else ()
