"""Reads of text analyses, shaped for the response pages: the redacted text cut into
segments with its themes marked, emotions named and ordered, flags named."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kaiku.analysis.adaptation import weak_polarity
from kaiku.analysis.labels import LABELS, POLARITIES, polarity_of
from kaiku.analysis.lexicon import load_data
from kaiku.analysis.terms import tokenize
from kaiku.organisations.models import Organisation
from kaiku.responses.models import Answer, EmotionAnswer
from kaiku.surveys.models import SCALES, Emotion, QuestionKind
from kaiku.textanalysis import engine
from kaiku.textanalysis.models import Correction, OrganisationTheme, TextAnalysis

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
    correction: Correction | None = None

    @property
    def corrected_emotions(self) -> list[str]:
        return [emotion_name(label) for label in self.correction.labels] if self.correction else []

    @property
    def choices(self) -> list[tuple[str, str, bool]]:
        """Every emotion for the correction form: key, name, and whether it is checked."""
        chosen = set(self.correction.labels if self.correction else self.analysis.labels)
        return [(key, emotion_name(key), key in chosen) for key in LABELS]


def _language() -> str:
    language = (get_language() or "fi")[:2]
    return language if language in ("fi", "sv", "en") else "en"


def theme_name(key: str, organisation_id: int | None = None) -> str:
    taxonomy = (
        engine.taxonomy_for(organisation_id) if organisation_id else engine.analyzer().taxonomy
    )
    return taxonomy.name(key, _language())


def flag_name(kind: str) -> str:
    if kind == "difficult_emotion":
        return _("Difficult emotion")
    signal = load_data("signals.json").get(kind)
    return signal["name"][_language()] if signal else kind


def emotion_name(key: str) -> str:
    return str(Emotion(key).label) if key in Emotion.values else key


def segments(text: str, themes: list[dict], organisation_id: int | None = None) -> list[Segment]:
    """The text cut at theme spans; overlapping spans keep the first."""
    found = []
    position = 0
    for span in sorted(themes, key=lambda s: (s["start"], -s["end"])):
        if span["start"] < position:
            continue
        if span["start"] > position:
            found.append(Segment(text[position : span["start"]]))
        found.append(
            Segment(text[span["start"] : span["end"]], theme_name(span["key"], organisation_id))
        )
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
    correction = getattr(analysis.answer, "analysis_correction", None)
    return AnalysisView(
        analysis,
        segments(analysis.text, analysis.themes, analysis.organisation_id),
        emotions,
        [theme_name(key, analysis.organisation_id) for key in analysis.theme_keys],
        flags,
        correction,
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
        "answer__question",
        "answer__analysis_correction",
        "response__survey",
        "response__touchpoint",
    ).order_by("-response__submitted_at", "-pk")


def theme_choices(organisation: Organisation) -> list[tuple[str, str]]:
    taxonomy = engine.taxonomy_for(organisation.pk)
    return [(key, taxonomy.name(key, _language())) for key in taxonomy.themes]


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
        .values_list("pk", "response_id", "text", "response__language")
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
    corrected = {
        answer_id: correction.polarity or polarity_of(correction.labels)
        for answer_id, correction in (
            (c.answer_id, c) for c in Correction.objects.filter(organisation=organisation)
        )
    }
    found = []
    for answer_id, response_id, text, language in texts:
        _, kind, number = scores.get(response_id, (0, "", None))
        # A person's correction is a strong label: it overrides what scores suggest.
        polarity = corrected.get(answer_id) or weak_polarity(
            number, SCALES.get(kind), emotions.get(response_id, ())
        )
        if polarity in POLARITIES:
            found.append(WeakExample(text, language, polarity))
    return found


@dataclass(frozen=True)
class ThemeRow:
    key: str
    name: str  # in the interface's language
    terms: dict[str, list[str]]
    origin: str  # default, changed, own, off
    active: bool
    names: dict[str, str]  # by language


def _pick(names: dict[str, str], language: str, default: str) -> str:
    """The name in the language asked, else in any language the theme has."""
    return names.get(language) or next((n for n in names.values() if n), default)


def theme_rows(organisation: Organisation) -> list[ThemeRow]:
    """The default themes and the organisation's changes, for the themes page."""
    defaults = engine.analyzer().taxonomy.themes
    own = {row.key: row for row in OrganisationTheme.objects.filter(organisation=organisation)}
    effective = engine.effective_themes(defaults, list(own.values()))
    language = _language()
    rows = []
    for key in [*defaults, *sorted(k for k in own if k not in defaults)]:
        row = own.get(key)
        if row is not None and not row.active:
            names = defaults.get(key, {}).get("name", {}) | row.names
            rows.append(ThemeRow(key, _pick(names, language, key), row.terms, "off", False, names))
            continue
        theme = effective[key]
        origin = "default" if row is None else "changed" if key in defaults else "own"
        names = theme["name"]
        rows.append(ThemeRow(key, _pick(names, language, key), theme["terms"], origin, True, names))
    return rows


@dataclass(frozen=True)
class Suggestion:
    touchpoint: str
    phrase: str  # the commonest form seen
    stem: str  # a term that would match every form seen
    comments: int
    example: str


_PHRASE_STEM = 5


@dataclass
class _Tally:
    example: str
    comments: int = 0
    forms: Counter[str] = field(default_factory=Counter)


_MIN_COMMENTS = 3


def theme_suggestions(
    organisation: Organisation, per_touchpoint: int = 5, recent: int = 5000
) -> list[Suggestion]:
    """Frequent words in comments no theme matched, per touchpoint: candidates for new
    themes. Forms that share their first letters are counted together, so that
    "lomake", "lomakkeen" and "lomakkeessa" make one suggestion, `lomak`."""
    stopwords = {lang: set(words) for lang, words in load_data("stopwords.json").items()}
    unmatched = (
        TextAnalysis.objects.filter(organisation=organisation, status="ok", theme_rows__isnull=True)
        .order_by("-analysed_at")
        .values_list("text", "language", "response__touchpoint__name")[:recent]
    )
    tallies: dict[tuple[str, str], _Tally] = {}
    for text, language, touchpoint in unmatched:
        common = stopwords.get(language, set())
        seen = set()
        for token in tokenize(text):
            word = token.text
            if len(word) < _PHRASE_STEM or word in common or not word.isalpha():
                continue
            stem = word[:_PHRASE_STEM]
            if stem in seen:
                continue
            seen.add(stem)
            tally = tallies.setdefault((touchpoint or "", stem), _Tally(example=text))
            tally.comments += 1
            tally.forms[word] += 1
    by_touchpoint: dict[str, list[Suggestion]] = {}
    for (touchpoint, _stem), tally in tallies.items():
        if tally.comments < _MIN_COMMENTS:
            continue
        # Letter by letter on purpose: the stem is the forms' shared beginning.
        stem = os.path.commonprefix(list(tally.forms))  # noqa: RUF071
        phrase = tally.forms.most_common(1)[0][0]
        by_touchpoint.setdefault(touchpoint, []).append(
            Suggestion(touchpoint, phrase, stem, tally.comments, tally.example)
        )
    found = []
    for touchpoint in sorted(by_touchpoint):
        ranked = sorted(by_touchpoint[touchpoint], key=lambda s: (-s.comments, s.phrase))
        found += ranked[:per_touchpoint]
    return found
