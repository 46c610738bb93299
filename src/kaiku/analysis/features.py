"""Text to sparse features: word uni- and bigrams and character n-grams within words,
weighted by sublinear TF-IDF and L2-normalised per block.

The same code turns text into features when a model is trained and when it predicts,
so the two cannot drift apart. Prediction needs only NumPy: a batch becomes three flat
arrays (feature indices, weights, row offsets) that a linear model consumes with one
gather and one `np.add.reduceat`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise, repeat

import numpy as np

_CHAR_CACHE_SIZE = 200_000
_WORD = re.compile(r"\w+|[^\w\s]+")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class FeatureBatch:
    """Sparse rows: row i's features are indices[offsets[i]:offsets[i + 1]]."""

    indices: np.ndarray
    values: np.ndarray
    offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.offsets) - 1


def words(text: str) -> list[str]:
    """Lower-case word tokens, digits folded to 0 so that numbers share features."""
    return _WORD.findall(_DIGIT.sub("0", text.lower()))


def _word_terms(tokens: Sequence[str]) -> list[str]:
    # Word terms are tagged with a tab, which no character n-gram can hold.
    terms = ["w\t" + token for token in tokens]
    terms += ["b\t" + a + " " + b for a, b in pairwise(tokens)]
    return terms


def _char_terms(tokens: Sequence[str], low: int, high: int) -> list[str]:
    terms: list[str] = []
    for token in tokens:
        padded = " " + token + " "
        length = len(padded)
        terms += [
            padded[i : i + n]
            for n in range(low, min(high, length) + 1)
            for i in range(length - n + 1)
        ]
    return terms


class Featurizer:
    """Fit a vocabulary and IDF weights on training texts; transform texts to rows."""

    def __init__(self, char_range: tuple[int, int] = (2, 5), min_df: int = 2) -> None:
        self.char_range = char_range
        self.min_df = min_df
        self.vocabulary: dict[str, int] = {}
        self.idf = np.zeros(0, dtype=np.float32)
        self._word_block = np.zeros(0, dtype=bool)
        self._char_cache: dict[str, tuple[int, ...]] = {}

    def _blocks(self, text: str) -> tuple[list[str], list[str]]:
        tokens = words(text)
        return _word_terms(tokens), _char_terms(tokens, *self.char_range)

    def fit(self, texts: Iterable[str]) -> Featurizer:
        document_frequency: Counter[str] = Counter()
        n_documents = 0
        for text in texts:
            word_terms, char_terms = self._blocks(text)
            document_frequency.update(set(word_terms))
            document_frequency.update(set(char_terms))
            n_documents += 1
        kept = sorted(term for term, df in document_frequency.items() if df >= self.min_df)
        self.vocabulary = {term: index for index, term in enumerate(kept)}
        self.idf = np.array(
            [math.log((1 + n_documents) / (1 + document_frequency[term])) + 1 for term in kept],
            dtype=np.float32,
        )
        self._word_block = np.array([term[1:2] == "\t" for term in kept], dtype=bool)
        self._char_cache = {}
        return self

    def _char_indices(self, token: str) -> tuple[int, ...]:
        """A word's known character n-grams. Feedback repeats its words, so each word's
        are found once and remembered."""
        found = self._char_cache.get(token)
        if found is None:
            grams = _char_terms([token], *self.char_range)
            found = tuple(i for i in map(self.vocabulary.get, grams) if i is not None)
            if len(self._char_cache) >= _CHAR_CACHE_SIZE:
                self._char_cache.clear()
            self._char_cache[token] = found
        return found

    def transform(self, texts: Iterable[str]) -> FeatureBatch:
        vocabulary = self.vocabulary
        indices: list[int] = []
        counts: list[int] = []
        offsets = [0]
        lookup = vocabulary.get
        char_indices = self._char_indices
        for text in texts:
            tokens = words(text)
            block = _word_terms(tokens)
            # Unknown terms count under -1, dropped after: cheaper than testing each.
            found = Counter(map(lookup, block, repeat(-1, len(block))))
            found.pop(-1, None)
            indices += found.keys()
            counts += found.values()
            found = Counter(chain.from_iterable(map(char_indices, tokens)))
            indices += found.keys()
            counts += found.values()
            offsets.append(len(indices))
        index_array = np.array(indices, dtype=np.int32)
        values = (1.0 + np.log(np.array(counts, dtype=np.float32))) * self.idf[index_array]
        offset_array = np.array(offsets, dtype=np.int64)
        return FeatureBatch(
            index_array,
            _normalise_blocks(values, index_array, offset_array, self._word_block),
            offset_array,
        )

    # Saving: the vocabulary as text (one term per line, so the index is the line
    # number) and the weights as arrays; no pickle anywhere.
    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"idf": self.idf}

    def vocabulary_lines(self) -> str:
        terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return "\n".join(terms)

    @classmethod
    def from_saved(
        cls, config: dict, vocabulary_text: str, arrays: dict[str, np.ndarray]
    ) -> Featurizer:
        featurizer = cls(char_range=tuple(config["char_range"]), min_df=config["min_df"])
        terms = vocabulary_text.split("\n") if vocabulary_text else []
        featurizer.vocabulary = {term: index for index, term in enumerate(terms)}
        featurizer.idf = arrays["idf"].astype(np.float32)
        featurizer._word_block = np.array([term[1:2] == "\t" for term in terms], dtype=bool)
        featurizer._char_cache = {}
        return featurizer

    def config(self) -> dict:
        return {"char_range": list(self.char_range), "min_df": self.min_df}


def _normalise_blocks(
    values: np.ndarray, indices: np.ndarray, offsets: np.ndarray, word_block: np.ndarray
) -> np.ndarray:
    """L2-normalise the word block and the character block of each row separately, so
    that neither drowns the other whatever the text's length."""
    if not len(values):
        return values
    rows = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    block = rows * 2 + (~word_block[indices]).astype(np.int64)
    norms = np.sqrt(np.bincount(block, weights=values * values, minlength=2 * (len(offsets) - 1)))
    return (values / np.maximum(norms[block], 1e-12)).astype(np.float32)


def to_csr(batch: FeatureBatch, n_features: int):  # pragma: no cover - training only
    from scipy.sparse import csr_matrix

    return csr_matrix((batch.values, batch.indices, batch.offsets), shape=(len(batch), n_features))
