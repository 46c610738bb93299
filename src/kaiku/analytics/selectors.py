"""Reads for the dashboards: the journey emotion map, from the rollups.

Every figure on the map is worked out from sums (see stats.py), so a touchpoint,
a stage and the whole journey are summarised the same way, and a summary made
from the rollups is the one the responses themselves would give (a test holds
the two together).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet, Sum

from kaiku.analytics import stats
from kaiku.analytics.models import (
    EMOTION_FIELDS,
    StageDay,
    ThemeDay,
    TouchpointDay,
)
from kaiku.journeys.models import Journey, Stage, Touchpoint
from kaiku.journeys.selectors import journey_with_structure
from kaiku.organisations.models import Organisation
from kaiku.textanalysis import engine
from kaiku.textanalysis.models import TextTheme

SCORE_MEANS = ("csat", "ease", "effectiveness", "overall")
TOUCHPOINT_SUMS = tuple(
    f.name
    for f in TouchpointDay._meta.fields
    if f.get_internal_type() in {"IntegerField", "FloatField"} and not f.name.endswith("_id")
)
FEELING_SUMS = (
    "responses",
    "valence_n",
    "valence_sum",
    "valence_sumsq",
    "negative",
    "negative_weight",
)
TOP_THEMES = 3
TREND_WEEKS = 12
QUOTES_SECONDS = 300


def minimum_n() -> int:
    return settings.KAIKU_MIN_N


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    segment_id: int | None = None
    channel: str = ""
    team_id: int | None = None
    language: str = ""

    def lookups(self, prefix: str = "") -> dict[str, object]:
        """Filter arguments for rollup cells, or (with prefix "fact__") for rows
        that hang on a response's fact."""
        found: dict[str, object] = {
            "day__gte": self.start,
            "day__lte": self.end,
            "segment_id": self.segment_id,
            "channel": self.channel,
            "team_id": self.team_id,
            "language": self.language,
        }
        return {prefix + key: value for key, value in found.items() if value}

    def apply(self, cells: QuerySet) -> QuerySet:
        return cells.filter(**self.lookups())


@dataclass
class Theme:
    key: str
    name: str
    responses: int
    negative: stats.Estimate | None
    valence: stats.Estimate | None
    quotes: list[str] = field(default_factory=list)


@dataclass
class Summary:
    """What the map says about a touchpoint, a stage or the journey."""

    n: int
    enough: bool
    valence: stats.Estimate | None = None
    negative: stats.Estimate | None = None
    nps: stats.Estimate | None = None
    scores: dict[str, stats.Estimate | None] = field(default_factory=dict)
    emotions: list[tuple[str, float]] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    trend: list[tuple[date, float | None, int]] = field(default_factory=list)

    def as_dict(self) -> dict:
        def est(e: stats.Estimate | None) -> dict | None:
            return e.as_dict() if e is not None else None

        return {
            "n": self.n,
            "enough": self.enough,
            "valence": est(self.valence),
            "negative_share": est(self.negative),
            "nps": est(self.nps),
            "scores": {k: est(v) for k, v in self.scores.items()},
            "emotions": [{"emotion": e, "share": round(s, 3)} for e, s in self.emotions],
            "themes": [
                {
                    "theme": t.key,
                    "name": t.name,
                    "responses": t.responses,
                    "negative_share": est(t.negative),
                    "valence": est(t.valence),
                    "quotes": t.quotes,
                }
                for t in self.themes
            ],
            "trend": [
                {"week": w.isoformat(), "valence": None if v is None else round(v, 3), "n": n}
                for w, v, n in self.trend
            ],
        }


