"""Adapting polarity to one organisation's own feedback.

An organisation's comments come with what the respondent also said: a score (NPS,
CSAT, overall satisfaction) or the emotions they picked. Those are weak labels for the
comment's polarity. A `PolarityAdapter` learns, from them, a logistic layer over the
base model's polarity, the sentiment lexicon and the organisation's own words (its
product names, its jargon), and is kept only if it scores at least as well as the
base model on a held-out slice of the organisation's data.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .features import FeatureBatch, Featurizer, to_csr
from .labels import POLARITIES, polarity_of

# Normalised score (0 = the scale's lowest, 1 = its highest) at or below which a
# comment is read as negative, and at or above which as positive.
NEGATIVE_AT = 0.4
POSITIVE_AT = 0.75
MIN_EXAMPLES = 40
HELD_OUT = 0.2
SEED = 7


def weak_polarity(
    score: float | None = None,
    scale: tuple[int, int] | None = None,
    emotions: Iterable[str] = (),
) -> str | None:
    """The polarity a respondent's own answers give their comment, or None. Emotions
    they picked speak more directly of the feeling than a score does."""
    from_emotions = polarity_of(emotions)
    if from_emotions is not None:
        return from_emotions
    if score is None or scale is None:
        return None
    low, high = scale
    normalised = (score - low) / (high - low)
    if normalised <= NEGATIVE_AT:
        return "negative"
    if normalised >= POSITIVE_AT:
        return "positive"
    return "neutral"


def _dense(base: np.ndarray, lexicon: np.ndarray) -> np.ndarray:
    """The base model's view of each text: log-probabilities and lexicon sums."""
    return np.hstack([np.log(np.clip(base, 1e-6, 1.0)), np.log1p(lexicon)]).astype(np.float32)


class PolarityAdapter:
    def __init__(self, c: float = 1.0) -> None:
        self.c = c
        self.featurizer = Featurizer(char_range=(3, 5), min_df=2)
        self.weights = np.zeros((0, len(POLARITIES)), dtype=np.float32)
        self.bias = np.zeros(len(POLARITIES), dtype=np.float32)
        self.info: dict = {}

    def fit(
        self, texts: Sequence[str], labels: Sequence[str], base: np.ndarray, lexicon: np.ndarray
    ) -> PolarityAdapter:
        from scipy.sparse import csr_matrix, hstack
        from sklearn.linear_model import LogisticRegression

        self.featurizer.fit(texts)
        sparse = to_csr(self.featurizer.transform(texts), len(self.featurizer.vocabulary))
        x = hstack([csr_matrix(_dense(base, lexicon)), sparse]).tocsr()
        y = [POLARITIES.index(label) for label in labels]
        head = LogisticRegression(C=self.c, max_iter=3000, class_weight="balanced")
        head.fit(x, y)
        # As softmax logits over all three polarities: a polarity the organisation's
        # labels never show gets a logit low enough never to win.
        weights = np.zeros((x.shape[1], len(POLARITIES)), dtype=np.float32)
        bias = np.full(len(POLARITIES), -30.0, dtype=np.float32)
        if len(head.classes_) == 2:
            negative_class, positive_class = head.classes_
            bias[negative_class] = 0.0
            weights[:, positive_class] = head.coef_[0]
            bias[positive_class] = head.intercept_[0]
        else:
            for row, cls in enumerate(head.classes_):
                weights[:, cls] = head.coef_[row]
                bias[cls] = head.intercept_[row]
        self.weights, self.bias = weights, bias
        return self

    def predict_proba(
        self, texts: Sequence[str], base: np.ndarray, lexicon: np.ndarray
    ) -> np.ndarray:
        dense = _dense(base, lexicon)
        n_dense = dense.shape[1]
        scores = dense @ self.weights[:n_dense] + self.bias
        batch: FeatureBatch = self.featurizer.transform(texts)
        lengths = np.diff(batch.offsets)
        filled = np.flatnonzero(lengths)
        if len(filled):
            contributions = self.weights[n_dense + batch.indices] * batch.values[:, None]
            scores[filled] += np.add.reduceat(contributions, batch.offsets[filled], axis=0)
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    # Saved as one bytes value (an .npz with the vocabulary as an array of strings and
    # the settings as JSON), for a database column; loaded without pickle.
    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            weights=self.weights,
            bias=self.bias,
            idf=self.featurizer.idf,
            vocabulary=np.array([self.featurizer.vocabulary_lines()]),
            meta=np.array(
                [json.dumps({"c": self.c, "features": self.featurizer.config(), "info": self.info})]
            ),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> PolarityAdapter:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            meta = json.loads(str(arrays["meta"][0]))
            adapter = cls(c=meta["c"])
            adapter.featurizer = Featurizer.from_saved(
                meta["features"], str(arrays["vocabulary"][0]), {"idf": arrays["idf"]}
            )
            adapter.weights = arrays["weights"]
            adapter.bias = arrays["bias"]
            adapter.info = meta["info"]
        return adapter


