"""A response as the dashboards count it: its scores, how it felt (valence, the
negative mark, intensity, emotions), its themes and its journey curve, read from
the response, its answers, the respondent's emotion picks and the text analyses
(a person's correction wins over the model).

How a response's feeling is put together:
- the respondent's emotion picks give a valence: joy and trust count +intensity,
  anger, disgust, fear and sadness −intensity, the others 0, divided by the sum of
  intensities;
- each analysed comment gives its valence; a comment a person corrected takes the
  person's polarity, with the model's strength but at least MIN_CORRECTED;
- the response's valence is the mean of the two where both exist (the
  respondent's own word weighs as much as everything they wrote);
- it is negative when a comment reads negative or, without comments, when its
  valence is below NEGATIVE_BELOW.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from kaiku.analytics.models import EMOTION_FIELDS, SCORES
from kaiku.responses.models import Answer, CurvePoint, EmotionAnswer, Response
from kaiku.textanalysis.models import Correction, TextAnalysis, TextTheme

POSITIVE_EMOTIONS = {"joy", "trust"}
NEGATIVE_EMOTIONS = {"anger", "disgust", "fear", "sadness"}
MIN_CORRECTED = 0.3
NEGATIVE_BELOW = -0.2
CURVE_MAX = 3


@dataclass
class Fact:
    response_id: int
    organisation_id: int
    journey_id: int
    touchpoint_id: int
    day: date
    segment_id: int
    channel: str
    team_id: int
    served_by_id: int
    respondent_id: int
    language: str
    is_demo: bool
    scores: dict[str, int] = field(default_factory=dict)
    valence: float | None = None
    negative: bool = False
    intensity: float | None = None
    emotions: set[str] = field(default_factory=set)
    themes: set[str] = field(default_factory=set)
    curve: dict[int, int] = field(default_factory=dict)

    def row(self) -> dict:
        return {
            "response_id": self.response_id,
            "organisation_id": self.organisation_id,
            "journey_id": self.journey_id,
            "touchpoint_id": self.touchpoint_id,
            "day": self.day,
            "segment_id": self.segment_id,
            "channel": self.channel,
            "team_id": self.team_id,
            "served_by_id": self.served_by_id,
            "respondent_id": self.respondent_id,
            "language": self.language,
            "is_demo": self.is_demo,
            **{score: self.scores.get(score) for score in SCORES},
            "valence": self.valence,
            "negative": self.negative,
            "intensity": self.intensity,
            **{emotion: emotion in self.emotions for emotion in EMOTION_FIELDS},
        }


def facts_for(response_ids: Iterable[int]) -> list[Fact]:
    ids = list(response_ids)
    facts = {
        row["pk"]: _fact(row)
        for row in Response.objects.filter(pk__in=ids).values(
            "pk",
            "organisation_id",
            "survey__journey_id",
            "touchpoint_id",
            "experienced_at",
            "submitted_at",
            "segment_id",
            "channel",
            "team_id",
            "served_by_id",
            "respondent_id",
            "language",
            "is_demo",
        )
    }
    _add_scores(facts)
    picked = _add_picks(facts)
    _add_texts(facts, picked)
    _add_curves(facts)
    return list(facts.values())


def _fact(row: Mapping[str, Any]) -> Fact:
    moment = row["experienced_at"] or row["submitted_at"]
    return Fact(
        response_id=row["pk"],
        organisation_id=row["organisation_id"],
        journey_id=row["survey__journey_id"],
        touchpoint_id=row["touchpoint_id"] or 0,
        day=timezone.localdate(moment),
        segment_id=row["segment_id"] or 0,
        channel=row["channel"] or "",
        team_id=row["team_id"] or 0,
        served_by_id=row["served_by_id"] or 0,
        respondent_id=row["respondent_id"] or 0,
        language=row["language"] or "",
        is_demo=row["is_demo"],
    )


def _add_scores(facts: dict[int, Fact]) -> None:
    answers = (
        Answer.objects.filter(response_id__in=facts, kind__in=SCORES, number__isnull=False)
        .order_by("response_id", "question__position")
        .values_list("response_id", "kind", "number")
    )
    for response_id, kind, number in answers:
        if number is not None:
            facts[response_id].scores.setdefault(kind, number)


def _add_picks(facts: dict[int, Fact]) -> dict[int, float]:
    """The respondents' own emotion picks; returns the valence they give."""
    signed: dict[int, float] = defaultdict(float)
    weight: dict[int, float] = defaultdict(float)
    strongest: dict[int, int] = defaultdict(int)
    picks = EmotionAnswer.objects.filter(answer__response_id__in=facts).values_list(
        "answer__response_id", "emotion", "intensity"
    )
    for response_id, emotion, intensity in picks:
        facts[response_id].emotions.add(emotion)
        sign = 1 if emotion in POSITIVE_EMOTIONS else -1 if emotion in NEGATIVE_EMOTIONS else 0
        signed[response_id] += sign * intensity
        weight[response_id] += intensity
        strongest[response_id] = max(strongest[response_id], intensity)
    for response_id, level in strongest.items():
        facts[response_id].intensity = level / CURVE_MAX
    return {r: signed[r] / weight[r] for r in weight if weight[r]}


def _add_texts(facts: dict[int, Fact], picked: dict[int, float]) -> None:
    corrections = {
        c.answer_id: c
        for c in Correction.objects.filter(answer__response_id__in=facts).only(
            "answer_id", "polarity", "labels"
        )
    }
    valences: dict[int, list[float]] = defaultdict(list)
    analyses = TextAnalysis.objects.filter(response_id__in=facts, status="ok").values_list(
        "answer_id", "response_id", "valence", "polarity", "labels", "intensity"
    )
    for answer_id, response_id, valence, polarity, labels, intensity in analyses:
        fact = facts[response_id]
        correction = corrections.get(answer_id)
        if correction is not None:
            polarity = correction.polarity or polarity
            labels = correction.labels or labels
            valence = _corrected_valence(valence or 0.0, polarity)
        if valence is not None:
            valences[response_id].append(valence)
        fact.negative = fact.negative or polarity == "negative"
        fact.emotions.update(label for label in labels if label in EMOTION_FIELDS)
        if intensity is not None:
            fact.intensity = max(fact.intensity or 0.0, intensity)
    themes = TextTheme.objects.filter(analysis__response_id__in=facts).values_list(
        "analysis__response_id", "key"
    )
    for response_id, key in themes:
        facts[response_id].themes.add(key)
    for response_id, fact in facts.items():
        parts = []
        if response_id in picked:
            parts.append(picked[response_id])
        if valences[response_id]:
            parts.append(sum(valences[response_id]) / len(valences[response_id]))
        if parts:
            fact.valence = sum(parts) / len(parts)
            if not valences[response_id]:
                fact.negative = fact.valence < NEGATIVE_BELOW


def _corrected_valence(valence: float, polarity: str) -> float:
    strength = max(abs(valence), MIN_CORRECTED)
    if polarity == "positive":
        return strength
    if polarity == "negative":
        return -strength
    return 0.0


def _add_curves(facts: dict[int, Fact]) -> None:
    points = CurvePoint.objects.filter(answer__response_id__in=facts).values_list(
        "answer__response_id", "stage_id", "score"
    )
    for response_id, stage_id, score in points:
        facts[response_id].curve[stage_id] = score
