"""The labels the analysis engine speaks: Plutchik's eight emotions, neutral, and the
polarity that the emotions imply."""

from __future__ import annotations

from collections.abc import Iterable

EMOTIONS = ("anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust")
NEUTRAL = "neutral"
LABELS = (*EMOTIONS, NEUTRAL)

POLARITIES = ("positive", "negative", "neutral")
POSITIVE_EMOTIONS = frozenset({"joy", "trust"})
NEGATIVE_EMOTIONS = frozenset({"anger", "disgust", "fear", "sadness"})
# Emotions that a service team should look at even when the overall tone is mild.
DIFFICULT_EMOTIONS = frozenset({"anger", "disgust", "fear", "sadness"})


def polarity_of(labels: Iterable[str]) -> str | None:
    """The polarity a label set implies, or None when it implies none.

    Joy and trust are positive; anger, disgust, fear and sadness negative; neutral is
    neutral. Anticipation and surprise lean neither way, and a set with both positive
    and negative emotions is mixed: neither gives a polarity to learn from."""
    labels = set(labels)
    positive = bool(labels & POSITIVE_EMOTIONS)
    negative = bool(labels & NEGATIVE_EMOTIONS)
    if positive and not negative:
        return "positive"
    if negative and not positive:
        return "negative"
    if labels == {NEUTRAL}:
        return "neutral"
    return None
