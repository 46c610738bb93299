"""Free text made safe to analyse: markup, control characters and runs of space
removed, length capped, and a status that says what was done.

Every input gets a `Prepared` back, never an exception: a feedback pipeline must not
lose a row because one comment was odd.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

MAX_CHARS = 5000

_TAG = re.compile(r"<[^>]{0,500}>")
_SPACE = re.compile(r"\s+")
# "great service !" and "great service!" say the same. Spacing before punctuation
# also tells apart the sources of some training data (XED's English annotated lines
# are tokenised, its neutral lines are not), and a model must not learn that.
_SPACE_BEFORE_PUNCTUATION = re.compile(r" +([.,!?;:)\]}…]+)(?= |$)")
_LETTER = re.compile(r"[^\W\d_]")

OK = "ok"
EMPTY = "empty"
NO_WORDS = "no_words"


@dataclass(frozen=True)
class Prepared:
    text: str
    status: str  # ok, empty (nothing but space), no_words (emoji, digits, punctuation)
    truncated: bool = False
    had_markup: bool = False


def _drop_controls(text: str) -> str:
    # Keep line and tab breaks as spaces; drop other control and format characters
    # (NUL, escape sequences, zero-width joiners used to dodge filters).
    return "".join(
        " " if ch in "\t\n\r\x0b\x0c" else ch
        for ch in text
        if ch in "\t\n\r\x0b\x0c" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )


def prepare(text: str | None, max_chars: int = MAX_CHARS) -> Prepared:
    raw = text or ""
    had_markup = "<" in raw and bool(_TAG.search(raw))
    if had_markup:
        raw = _TAG.sub(" ", raw)
    if "&" in raw:
        raw = html.unescape(raw)
    raw = unicodedata.normalize("NFC", raw)
    if not raw.isprintable():
        raw = _drop_controls(raw)
    cleaned = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", _SPACE.sub(" ", raw)).strip()
    truncated = len(cleaned) > max_chars
    if truncated:
        cut = cleaned.rfind(" ", 0, max_chars)
        cleaned = cleaned[: cut if cut > max_chars // 2 else max_chars]
    if not cleaned:
        return Prepared("", EMPTY, had_markup=had_markup)
    status = OK if _LETTER.search(cleaned) else NO_WORDS
    return Prepared(cleaned, status, truncated, had_markup)
