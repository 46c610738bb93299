"""Training the shipped models from ../shared/data, tuning them on the dev splits, and
writing them with a manifest that records the version, the data and the dev figures.

Per language:
  fi  XED Finnish
  en  XED English and GoEmotions (mapped to Plutchik's eight, see datasets.py)
  sv  XED Swedish (projected labels, no neutral rows), with Finnish and English XED
      weighted lower, so that the neutral head has something to learn from
The decision thresholds and the weight of the sentiment lexicon are tuned on dev.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .analyzer import Analyzer
from .datasets import Example, read_goemotions, read_labelled, with_polarity
from .evaluation import choose_polarity, label_report, polarity_report
from .labels import EMOTIONS, LABELS, NEUTRAL, POLARITIES, polarity_of
from .model import EmotionModel
from .text import prepare

SOURCES = {
    "xed": "XED (Öhman et al. 2020), Helsinki-NLP, CC BY 4.0",
    "goemotions": "GoEmotions (Demszky et al. 2020), Google Research, Apache License 2.0",
}
LEXICON_WEIGHTS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)
# The dev data are film subtitles, where the words that describe a service are rare,
# so dev barely sees the lexicon. The strongest weight that costs dev no more than
# this is taken: on service comments the lexicon is what knows "jonotin" and "töykeä"
# (benchmarks/data/feedback measures it: docs/analysis.md).
LEXICON_TOLERANCE = 0.01
# Other languages' rows teach the Swedish model less than its own.
BORROWED_WEIGHT = 0.3


@dataclass
class Corpus:
    language: str
    train: list[Example]
    dev: list[Example]
    weights: list[float] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def corpora(data_dir: Path, languages: tuple[str, ...] = ("fi", "en", "sv")) -> list[Corpus]:
    def xed(lang: str, split: str) -> list[Example]:
        return read_labelled(data_dir / "xed" / lang / f"{split}.tsv")

    found = []
    for lang in languages:
        train, dev = xed(lang, "train"), xed(lang, "dev")
        weights = [1.0] * len(train)
        sources = [f"xed/{lang}"]
        if lang == "en":
            go = read_goemotions(data_dir / "goemotions" / "train.tsv")
            train += go
            weights += [1.0] * len(go)
            sources.append("goemotions")
        if lang == "sv":
            for other in ("fi", "en"):
                borrowed = xed(other, "train")
                train += borrowed
                weights += [BORROWED_WEIGHT] * len(borrowed)
                sources.append(f"xed/{other} (weight {BORROWED_WEIGHT})")
        found.append(Corpus(lang, train, dev, weights, sources))
    return found


def fit_language(corpus: Corpus, c: float = 2.0) -> EmotionModel:
    """Fit on the texts as the analyser will see them (cleaned by `text.prepare`)."""
    texts = [prepare(e.text).text for e in corpus.train]
    polar = [
        (text, p)
        for text, e in zip(texts, corpus.train, strict=True)
        if (p := polarity_of(e.labels))
    ]
    model = EmotionModel(c=c)
    model.fit(
        texts,
        [e.labels for e in corpus.train],
        [text for text, _ in polar],
        [p for _, p in polar],
        sample_weight=corpus.weights,
    )
    return model


def tune(analyzer: Analyzer, corpus: Corpus) -> dict:
    """Set the model's thresholds and the lexicon weight for best dev scores, and
    return the dev figures."""
    lang = corpus.language
    model = analyzer.models[lang]
    scored = analyzer.score_batch([e.text for e in corpus.dev], lang=lang)
    rows = [(e, s) for e, s in zip(corpus.dev, scored, strict=True) if s.emotional is not None]

    emotional_rows = [(e, s) for e, s in rows if NEUTRAL not in e.labels]
    grid = np.round(np.arange(0.2, 0.81, 0.02), 2)

    def emotion_f1(threshold: float) -> float:
        predicted = [s.labels(threshold, 1.0, EMOTIONS) for _, s in emotional_rows]
        return label_report([e.labels for e, _ in emotional_rows], predicted, EMOTIONS)["macro_f1"]

    model.threshold = float(max(grid, key=emotion_f1))
    present = [label for label in LABELS if any(label in e.labels for e, _ in rows)]
    if NEUTRAL in present:

        def all_f1(neutral_threshold: float) -> float:
            predicted = [s.labels(model.threshold, neutral_threshold) for _, s in rows]
            return label_report([e.labels for e, _ in rows], predicted, present)["macro_f1"]

        model.neutral_threshold = float(max(grid, key=all_f1))
    else:
        model.neutral_threshold = 1.0 if lang != "sv" else 0.5

    polar = with_polarity(corpus.dev)

    def polarity_accuracy(weight: float) -> float:
        analyzer.lexicon_weight[lang] = weight
        scores = analyzer.score_batch([e.text for e, _ in polar], lang=lang)
        allowed = [p for p in POLARITIES if any(gold == p for _, gold in polar)]
        predicted = [choose_polarity(s.polarity, allowed) for s in scores]
        return polarity_report([p for _, p in polar], predicted)["accuracy"]

    accuracies = {weight: polarity_accuracy(weight) for weight in LEXICON_WEIGHTS}
    best = max(accuracies.values())
    analyzer.lexicon_weight[lang] = max(
        w for w, a in accuracies.items() if a >= best - LEXICON_TOLERANCE
    )
    return dev_figures(analyzer, corpus)


def dev_figures(analyzer: Analyzer, corpus: Corpus) -> dict:
    lang = corpus.language
    model = analyzer.models[lang]
    emotional = [e for e in corpus.dev if NEUTRAL not in e.labels]
    scores = analyzer.score_batch([e.text for e in emotional], lang=lang)
    predicted = [s.labels(model.threshold, 1.0, EMOTIONS) for s in scores]
    emotions = label_report([e.labels for e in emotional], predicted, EMOTIONS)
    polar = with_polarity(corpus.dev)
    allowed = [p for p in POLARITIES if any(gold == p for _, gold in polar)]
    scores = analyzer.score_batch([e.text for e, _ in polar], lang=lang)
    polarity = polarity_report(
        [p for _, p in polar], [choose_polarity(s.polarity, allowed) for s in scores]
    )
    return {
        "emotions_macro_f1": emotions["macro_f1"],
        "emotions_micro_f1": emotions["micro_f1"],
        "emotions_n": emotions["n"],
        "polarity_accuracy": polarity["accuracy"],
        "polarity_macro_f1": polarity["macro_f1"],
        "polarity_n": polarity["n"],
        "polarities": allowed,
    }


def train(
    data_dir: Path,
    out_dir: Path,
    version: str,
    languages: tuple[str, ...] = ("fi", "en", "sv"),
    report: Callable[[str], None] = print,
) -> dict:
    """Train, tune and write every language's model to `out_dir` (replaced whole)."""
    staging = out_dir.with_name(out_dir.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    manifest: dict = {
        "version": version,
        "languages": list(languages),
        "lexicon_weight": {},
        "sources": SOURCES,
        "training": {},
        "dev": {},
    }
    corpus_list = corpora(data_dir, languages)
    for corpus in corpus_list:
        started = time.perf_counter()
        report(
            f"{corpus.language}: fitting on {len(corpus.train)} texts ({', '.join(corpus.sources)})"
        )
        model = fit_language(corpus)
        model.save(staging / corpus.language)
        manifest["training"][corpus.language] = {
            "sources": corpus.sources,
            "texts": len(corpus.train),
            "features": len(model.featurizer.vocabulary),
            "seconds": round(time.perf_counter() - started, 1),
        }
    (staging / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    )
    analyzer = Analyzer(staging, redact=False)
    for corpus in corpus_list:
        figures = tune(analyzer, corpus)
        manifest["dev"][corpus.language] = figures
        manifest["lexicon_weight"][corpus.language] = analyzer.lexicon_weight[corpus.language]
        analyzer.models[corpus.language].save(staging / corpus.language)
        report(f"{corpus.language}: dev {json.dumps(figures)}")
    (staging / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    )
    shutil.rmtree(out_dir, ignore_errors=True)
    staging.rename(out_dir)
    return manifest
