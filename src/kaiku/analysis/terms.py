"""Finding listed terms in text, whatever their inflection: the matching under themes,
crisis signals and the sentiment lexicon.

Finnish builds words by suffixes and compounds, so a term is written as the stem that
all its forms share, and matches a word that starts with it: `jono` finds "jonossa",
"jonotin" and "jonotusaika". A term that starts with `*` may also end a compound:
`*palvelu` finds "asiakaspalvelussa", and `*aika=` finds "odotusaika" but not
"aikataulu". Several words separated by spaces must follow one another: `ei toimi`.
A term that ends with `=` matches the whole word only (`ei=` is not "eilen"); such a
word may be a single letter (`i= tid`). Stems where consonant gradation changes the
root are listed as separate terms (`odot`, `odott`).

The rule is simple enough for an organisation to write its own terms, and checking a
word costs a few dictionary lookups.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# A word; an @handle names an account ("@QuickShipUK"), not a feeling or a theme.
_TOKEN = re.compile(r"(?<![@\w])[^\W_]+(?:[-'’][^\W_]+)*")
MIN_STEM = 2
# A compound's first part is at least this long ("asiakas-", "odotus-").
MIN_COMPOUND_HEAD = 3
_CACHE_SIZE = 50_000


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # lower-cased
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Match:
    key: str
    term: str
    start: int
    end: int
    first_token: int
    last_token: int


def tokenize(text: str) -> list[Token]:
    # Phones type "don’t" with a typographic apostrophe; terms are written "don't".
    return [
        Token(m.group().lower().replace("’", "'"), m.start(), m.end())
        for m in _TOKEN.finditer(text)
    ]


@dataclass(frozen=True)
class _Part:
    stem: str
    exact: bool
    compound: bool

    def matches(self, word: str) -> bool:
        if word.startswith(self.stem):
            return not self.exact or word == self.stem
        if not self.compound:
            return False
        if self.exact:
            return word.endswith(self.stem) and len(word) - len(self.stem) >= MIN_COMPOUND_HEAD
        return self.stem in word[MIN_COMPOUND_HEAD:]


def _parse(term: str) -> list[_Part]:
    parts = []
    for raw in term.lower().split():
        compound = raw.startswith("*")
        exact = raw.endswith("=")
        stem = raw.strip("*=")
        if not stem or (len(stem) < MIN_STEM and not exact):
            raise ValueError(f"term {term!r}: a stem needs at least {MIN_STEM} letters")
        parts.append(_Part(stem, exact, compound))
    if not parts:
        raise ValueError("empty term")
    return parts


class TermList:
    """Terms grouped under keys (a theme, a flag, a sentiment value)."""

    def __init__(self, terms: Mapping[str, Iterable[str]]) -> None:
        self._first: dict[str, list[tuple[str, str, list[_Part]]]] = defaultdict(list)
        self._compound: list[tuple[str, str, list[_Part]]] = []
        lengths = set()
        for key, listed in terms.items():
            for term in listed:
                parts = _parse(term)
                entry = (key, term, parts)
                head = parts[0]
                self._first[head.stem].append(entry)
                lengths.add(len(head.stem))
                if head.compound:
                    self._compound.append(entry)
        self._lengths = sorted(lengths)
        self._cache: dict[str, list[tuple[str, str, list[_Part]]]] = {}

    def _candidates(self, word: str) -> list[tuple[str, str, list[_Part]]]:
        # Feedback repeats its words, so each word's candidates are remembered.
        cached = self._cache.get(word)
        if cached is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            cached = self._cache[word] = self._find_candidates(word)
        return cached

    def _find_candidates(self, word: str) -> list[tuple[str, str, list[_Part]]]:
        found: list[tuple[str, str, list[_Part]]] = []
        for length in self._lengths:
            if length > len(word):
                break
            found += self._first.get(word[:length], ())
        if self._compound and len(word) > MIN_COMPOUND_HEAD + MIN_STEM:
            found += [e for e in self._compound if e[2][0].stem in word[MIN_COMPOUND_HEAD:]]
        return found

    def find(self, tokens: list[Token]) -> list[Match]:
        matches = []
        seen = set()
        for i, token in enumerate(tokens):
            for key, term, parts in self._candidates(token.text):
                last = i + len(parts) - 1
                if last >= len(tokens) or (key, i, last) in seen:
                    continue
                if all(part.matches(tokens[i + j].text) for j, part in enumerate(parts)):
                    seen.add((key, i, last))
                    matches.append(Match(key, term, token.start, tokens[last].end, i, last))
        return matches