def summarise(sums: Mapping[str, float], min_n: int) -> Summary:
    """A summary from a rollup's sums. Below `min_n` responses only n is told: a
    colour painted from three answers would be a guess dressed as a finding."""
    n = int(sums.get("responses", 0))
    if n < min_n:
        return Summary(n=n, enough=False)
    summary = Summary(
        n=n,
        enough=True,
        valence=stats.mean_ci(int(sums["valence_n"]), sums["valence_sum"], sums["valence_sumsq"]),
        negative=stats.share_ci(int(sums["negative"]), n),
    )
    if "nps_n" in sums:
        summary.nps = stats.nps_ci(
            int(sums["nps_promoters"]), int(sums["nps_detractors"]), int(sums["nps_n"])
        )
        summary.scores = {
            score: stats.mean_ci(
                int(sums[f"{score}_n"]), sums[f"{score}_sum"], sums[f"{score}_sumsq"]
            )
            for score in SCORE_MEANS
        }
        felt = sum(int(sums[e]) for e in EMOTION_FIELDS)
        if felt:
            summary.emotions = sorted(
                ((e, int(sums[e]) / felt) for e in EMOTION_FIELDS if sums[e]),
                key=lambda pair: -pair[1],
            )
    return summary


@dataclass
class TouchpointRow:
    touchpoint: Touchpoint
    summary: Summary


@dataclass
class StageColumn:
    stage: Stage
    summary: Summary
    curve: Summary  # the journey-curve answers for this stage
    touchpoints: list[TouchpointRow]


@dataclass
class JourneyMap:
    journey: Journey
    filters: Filters
    min_n: int
    total: Summary
    stages: list[StageColumn]
    unattributed: Summary  # responses that named no touchpoint


def journey_map(
    organisation: Organisation, journey_id: int, filters: Filters, language: str = "fi"
) -> JourneyMap:
    """The map of one journey; theme names in `language`."""
    journey = journey_with_structure(organisation, journey_id)
    min_n = minimum_n()
    cells = filters.apply(
        TouchpointDay.objects.filter(organisation_id=organisation.pk, journey_id=journey.pk)
    )
    by_touchpoint = sums_by(cells, "touchpoint_id", TOUCHPOINT_SUMS)
    themes = _themes(organisation, journey, filters, language)
    trend = _trend(cells, filters)
    curve_cells = StageDay.objects.filter(organisation_id=organisation.pk, journey_id=journey.pk)
    curve = sums_by(filters.apply(curve_cells), "stage_id", FEELING_SUMS)
    stages = []
    for stage in journey.active_stages:  # type: ignore[attr-defined]
        rows = []
        for touchpoint in stage.active_touchpoints:
            summary = summarise(by_touchpoint.get(touchpoint.pk, {}), min_n)
            if summary.enough:
                summary.themes = themes.get(touchpoint.pk, [])
                summary.trend = trend.get(touchpoint.pk, [])
            rows.append(TouchpointRow(touchpoint, summary))
        stage_sums = add_sums(by_touchpoint.get(t.pk, {}) for t in stage.active_touchpoints)
        stages.append(
            StageColumn(
                stage=stage,
                summary=summarise(stage_sums, min_n),
                curve=summarise(curve.get(stage.pk, {}), min_n),
                touchpoints=rows,
            )
        )
    return JourneyMap(
        journey=journey,
        filters=filters,
        min_n=min_n,
        total=summarise(add_sums(by_touchpoint.values()), min_n),
        stages=stages,
        unattributed=summarise(by_touchpoint.get(0, {}), min_n),
    )


def sums_by(cells: QuerySet, key: str, columns: Iterable[str]) -> dict[int, dict[str, float]]:
    rows = cells.values(key).annotate(**{f"s_{c}": Sum(c) for c in columns})
    return {row[key]: {c: row[f"s_{c}"] or 0 for c in columns} for row in rows.order_by(key)}


def add_sums(many: Iterable[Mapping[str, float]]) -> dict[str, float]:
    total: dict[str, float] = defaultdict(float)
    for sums in many:
        for column, value in sums.items():
            total[column] += value
    return dict(total)


