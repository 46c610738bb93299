"""Scoring the analyser against labelled text: emotions (multi-label, macro- and
micro-F1 over the labels present) and polarity (accuracy and macro-F1 over the
polarities present)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .labels import LABELS, POLARITIES


def label_report(
    gold: Sequence[Iterable[str]], predicted: Sequence[Iterable[str]], labels: Sequence[str]
) -> dict:
    """Precision, recall and F1 per label, and their macro and micro averages."""
    per_label = {}
    totals = np.zeros(3)
    for label in labels:
        tp = sum(label in g and label in p for g, p in zip(gold, predicted, strict=True))
        fp = sum(label not in g and label in p for g, p in zip(gold, predicted, strict=True))
        fn = sum(label in g and label not in p for g, p in zip(gold, predicted, strict=True))
        totals += (tp, fp, fn)
        per_label[label] = {**_prf(tp, fp, fn), "n": tp + fn}
    macro = float(np.mean([row["f1"] for row in per_label.values()])) if labels else 0.0
    return {
        "macro_f1": round(macro, 4),
        "micro_f1": _prf(*totals)["f1"],
        "labels": per_label,
        "n": len(gold),
    }


def _prf(tp: float, fp: float, fn: float) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(float(precision), 4),
        "recall": round(float(recall), 4),
        "f1": round(float(f1), 4),
    }


def labels_present(gold: Sequence[Iterable[str]], universe: Sequence[str] = LABELS) -> list[str]:
    seen = set().union(*map(set, gold)) if gold else set()
    return [label for label in universe if label in seen]


def polarity_report(gold: Sequence[str], predicted: Sequence[str]) -> dict:
    present = [p for p in POLARITIES if p in set(gold)]
    report = label_report([{g} for g in gold], [{p} for p in predicted], present)
    accuracy = (
        sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold) if gold else 0.0
    )
    return {
        "accuracy": round(accuracy, 4),
        "macro_f1": report["macro_f1"],
        "labels": report["labels"],
        "n": len(gold),
    }


def choose_polarity(probabilities: np.ndarray | None, allowed: Sequence[str]) -> str:
    """The most probable polarity among those allowed (an evaluation file with only
    positive and negative rows asks to decide between those two)."""
    if probabilities is None:
        return "neutral" if "neutral" in allowed else allowed[0]
    return max(allowed, key=lambda p: probabilities[POLARITIES.index(p)])
