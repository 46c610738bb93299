"""Which language a comment is in: Finnish, Swedish, English, or other.

py3langid's bundled model (97 languages, NumPy) does the reading. Feedback is short
and its languages are known, so the decision leans towards the three Kaiku reads:
another language wins only when the text is long enough and the detector is sure;
a comment too short to tell keeps the language the respondent answered in (the hint).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence

SUPPORTED = ("fi", "sv", "en")
OTHER = "other"

# Below this many letters a detector guesses; the survey's language is better evidence.
_MIN_LETTERS = 12
_MIN_LETTERS_FOR_OTHER = 25
_SURE = 0.95
_LETTER = re.compile(r"[^\W\d_]")
_PLACEHOLDER = re.compile(r"\[[A-ZÅÄÖ]+\]")


@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


class LanguageDetector:
    def __init__(self, default: str = "fi") -> None:
        if default not in SUPPORTED:
            raise ValueError(f"default language must be one of {SUPPORTED}")
        self.default = default
        self._identifier = _identifier()

    def detect(self, text: str, hint: str | None = None) -> str:
        decided = self.decide(text)
        if decided is not None:
            return decided
        fallback = hint if hint in SUPPORTED else self.default
        has_letters = bool(_LETTER.search(_PLACEHOLDER.sub(" ", text)))
        return fallback if has_letters or hint in SUPPORTED else OTHER

    def decide(self, text: str) -> str | None:
        """The language, or None when the text is too short to tell."""
        text = _PLACEHOLDER.sub(" ", text)
        letters = len(_LETTER.findall(text))
        if letters < _MIN_LETTERS:
            return None
        ranking = self._identifier.rank(text)
        best, probability = ranking[0]
        if best in SUPPORTED:
            return best
        if probability >= _SURE and letters >= _MIN_LETTERS_FOR_OTHER:
            return OTHER
        return next(lang for lang, _ in ranking if lang in SUPPORTED)

    def detect_batch(
        self, texts: Sequence[str], hints: Sequence[str | None] | None = None
    ) -> list[str]:
        """Each text's language. Without hints, a text too short to tell takes the
        language most of the batch is in: a file of English comments keeps "Thanks!"
        in English."""
        decided = [self.decide(text) for text in texts]
        if hints is None:
            common = Counter(lang for lang in decided if lang in SUPPORTED).most_common(1)
            hints = [common[0][0] if common else None] * len(texts)
        return [
            found if found is not None else self.detect(text, hint)
            for text, found, hint in zip(texts, decided, hints, strict=True)
        ]
