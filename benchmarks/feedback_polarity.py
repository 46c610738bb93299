"""Polarity on feedback-style text: the hand-written sets in benchmarks/data/feedback
(customer-service messages and service reviews in English, Swedish and Finnish),
scored the way `kaiku evaluate --task polarity` scores a file: languages detected,
and a file's labels are the choices (a 2-way file decides between positive and
negative). Prints accuracy on the dev half (odd ids, looked at while tuning) and
the test half (even ids, only reported), for Kaiku's default pipeline and for its
sentiment lexicon alone.

    .venv/bin/python benchmarks/feedback_polarity.py
"""

from __future__ import annotations

from pathlib import Path

from kaiku.analysis.analyzer import Analyzer, Scored
from kaiku.analysis.datasets import Example, read_labelled
from kaiku.analysis.evaluation import choose_polarity, polarity_report
from kaiku.analysis.labels import POLARITIES

DATA = Path(__file__).parent / "data" / "feedback"


def lexicon_choice(scored: Scored, allowed: list[str]) -> str:
    positive, negative = scored.lexicon
    if positive > negative and "positive" in allowed:
        return "positive"
    if negative > positive and "negative" in allowed:
        return "negative"
    if "neutral" in allowed:
        return "neutral"
    return "negative" if negative > positive else "positive"


def accuracy(examples: list[Example], scored: list[Scored], lexicon_only: bool) -> float:
    gold = [e.labels[0] for e in examples]
    allowed = [p for p in POLARITIES if p in gold]
    if lexicon_only:
        predicted = [lexicon_choice(s, allowed) for s in scored]
    else:
        predicted = [choose_polarity(s.polarity, allowed) for s in scored]
    return polarity_report(gold, predicted)["accuracy"]


def main() -> None:
    analyzer = Analyzer()
    print(f"model {analyzer.version}")
    header = f"{'file':<14}{'choices':>8}{'n':>5}  {'kaiku dev':>9}{'test':>7}"
    print(f"{header}  {'lexicon dev':>11}{'test':>7}")
    for path in sorted(DATA.glob("*.tsv")):
        examples = [e for e in read_labelled(path, {p: p for p in POLARITIES}) if e.labels]
        scored = analyzer.score_batch([e.text for e in examples])
        choices = len({e.labels[0] for e in examples})
        cells = []
        for lexicon_only in (False, True):
            for dev in (True, False):
                half = [
                    (e, s)
                    for e, s in zip(examples, scored, strict=True)
                    if (int(e.id.rsplit("-", 1)[1]) % 2 == 1) == dev
                ]
                cells.append(accuracy([e for e, _ in half], [s for _, s in half], lexicon_only))
        print(
            f"{path.stem:<14}{choices:>6}-way{len(examples):>5}  "
            f"{cells[0]:>9.3f}{cells[1]:>7.3f}  {cells[2]:>11.3f}{cells[3]:>7.3f}"
        )


if __name__ == "__main__":
    main()