@dataclass(frozen=True)
class AdaptationResult:
    adapter: PolarityAdapter | None  # None when the base model stays
    kept: bool
    train: int
    held_out: int
    base_accuracy: float
    adapted_accuracy: float
    reason: str = ""

    def as_dict(self) -> dict:
        return {
            "kept": self.kept,
            "train": self.train,
            "held_out": self.held_out,
            "base_accuracy": round(self.base_accuracy, 4),
            "adapted_accuracy": round(self.adapted_accuracy, 4),
            "reason": self.reason,
        }


def held_out_split(labels: Sequence[str], share: float = HELD_OUT, seed: int = SEED) -> np.ndarray:
    """A boolean mask of held-out rows, the same share of each label."""
    rng = np.random.default_rng(seed)
    mask = np.zeros(len(labels), dtype=bool)
    for label in set(labels):
        rows = np.flatnonzero(np.array(labels) == label)
        rng.shuffle(rows)
        mask[rows[: round(len(rows) * share)]] = True
    return mask


def adapt(
    texts: Sequence[str], labels: Sequence[str], base: np.ndarray, lexicon: np.ndarray
) -> AdaptationResult:
    """Fit on most of the data, compare with the base model on the rest, and keep the
    adapter only if it is at least as accurate there; then refit it on everything."""
    present = [p for p in POLARITIES if p in set(labels)]
    if len(texts) < MIN_EXAMPLES or len(present) < 2:
        return AdaptationResult(None, False, len(texts), 0, 0.0, 0.0, "too few labelled comments")
    held = held_out_split(labels)
    train = ~held
    gold = [labels[int(i)] for i in np.flatnonzero(held)]

    def accuracy(probabilities: np.ndarray) -> float:
        allowed = [POLARITIES.index(p) for p in present]
        predicted = [POLARITIES[allowed[int(np.argmax(row[allowed]))]] for row in probabilities]
        return float(np.mean([p == g for p, g in zip(predicted, gold, strict=True)]))

    pick = lambda seq, mask: [seq[int(i)] for i in np.flatnonzero(mask)]  # noqa: E731
    adapter = PolarityAdapter().fit(
        pick(texts, train), pick(labels, train), base[train], lexicon[train]
    )
    base_accuracy = accuracy(base[held])
    adapted_accuracy = accuracy(adapter.predict_proba(pick(texts, held), base[held], lexicon[held]))
    if adapted_accuracy < base_accuracy:
        return AdaptationResult(
            None,
            False,
            int(train.sum()),
            int(held.sum()),
            base_accuracy,
            adapted_accuracy,
            "the base model was more accurate on the held-out comments",
        )
    final = PolarityAdapter().fit(texts, labels, base, lexicon)
    final.info = {
        "base_accuracy": base_accuracy,
        "adapted_accuracy": adapted_accuracy,
        "examples": len(texts),
    }
    return AdaptationResult(
        final, True, int(train.sum()), int(held.sum()), base_accuracy, adapted_accuracy
    )
