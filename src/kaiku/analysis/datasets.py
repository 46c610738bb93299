"""Labelled text for training and evaluation: TSV files with the columns id, text and
labels (comma-separated), as in ../shared/data/xed and ../shared/data/goemotions.

GoEmotions' 27 emotions are mapped onto Plutchik's eight. The mapping follows the
GoEmotions authors' own grouping into Ekman's six (anger, disgust, fear, joy, sadness,
surprise) and splits their "joy" group three ways, as Plutchik's wheel does: trust
(admiration, approval, caring, gratitude), anticipation (optimism, desire, curiosity)
and joy (the rest).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .labels import LABELS, polarity_of

GOEMOTIONS_TO_PLUTCHIK = {
    "anger": "anger",
    "annoyance": "anger",
    "disapproval": "anger",
    "disgust": "disgust",
    "fear": "fear",
    "nervousness": "fear",
    "sadness": "sadness",
    "disappointment": "sadness",
    "embarrassment": "sadness",
    "grief": "sadness",
    "remorse": "sadness",
    "surprise": "surprise",
    "realization": "surprise",
    "confusion": "surprise",
    "admiration": "trust",
    "approval": "trust",
    "caring": "trust",
    "gratitude": "trust",
    "optimism": "anticipation",
    "desire": "anticipation",
    "curiosity": "anticipation",
    "joy": "joy",
    "amusement": "joy",
    "excitement": "joy",
    "love": "joy",
    "pride": "joy",
    "relief": "joy",
    "neutral": "neutral",
}


class DatasetError(ValueError):
    """A labelled file that cannot be read; the message names the row and the field."""


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    labels: tuple[str, ...]


def read_labelled(path: Path, label_map: dict[str, str] | None = None) -> list[Example]:
    """Read a labelled TSV. Labels outside the map (or, without one, outside Kaiku's
    nine) are an error naming the row, so that a typo does not silently drop a class."""
    known = set(label_map) if label_map is not None else set(LABELS)
    examples = []
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"text", "labels"} - set(reader.fieldnames or ())
        if missing:
            raise DatasetError(f"{path}: missing column(s): {', '.join(sorted(missing))}")
        for number, row in enumerate(reader, start=2):
            names = [name.strip() for name in (row["labels"] or "").split(",") if name.strip()]
            unknown = [name for name in names if name not in known]
            if unknown:
                raise DatasetError(f"{path}, row {number}, labels: unknown {', '.join(unknown)}")
            if label_map is not None:
                names = [label_map[name] for name in names]
            examples.append(
                Example(
                    row.get("id") or str(number), row["text"] or "", tuple(dict.fromkeys(names))
                )
            )
    return examples


def read_goemotions(path: Path) -> list[Example]:
    return read_labelled(path, GOEMOTIONS_TO_PLUTCHIK)


def with_polarity(examples: list[Example]) -> list[tuple[Example, str]]:
    """The examples whose labels imply a polarity, with it."""
    return [(e, p) for e in examples if (p := polarity_of(e.labels)) is not None]
