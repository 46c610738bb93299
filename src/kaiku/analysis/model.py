"""A language's emotion model: one-vs-rest logistic heads for the eight emotions and
neutral, and a softmax head for polarity, over the same sparse features.

Fitting uses scikit-learn (imported only then); predicting is NumPy alone, so that a
worker loads a model in well under a second. A model is saved as a folder of plain
files: `model.json` (labels, thresholds, settings), `vocabulary.txt` and
`weights.npz` (arrays; loaded with `allow_pickle=False`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .features import FeatureBatch, Featurizer, to_csr
from .labels import LABELS, NEUTRAL, POLARITIES


def _linear_scores(batch: FeatureBatch, weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
    scores = np.tile(bias.astype(np.float32), (len(batch), 1))
    lengths = np.diff(batch.offsets)
    filled = np.flatnonzero(lengths)
    if len(filled):
        contributions = weights[batch.indices].astype(np.float32) * batch.values[:, None]
        sums = np.add.reduceat(contributions, batch.offsets[filled], axis=0)
        scores[filled] += sums
    return scores


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class EmotionModel:
    """Emotion and polarity probabilities for texts in one language."""

    def __init__(self, featurizer: Featurizer | None = None, c: float = 2.0) -> None:
        self.featurizer = featurizer or Featurizer()
        self.c = c
        self.emotion_weights = np.zeros((0, len(LABELS)), dtype=np.float16)
        self.emotion_bias = np.zeros(len(LABELS), dtype=np.float32)
        self.polarity_weights = np.zeros((0, len(POLARITIES)), dtype=np.float16)
        self.polarity_bias = np.zeros(len(POLARITIES), dtype=np.float32)
        # Filled by tuning on dev data: a label is predicted when its probability
        # reaches the threshold; the most probable label is always predicted.
        self.threshold = 0.5
        # Neutral alone is predicted when its probability reaches this.
        self.neutral_threshold = 0.5
        self.info: dict = {}

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Sequence[str]],
        polarity_texts: Sequence[str],
        polarities: Sequence[str],
        sample_weight: Sequence[float] | None = None,
    ) -> EmotionModel:
        from sklearn.linear_model import LogisticRegression

        self.featurizer.fit(list(texts) + list(polarity_texts))
        n_features = len(self.featurizer.vocabulary)
        x = to_csr(self.featurizer.transform(texts), n_features)
        weights = np.zeros((n_features, len(LABELS)), dtype=np.float32)
        # Emotion heads learn from emotional rows only, so that each tells one emotion
        # from the others; the neutral head tells emotional rows from neutral ones.
        emotional = np.array([NEUTRAL not in row for row in labels])
        weights_per_row = (
            np.ones(len(labels)) if sample_weight is None else np.asarray(sample_weight)
        )
        for k, label in enumerate(LABELS):
            rows = slice(None) if label == NEUTRAL else emotional
            y = np.array([label in row for row in labels], dtype=int)[rows]
            head = LogisticRegression(C=self.c, max_iter=3000, class_weight="balanced")
            head.fit(x[rows], y, sample_weight=weights_per_row[rows])
            weights[:, k] = head.coef_[0]
            self.emotion_bias[k] = head.intercept_[0]
        self.emotion_weights = weights.astype(np.float16)

        x = to_csr(self.featurizer.transform(polarity_texts), n_features)
        y = np.array([POLARITIES.index(p) for p in polarities])
        head = LogisticRegression(C=self.c, max_iter=3000, class_weight="balanced")
        head.fit(x, y)
        self.polarity_weights = head.coef_.T.astype(np.float16)
        self.polarity_bias = head.intercept_.astype(np.float32)
        return self

    def features(self, texts: Sequence[str]) -> FeatureBatch:
        return self.featurizer.transform(texts)

    def emotion_proba(self, batch: FeatureBatch) -> np.ndarray:
        """(n, 9) probabilities in the order of `labels.LABELS`."""
        return _sigmoid(_linear_scores(batch, self.emotion_weights, self.emotion_bias))

    def polarity_proba(self, batch: FeatureBatch) -> np.ndarray:
        """(n, 3) probabilities in the order of `labels.POLARITIES`."""
        return _softmax(_linear_scores(batch, self.polarity_weights, self.polarity_bias))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        meta = {
            "labels": list(LABELS),
            "polarities": list(POLARITIES),
            "threshold": self.threshold,
            "neutral_threshold": self.neutral_threshold,
            "c": self.c,
            "features": self.featurizer.config(),
            "info": self.info,
        }
        (folder / "model.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
        (folder / "vocabulary.txt").write_text(self.featurizer.vocabulary_lines(), encoding="utf-8")
        arrays: dict[str, np.ndarray] = {
            "emotion_weights": self.emotion_weights,
            "emotion_bias": self.emotion_bias,
            "polarity_weights": self.polarity_weights,
            "polarity_bias": self.polarity_bias,
            **self.featurizer.to_arrays(),
        }
        # The stub types **kwargs as if `allow_pickle` could be among them.
        np.savez_compressed(folder / "weights.npz", **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, folder: Path) -> EmotionModel:
        meta = json.loads((folder / "model.json").read_text())
        if tuple(meta["labels"]) != LABELS or tuple(meta["polarities"]) != POLARITIES:
            raise ValueError(f"{folder}: the model's labels are not this version's labels")
        with np.load(folder / "weights.npz", allow_pickle=False) as arrays:
            loaded = {name: arrays[name] for name in arrays.files}
        vocabulary = (folder / "vocabulary.txt").read_text(encoding="utf-8")
        model = cls(Featurizer.from_saved(meta["features"], vocabulary, loaded), c=meta["c"])
        model.emotion_weights = loaded["emotion_weights"]
        model.emotion_bias = loaded["emotion_bias"]
        model.polarity_weights = loaded["polarity_weights"]
        model.polarity_bias = loaded["polarity_bias"]
        model.threshold = meta["threshold"]
        model.neutral_threshold = meta["neutral_threshold"]
        model.info = meta["info"]
        return model
