"""PII redaction: personal identifiers and names in free text replaced by typed
placeholders ([NIMI], [PUHELIN], …) before the text is stored or shown.

What is found, and how:
  email       an address pattern
  phone       phonenumbers' matcher (valid numbers only; Finnish numbering by default,
              international numbers in any country's)
  person_id   Finnish personal identity codes and Swedish personal numbers, each
              checked by python-stdnum (date and check character), so that an
              order number of the same shape is left alone
  iban        IBANs, checked by their mod-97 check digits
  card        payment card numbers of 13–19 digits that pass the Luhn check
  name        first names from a lexicon (Finnish, Swedish, English), capitalised,
              with the capitalised word after them as the surname; a name that is
              also a common word ("Ilo", "Toivo", "Joy") and opens a sentence, or a
              name in capitals, needs a cue before it ("hoitaja", "my name is") or a
              surname after it

Numbers are looked for only in text with enough digits, so that most feedback costs
a few regular-expression scans.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.fi import hetu
from stdnum.se import personnummer

KINDS = ("email", "phone", "person_id", "iban", "card", "name")
PLACEHOLDERS = {
    "email": "[SÄHKÖPOSTI]",
    "phone": "[PUHELIN]",
    "person_id": "[HENKILÖTUNNUS]",
    "iban": "[TILINUMERO]",
    "card": "[MAKSUKORTTI]",
    "name": "[NIMI]",
}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_HETU = re.compile(r"\b\d{6}[-+A-FYXWVU]\d{3}[0-9A-Y]\b", re.IGNORECASE)
_PERSONNUMMER = re.compile(r"\b(?:\d{2})?\d{6}[-+]\d{4}\b")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
_CARD = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")
_DIGITS = re.compile(r"\d")
_WORD = re.compile(r"[A-ZÅÄÖÜÉa-zåäöüé][\w'-]*")
_SENTENCE_END = re.compile(r"[.!?:;]\s*$|^\s*$")
_MIN_DIGITS = 6


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Redaction:
    text: str  # with placeholders
    spans: tuple[Span, ...]  # where they were, in the original text

    @property
    def kinds(self) -> set[str]:
        return {s.kind for s in self.spans}


class Redactor:
    """Finds and replaces the kinds of personal data it is told to (all by default)."""

    def __init__(self, kinds: Iterable[str] = KINDS, *, region: str = "FI") -> None:
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds of personal data: {sorted(unknown)}")
        self.kinds = frozenset(kinds)
        self.region = region

    def redact(self, text: str) -> Redaction:
        spans = self.find(text)
        parts, last = [], 0
        for span in spans:
            parts += [text[last : span.start], PLACEHOLDERS[span.kind]]
            last = span.end
        parts.append(text[last:])
        return Redaction("".join(parts), tuple(spans))

    def find(self, text: str) -> list[Span]:
        found: list[Span] = []
        if "email" in self.kinds and "@" in text:
            found += [Span("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]
        if len(_DIGITS.findall(text)) >= _MIN_DIGITS:
            found += self._numbers(text)
        if "name" in self.kinds:
            found += _names(text)
        return _without_overlaps(found)

    def _numbers(self, text: str) -> list[Span]:
        # Identifiers with check digits first: where one overlaps a phone-number
        # match, the checked identifier wins.
        found: list[Span] = []
        if "person_id" in self.kinds:
            found += [
                Span("person_id", m.start(), m.end())
                for m in _HETU.finditer(text)
                if hetu.is_valid(m.group())
            ]
            found += [
                Span("person_id", m.start(), m.end())
                for m in _PERSONNUMMER.finditer(text)
                if personnummer.is_valid(m.group())
            ]
        if "iban" in self.kinds:
            found += [
                Span("iban", m.start(), m.end())
                for m in _IBAN.finditer(text)
                if stdnum_iban.is_valid(m.group())
            ]
        if "card" in self.kinds:
            for m in _CARD.finditer(text):
                digits = re.sub(r"\D", "", m.group())
                if 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn.is_valid(digits):
                    found.append(Span("card", m.start(), m.end()))
        if "phone" in self.kinds:
            matcher = phonenumbers.PhoneNumberMatcher(
                text, self.region, leniency=phonenumbers.Leniency.VALID
            )
            found += [Span("phone", m.start, m.end) for m in matcher]
        return found


def _names(text: str) -> list[Span]:
    first_names, common_words, cues = _lexicon()
    words = list(_WORD.finditer(text))
    found = []
    for i, word in enumerate(words):
        token = word.group()
        if not token[0].isupper() or token.casefold() not in first_names:
            continue
        before = words[i - 1].group().casefold().rstrip(".") if i else ""
        opens_sentence = i == 0 or bool(_SENTENCE_END.search(text[: word.start()]))
        following = words[i + 1] if i + 1 < len(words) else None
        surname = (
            following is not None
            and following.group()[0].isupper()
            and text[word.end() : following.start()].strip() == ""
        )
        cued = before in cues
        # Capitals mid-sentence mark a name; at a sentence's start, or in a shouted
        # word, they do not, so a name that is also a word needs more there.
        unsure = (opens_sentence and token.casefold() in common_words) or token.isupper()
        if unsure and not (cued or surname):
            continue
        end = following.end() if surname and following is not None else word.end()
        found.append(Span("name", word.start(), end))
    return found


def _without_overlaps(spans: list[Span]) -> list[Span]:
    """Earlier first; of overlapping spans the one found first (by kind's order) wins."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, KINDS.index(s.kind), -s.end)):
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept


@functools.cache
def _lexicon() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """First names; those of them that are also common words; words that cue a name."""
    folder = resources.files("kaiku.analysis") / "data"

    def words(name: str) -> frozenset[str]:
        lines = (line.split("#", 1)[0] for line in (folder / name).read_text("utf-8").splitlines())
        return frozenset(word.casefold() for line in lines for word in line.split())

    common = words("names_that_are_words.txt")
    return words("first_names.txt") | common, common, words("name_cues.txt")
