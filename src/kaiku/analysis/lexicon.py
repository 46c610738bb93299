"""Hand-written knowledge about service feedback, per language: the sentiment of
words that describe a service, the themes a comment is about, and the life events
and crises it may reveal. All three are lists of terms (kaiku.analysis.terms) in JSON
files under `data/`; an organisation can pass its own themes.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from .terms import Match, TermList, Token

LANGUAGES = ("fi", "sv", "en")
# A negator reaches this many words ahead: "ei ollut kovin ystävällinen".
NEGATION_REACH = 3
INTENSIFIER_WEIGHT = 1.5
# "Not bad" is milder than "good": a negated word keeps half its strength.
NEGATED_WEIGHT = 0.5
# "Ystävällinen henkilökunta, mutta jonotin tunnin": what follows the last "but" is
# what the writer means, so it counts more and what went before counts less.
BEFORE_CONTRAST_WEIGHT = 0.5
AFTER_CONTRAST_WEIGHT = 1.5


@functools.cache
def load_data(name: str) -> dict:
    text = resources.files("kaiku.analysis").joinpath("data", name).read_text(encoding="utf-8")
    return {key: value for key, value in json.loads(text).items() if not key.startswith("_")}


@dataclass(frozen=True)
class SentimentHit:
    term: str
    score: float  # after negation and intensifiers
    start: int
    end: int


def _longest_first(matches: list[Match]) -> list[Match]:
    """Drop matches that overlap a longer one: "en suosittele" is one negative phrase,
    not a negator and a positive word. Of two terms on the same words the longer is
    the more specific: "ammattitaidoton" is not "ammattitai(toinen)"."""
    kept: list[Match] = []
    taken: set[int] = set()
    by_reach = sorted(
        matches, key=lambda m: (m.first_token - m.last_token, m.first_token, -len(m.term))
    )
    for match in by_reach:
        tokens = set(range(match.first_token, match.last_token + 1))
        if not tokens & taken:
            kept.append(match)
            taken |= tokens
    return sorted(kept, key=lambda m: m.first_token)


class SentimentLexicon:
    def __init__(self, language: str) -> None:
        entries = load_data("sentiment.json")[language]
        # "0" holds phrases that take a sentiment word out of play: "olisi hyvä, jos"
        # is a suggestion, not praise.
        self._scored = TermList({key: entries[key] for key in ("2", "1", "0", "-1", "-2")})
        self._negators = TermList({"negator": entries["negators"]})
        self._intensifiers = TermList({"intensifier": entries["intensifiers"]})
        self._contrasts = TermList({"contrast": entries["contrasts"]})

    def hits(self, tokens: list[Token]) -> list[SentimentHit]:
        scored = _longest_first(self._scored.find(tokens))
        negators = {m.first_token for m in self._negators.find(tokens)}
        intensifiers = {m.first_token for m in self._intensifiers.find(tokens)}
        starts = {m.first_token for m in scored}
        contrast = max((m.first_token for m in self._contrasts.find(tokens)), default=None)
        hits = []
        for match in scored:
            # An intensifier that is also a sentiment word ("kauhean hyvä", "hyvin
            # huono") strengthens the next word instead of counting itself.
            single = match.first_token == match.last_token
            if single and match.first_token in intensifiers and match.last_token + 1 in starts:
                continue
            score = float(match.key)
            before = range(max(0, match.first_token - NEGATION_REACH), match.first_token)
            if any(i in negators for i in before):
                score = -score * NEGATED_WEIGHT
            if match.first_token - 1 in intensifiers:
                score *= INTENSIFIER_WEIGHT
            if contrast is not None:
                after = match.first_token > contrast
                score *= AFTER_CONTRAST_WEIGHT if after else BEFORE_CONTRAST_WEIGHT
            hits.append(SentimentHit(match.term, score, match.start, match.end))
        return hits


@dataclass(frozen=True)
class ThemeHit:
    theme: str
    term: str
    start: int
    end: int


class Taxonomy:
    """Themes with their names and terms: the default (`data/themes.json`) or an
    organisation's. `themes` maps a key to {"name": {lang: …}, "terms": {lang: [...]}}."""

    def __init__(self, themes: Mapping[str, Mapping] | None = None) -> None:
        self.themes = dict(load_data("themes.json") if themes is None else themes)
        self._finders: dict[str, ThemeFinder] = {}

    def finder(self, language: str) -> ThemeFinder:
        if language not in self._finders:
            terms = {key: theme["terms"] for key, theme in self.themes.items()}
            self._finders[language] = ThemeFinder(language, terms)
        return self._finders[language]

    def name(self, key: str, language: str) -> str:
        names = self.themes.get(key, {}).get("name", {})
        return names.get(language) or next((n for n in names.values() if n), key)


class ThemeFinder:
    """Themes by their terms; `themes` maps a theme key to {language: [terms]}."""

    def __init__(
        self, language: str, themes: Mapping[str, Mapping[str, list[str]]] | None = None
    ) -> None:
        if themes is None:
            themes = {key: theme["terms"] for key, theme in load_data("themes.json").items()}
        self._terms = TermList({key: terms.get(language, []) for key, terms in themes.items()})

    def find(self, tokens: list[Token]) -> list[ThemeHit]:
        return [ThemeHit(m.key, m.term, m.start, m.end) for m in self._terms.find(tokens)]


@dataclass(frozen=True)
class SignalHit:
    signal: str
    urgent: bool
    term: str
    start: int
    end: int


class SignalFinder:
    def __init__(self, language: str) -> None:
        signals = load_data("signals.json")
        self._urgent = {key: bool(signal["urgent"]) for key, signal in signals.items()}
        self._terms = TermList({key: signal["terms"][language] for key, signal in signals.items()})

    def find(self, tokens: list[Token]) -> list[SignalHit]:
        return [
            SignalHit(m.key, self._urgent[m.key], m.term, m.start, m.end)
            for m in self._terms.find(tokens)
        ]