def _themes(
    organisation: Organisation, journey: Journey, filters: Filters, language: str
) -> dict[int, list[Theme]]:
    taxonomy = engine.taxonomy_for(organisation.pk)
    cells = filters.apply(
        ThemeDay.objects.filter(organisation_id=organisation.pk, journey_id=journey.pk)
    )
    sums = cells.values("touchpoint_id", "theme").annotate(
        **{f"s_{c}": Sum(c) for c in FEELING_SUMS}
    )
    found: dict[int, list[Theme]] = defaultdict(list)
    for row in sums:
        n = row["s_responses"] or 0
        if n <= 0:
            continue
        found[row["touchpoint_id"]].append(
            Theme(
                key=row["theme"],
                name=taxonomy.name(row["theme"], language),
                responses=n,
                negative=stats.share_ci(row["s_negative"], n),
                valence=stats.mean_ci(
                    row["s_valence_n"], row["s_valence_sum"], row["s_valence_sumsq"]
                ),
            )
        )
    for touchpoint_id, themes in found.items():
        themes.sort(key=lambda t: (-t.responses, t.key))
        del themes[TOP_THEMES:]
        _add_quotes(organisation, touchpoint_id, themes, filters)
    return found


def _add_quotes(
    organisation: Organisation, touchpoint_id: int, themes: list[Theme], filters: Filters
) -> None:
    """The latest comment for each theme, as redacted by the analysis. Examples are
    remembered for QUOTES_SECONDS: they illustrate, and finding them costs more than
    all the figures on the map together; the figures themselves are always live."""
    keys = [t.key for t in themes]
    chosen = hashlib.sha256(repr((filters, keys)).encode()).hexdigest()[:16]
    cache_key = f"kaiku:quotes:{organisation.pk}:{touchpoint_id}:{chosen}"
    quotes = cache.get(cache_key)
    if quotes is None:
        quotes = _latest_quotes(organisation, touchpoint_id, keys, filters)
        cache.set(cache_key, quotes, QUOTES_SECONDS)
    for theme in themes:
        if theme.key in quotes:
            theme.quotes = [_short(quotes[theme.key])]


def _latest_quotes(
    organisation: Organisation, touchpoint_id: int, keys: list[str], filters: Filters
) -> dict[str, str]:
    fact = "analysis__response__fact__"
    rows = (
        TextTheme.objects.filter(
            key__in=keys,
            **{f"{fact}organisation_id": organisation.pk, f"{fact}touchpoint_id": touchpoint_id},
            **filters.lookups(fact),
        )
        .order_by(f"-{fact}day", "-analysis_id")
        .values_list("key", "analysis__text")
    )
    quotes: dict[str, str] = {}
    for key, text in rows[: 20 * len(keys)]:
        quotes.setdefault(key, text)
        if len(quotes) == len(keys):
            break
    return quotes


def _short(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _trend(cells: QuerySet, filters: Filters) -> dict[int, list[tuple[date, float | None, int]]]:
    """Mean valence per week over the last TREND_WEEKS weeks of the period."""
    days = cells.values("touchpoint_id", "day").annotate(
        n=Sum("valence_n"), total=Sum("valence_sum")
    )
    rows = list(days)
    if not rows:
        return {}
    last = filters.end or max(row["day"] for row in rows)
    first_week = _monday(last) - timedelta(weeks=TREND_WEEKS - 1)
    weekly: dict[int, dict[date, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0, 0.0]))
    for row in rows:
        week = _monday(row["day"])
        if week < first_week or row["day"] > last:
            continue
        bucket = weekly[row["touchpoint_id"]][week]
        bucket[0] += row["n"] or 0
        bucket[1] += row["total"] or 0.0
    weeks = [first_week + timedelta(weeks=i) for i in range(TREND_WEEKS)]
    return {
        touchpoint_id: [
            (w, (b[1] / b[0]) if (b := buckets.get(w)) and b[0] else None, int(b[0]) if b else 0)
            for w in weeks
        ]
        for touchpoint_id, buckets in weekly.items()
    }


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
