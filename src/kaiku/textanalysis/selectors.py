"""Reads of text analyses, shaped for the response pages: the redacted text cut into
segments with its themes marked, emotions named and ordered, flags named."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kaiku.analysis.adaptation import weak_polarity
from kaiku.analysis.lexicon import load_data
from kaiku.organisations.models import Organisation
from kaiku.responses.models import Answer, EmotionAnswer
from kaiku.surveys.models import SCALES, Emotion, QuestionKind
from kaiku.textanalysis.models import TextAnalysis

# Below this an emotion is noise next to the others and is not listed.
SHOWN_EMOTION = 0.15


@dataclass(frozen=True)
class Segment:
    text: str
    theme: str = ""  # the theme's name where the segment names a theme


@dataclass(frozen=True)
class NamedEmotion:
    key: str
    name: str
    probability: float
    predicted: bool

    @property
    def percent(self) -> int:
        return round(self.probability * 100)


@dataclass(frozen=True)
class NamedFlag:
    kind: str
    name: str
    urgent: bool
    detail: str


@dataclass(frozen=True)
class AnalysisView:
    analysis: TextAnalysis
    segments: list[Segment]
    emotions: list[NamedEmotion]
    themes: list[str]
    flags: list[NamedFlag]


def _language() -> str:
    language = (get_language() or "fi")[:2]
    return language if language in ("fi", "sv", "en") else "en"


def theme_name(key: str) -> str:
    theme = load_data("themes.json").get(key)
    return theme["name"][_language()] if theme else key


def flag_name(kind: str) -> str:
    if kind == "difficult_emotion":
        return _("Difficult emotion")
    signal = load_data("signals.json").get(kind)
    return signal["name"][_language()] if signal else kind


def emotion_name(key: str) -> str:
    return str(Emotion(key).label) if key in Emotion.values else key


def segments(text: str, themes: list[dict]) -> list[Segment]:
    """The text cut at theme spans; overlapping spans keep the first."""
    found = []
    position = 0
    for span in sorted(themes, key=lambda s: (s["start"], -s["end"])):
        if span["start"] < position:
            continue
        if span["start"] > position:
            found.append(Segment(text[position : span["start"]]))
        found.append(Segment(text[span["start"] : span["end"]], theme_name(span["key"])))
        position = span["end"]
    if position < len(text):
        found.append(Segment(text[position:]))
    return found


def analysis_view(analysis: TextAnalysis) -> AnalysisView:
    emotions = sorted(
        (
            NamedEmotion(key, emotion_name(key), p, key in analysis.labels)
            for key, p in analysis.emotions.items()
            if p >= SHOWN_EMOTION or key in analysis.labels
        ),
        key=lambda e: -e.probability,
    )
    flags = [
        NamedFlag(
            flag["kind"],
            flag_name(flag["kind"]),
            flag["urgent"],
            ", ".join(emotion_name(e) for e in flag["emotions"])
            or ", ".join(dict.fromkeys(span["term"] for span in flag["spans"])),
        )
        for flag in analysis.flags
    ]
    return AnalysisView(
        analysis,
        segments(analysis.text, analysis.themes),
        emotions,
        [theme_name(key) for key in analysis.theme_keys],
        flags,
    )


@dataclass(frozen=True)
class CommentFilter:
    survey_id: int | None = None
    polarity: str = ""
    theme: str = ""
    flag: str = ""
    urgent: bool = False


def comments(organisation: Organisation, filters: CommentFilter) -> QuerySet[TextAnalysis]:
    """Analysed comments of the organisation, newest first."""
    found = TextAnalysis.objects.filter(organisation=organisation)
    if filters.survey_id:
        found = found.filter(response__survey_id=filters.survey_id)
    if filters.polarity:
        found = found.filter(polarity=filters.polarity)
    if filters.theme:
        found = found.filter(theme_rows__key=filters.theme)
    if filters.flag:
        found = found.filter(flag_rows__kind=filters.flag)
    if filters.urgent:
        found = found.filter(urgent=True)
    return found.select_related(
        "answer__question", "response__survey", "response__touchpoint"
    ).order_by("-response__submitted_at", "-pk")


def theme_choices() -> list[tuple[str, str]]:
    return [(key, theme_name(key)) for key in load_data("themes.json")]


def flag_choices() -> list[tuple[str, str]]:
    return [("difficult_emotion", flag_name("difficult_emotion"))] + [
        (key, flag_name(key)) for key in load_data("signals.json")
    ]


# Which score speaks for a comment when a response has several: satisfaction with the
# visit before willingness to recommend.
_SCORE_ORDER = (QuestionKind.CSAT, QuestionKind.OVERALL, QuestionKind.NPS)


@dataclass(frozen=True)
class WeakExample:
    text: str
    language: str
    polarity: str


def weak_examples(organisation: Organisation) -> list[WeakExample]:
    """The organisation's comments with the polarity their own respondents' scores or
    picked emotions give them (kaiku.analysis.adaptation.weak_polarity)."""
    texts = (
        Answer.objects.filter(response__organisation=organisation, kind=QuestionKind.TEXT)
        .exclude(text="")
        .values_list("response_id", "text", "response__language")
    )
    scores: dict[int, tuple[int, str, int | None]] = {}
    for response_id, kind, number in Answer.objects.filter(
        response__organisation=organisation, kind__in=_SCORE_ORDER, number__isnull=False
    ).values_list("response_id", "kind", "number"):
        rank = _SCORE_ORDER.index(kind)
        if response_id not in scores or rank < scores[response_id][0]:
            scores[response_id] = (rank, kind, number)
    emotions: dict[int, set[str]] = {}
    for response_id, emotion in EmotionAnswer.objects.filter(
        answer__response__organisation=organisation
    ).values_list("answer__response_id", "emotion"):
        emotions.setdefault(response_id, set()).add(emotion)
    found = []
    for response_id, text, language in texts:
        _, kind, number = scores.get(response_id, (0, "", None))
        polarity = weak_polarity(number, SCALES.get(kind), emotions.get(response_id, ()))
        if polarity is not None:
            found.append(WeakExample(text, language, polarity))
    return found
