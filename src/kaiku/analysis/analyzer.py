"""The analysis pipeline: from a comment as written to what it says and how it felt.

    prepare → redact → detect language → emotion model + sentiment lexicon
            → valence, polarity, intensity → themes, signals → TextAnalysis

`Analyzer.analyze_batch` never raises for a text: an empty, oversized, emoji-only or
marked-up comment gets a status that says so, and every input gets one result.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import text as text_module
from .adaptation import PolarityAdapter
from .labels import DIFFICULT_EMOTIONS, EMOTIONS, LABELS, NEUTRAL, POLARITIES
from .language import OTHER, SUPPORTED, LanguageDetector
from .lexicon import SentimentHit, SentimentLexicon, SignalFinder, Taxonomy
from .model import EmotionModel
from .redaction import Redactor
from .terms import tokenize

MODELS_DIR = Path(__file__).parent / "models"
# Texts in a language Kaiku does not read go to the English model: most feedback in
# another language that reaches a Finnish service is in English or close to it.
FALLBACK_MODEL = "en"
# A comment is mixed when it leans both ways this much (after the lexicon), and
# neither way clearly more than the other.
MIXED_SHARE = 0.3
MIXED_BALANCE = 0.6
DIFFICULT_SHARE = 0.5
# A question with no sentiment word in it mostly asks ("Onko kirjasto auki
# sunnuntaina?"): this much is added to the neutral logit. Measured on XED dev it
# costs nothing; on service messages it gains (docs/analysis.md).
QUESTION_NEUTRAL = 1.0
_SHOUTING = re.compile(r"\b[A-ZÅÄÖ]{4,}\b")


@dataclass(frozen=True)
class Span:
    key: str
    start: int
    end: int
    term: str = ""

    def as_dict(self) -> dict:
        return {"key": self.key, "start": self.start, "end": self.end, "term": self.term}


@dataclass(frozen=True)
class Flag:
    kind: str  # difficult_emotion, or a signal: death_grief, serious_illness, …
    urgent: bool = False
    spans: tuple[Span, ...] = ()
    emotions: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "urgent": self.urgent,
            "spans": [span.as_dict() for span in self.spans],
            "emotions": list(self.emotions),
        }


@dataclass(frozen=True)
class TextAnalysis:
    status: str  # ok, empty, no_words
    language: str
    text: str  # cleaned and redacted
    truncated: bool = False
    redactions: tuple[str, ...] = ()  # kinds of what was redacted, in order
    emotions: Mapping[str, float] = field(default_factory=dict)
    labels: tuple[str, ...] = ()
    valence: float = 0.0
    polarity: str = "neutral"
    intensity: float = 0.0
    themes: tuple[Span, ...] = ()
    flags: tuple[Flag, ...] = ()
    model_version: str = ""

    @property
    def urgent(self) -> bool:
        return any(flag.urgent for flag in self.flags)

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "language": self.language,
            "text": self.text,
            "truncated": self.truncated,
            "redactions": list(self.redactions),
            "emotions": dict(self.emotions),
            "labels": list(self.labels),
            "valence": self.valence,
            "polarity": self.polarity,
            "intensity": self.intensity,
            "themes": [span.as_dict() for span in self.themes],
            "flags": [flag.as_dict() for flag in self.flags],
            "model_version": self.model_version,
        }


@dataclass
class Scored:
    """One text on its way through the pipeline: cleaned, redacted, its language
    known, and (when it has words) the model's and the lexicon's scores."""

    prepared: text_module.Prepared
    text: str  # cleaned and redacted
    redactions: tuple[str, ...]
    language: str
    model_language: str
    emotional: np.ndarray | None = None  # (8,) P(emotion | the text is emotional)
    neutral: float = 1.0
    polarity: np.ndarray | None = None  # (3,) in POLARITIES order, after the lexicon
    lexicon: tuple[float, float] = (0.0, 0.0)  # positive and negative word scores

    def labels(
        self, threshold: float, neutral_threshold: float, allowed: Sequence[str] = LABELS
    ) -> tuple[str, ...]:
        if self.emotional is None:
            return (NEUTRAL,) if NEUTRAL in allowed else ()
        return predict_labels(self.emotional, self.neutral, threshold, neutral_threshold, allowed)


class Analyzer:
    def __init__(
        self,
        models_dir: Path = MODELS_DIR,
        *,
        redactor: Redactor | None = None,
        redact: bool = True,
        default_language: str = "fi",
        taxonomy: Taxonomy | None = None,
        max_chars: int = text_module.MAX_CHARS,
    ) -> None:
        manifest = json.loads((models_dir / "manifest.json").read_text())
        self.version: str = manifest["version"]
        self.lexicon_weight: dict[str, float] = manifest.get("lexicon_weight", {})
        self.models = {lang: EmotionModel.load(models_dir / lang) for lang in manifest["languages"]}
        self.redactor = redactor or Redactor()
        self.redact = redact
        self.detector = LanguageDetector(default_language)
        self.max_chars = max_chars
        self._sentiment = {lang: SentimentLexicon(lang) for lang in SUPPORTED}
        self.taxonomy = taxonomy or Taxonomy()
        self._signals = {lang: SignalFinder(lang) for lang in SUPPORTED}

    # -- the pipeline -------------------------------------------------------------

    def analyze(self, text: str, lang: str | None = None, hint: str | None = None) -> TextAnalysis:
        return self.analyze_batch([text], lang=lang, hints=[hint])[0]

    def analyze_batch(
        self,
        texts: Sequence[str | None],
        lang: str | None = None,
        hints: Sequence[str | None] | None = None,
        redact: bool | None = None,
        adapter: PolarityAdapter | None = None,
        taxonomy: Taxonomy | None = None,
    ) -> list[TextAnalysis]:
        """Analyse texts. `lang` fixes the language of all of them; otherwise each is
        detected, with `hints` (say, the language the respondent answered in) deciding
        texts too short to tell. `redact` overrides the analyser's own setting; an
        organisation's `adapter` refines polarity (kaiku.analysis.adaptation) and its
        `taxonomy` replaces the default themes."""
        scored = self.score_batch(texts, lang, hints, redact, adapter)
        return [self._result(item, taxonomy or self.taxonomy) for item in scored]

    def score_batch(
        self,
        texts: Sequence[str | None],
        lang: str | None = None,
        hints: Sequence[str | None] | None = None,
        redact: bool | None = None,
        adapter: PolarityAdapter | None = None,
    ) -> list[Scored]:
        if lang is not None and lang not in SUPPORTED:
            raise ValueError(f"lang must be one of {SUPPORTED} or None")
        redactor = self.redactor if (self.redact if redact is None else redact) else None
        prepared = [text_module.prepare(text, self.max_chars) for text in texts]
        redacted = [_redact(redactor, p.text) for p in prepared]
        if lang:
            languages = [lang] * len(texts)
        else:
            languages = self.detector.detect_batch([r[0] for r in redacted], hints)
        scored = []
        for p, (text, redactions), language, hint in zip(
            prepared, redacted, languages, hints or [None] * len(texts), strict=True
        ):
            if p.status == text_module.EMPTY and not lang:
                language = hint if hint in SUPPORTED else OTHER
            model_language = language if language in self.models else FALLBACK_MODEL
            scored.append(Scored(p, text, redactions, language, model_language))
        by_model: dict[str, list[Scored]] = {}
        for item in scored:
            if item.prepared.status == text_module.OK:
                by_model.setdefault(item.model_language, []).append(item)
        for model_language, items in by_model.items():
            self._score(items, model_language, adapter)
        return scored

    def _score(
        self, items: list[Scored], model_language: str, adapter: PolarityAdapter | None = None
    ) -> None:
        model = self.models[model_language]
        texts = [item.text for item in items]
        batch = model.features(texts)
        emotion = model.emotion_proba(batch)
        polarity = model.polarity_proba(batch)
        weight = self.lexicon_weight.get(model_language, 0.0)
        lexicon = self._sentiment[model_language]
        sums = np.array([_signed_sums(lexicon.hits(tokenize(t))) for t in texts], dtype=float)
        sums = sums.reshape(len(texts), 2)
        logits = np.log(np.clip(polarity, 1e-9, 1.0))
        logits[:, :2] += weight * sums
        asks = np.array([("?" in t) for t in texts]) & (sums.max(axis=1) == 0)
        logits[asks, POLARITIES.index(NEUTRAL)] += QUESTION_NEUTRAL
        polarity = np.exp(logits - logits.max(axis=1, keepdims=True))
        polarity /= polarity.sum(axis=1, keepdims=True)
        if adapter is not None:
            polarity = adapter.predict_proba(texts, polarity, sums)
        for j, item in enumerate(items):
            item.emotional = emotion[j, : len(EMOTIONS)]
            item.neutral = float(emotion[j, len(EMOTIONS)])
            item.polarity = polarity[j]
            item.lexicon = (float(sums[j, 0]), float(sums[j, 1]))

    def _result(self, scored: Scored, taxonomy: Taxonomy) -> TextAnalysis:
        prepared = scored.prepared
        if scored.emotional is None or scored.polarity is None:
            return TextAnalysis(
                prepared.status,
                scored.language,
                scored.text,
                prepared.truncated,
                scored.redactions,
                model_version=self.version,
            )
        model = self.models[scored.model_language]
        emotional, neutral = scored.emotional, scored.neutral
        probabilities = {
            label: round(float(p) * (1 - neutral), 4)
            for label, p in zip(EMOTIONS, emotional, strict=True)
        }
        probabilities[NEUTRAL] = round(neutral, 4)
        labels = predict_labels(emotional, neutral, model.threshold, model.neutral_threshold)

        positive, negative, _ = (float(x) for x in scored.polarity)
        valence = round(positive - negative, 4)
        weaker, stronger = sorted((positive, negative))
        both_said = min(scored.lexicon) >= 1  # "ystävällinen … mutta ärsyttävää"
        # The model's indecision alone makes a comment mixed only where no sentiment
        # word points one way ("otrevlig" shares most letters with "trevlig").
        undecided = max(scored.lexicon) == 0 and weaker >= MIXED_SHARE
        if both_said or (undecided and weaker >= MIXED_BALANCE * stronger):
            polarity = "mixed"
        else:
            polarity = POLARITIES[int(np.argmax(scored.polarity))]

        lexicon_language = scored.language if scored.language in SUPPORTED else FALLBACK_MODEL
        tokens = tokenize(scored.text)
        themes = tuple(
            Span(hit.theme, hit.start, hit.end, hit.term)
            for hit in taxonomy.finder(lexicon_language).find(tokens)
        )
        return TextAnalysis(
            status=prepared.status,
            language=scored.language,
            text=scored.text,
            truncated=prepared.truncated,
            redactions=scored.redactions,
            emotions=probabilities,
            labels=labels,
            valence=valence,
            polarity=polarity,
            intensity=_intensity(scored.text, valence, neutral, float(emotional.max())),
            themes=themes,
            flags=self._flags(
                tokens, lexicon_language, emotional, neutral, model.threshold, valence
            ),
            model_version=self.version,
        )

    def _flags(self, tokens, language, emotional, neutral, threshold, valence) -> tuple[Flag, ...]:
        flags = []
        difficult = tuple(
            label
            for label, p in zip(EMOTIONS, emotional, strict=True)
            if label in DIFFICULT_EMOTIONS and p >= threshold
        )
        if difficult and (1 - neutral) >= DIFFICULT_SHARE and valence < 0:
            flags.append(Flag("difficult_emotion", emotions=difficult))
        signals: dict[str, list] = {}
        for hit in self._signals[language].find(tokens):
            signals.setdefault(hit.signal, []).append(hit)
        for kind, hits in signals.items():
            spans = tuple(Span(kind, h.start, h.end, h.term) for h in hits)
            flags.append(Flag(kind, urgent=hits[0].urgent, spans=spans))
        return tuple(flags)


def _redact(redactor: Redactor | None, text: str) -> tuple[str, tuple[str, ...]]:
    if redactor is None or not text:
        return text, ()
    redaction = redactor.redact(text)
    return redaction.text, tuple(span.kind for span in redaction.spans)


def predict_labels(
    emotional: np.ndarray,
    neutral: float,
    threshold: float,
    neutral_threshold: float,
    allowed: Sequence[str] = LABELS,
) -> tuple[str, ...]:
    """The label set: neutral alone when the text reads as neutral, otherwise every
    emotion past the threshold and at least the most probable one. `allowed` narrows
    the choice (an evaluation file without neutral rows asks for emotions only)."""
    if NEUTRAL in allowed and neutral >= neutral_threshold:
        return (NEUTRAL,)
    candidates = [k for k, label in enumerate(EMOTIONS) if label in allowed]
    if not candidates:
        return (NEUTRAL,)
    best = max(candidates, key=lambda k: emotional[k])
    return tuple(EMOTIONS[k] for k in candidates if k == best or emotional[k] >= threshold)


def _signed_sums(hits: list[SentimentHit]) -> tuple[float, float]:
    positive = sum(h.score for h in hits if h.score > 0)
    negative = -sum(h.score for h in hits if h.score < 0)
    return positive, negative


def _intensity(text: str, valence: float, neutral: float, strongest: float) -> float:
    """How strongly the comment feels, 0…1: how sure the model is that it carries an
    emotion and how one-sided it is, raised by exclamation and shouting. A heuristic:
    no training data here is annotated for intensity."""
    base = (1 - neutral) * (0.5 * strongest + 0.5 * abs(valence))
    boost = 0.1 * min(text.count("!"), 3) / 3 + (0.1 if _SHOUTING.search(text) else 0.0)
    return round(min(1.0, math.sqrt(base) * 0.9 + boost), 4)
