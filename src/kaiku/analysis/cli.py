"""`kaiku analyze`, `kaiku evaluate` and `kaiku train`: the analysis engine from the
command line, with no database."""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from itertools import islice
from pathlib import Path

from tqdm import tqdm

from .analyzer import MODELS_DIR, Analyzer
from .datasets import DatasetError, read_labelled
from .evaluation import choose_polarity, label_report, labels_present, polarity_report
from .files import InputError, ResultWriter, count_rows, read_texts
from .labels import LABELS, POLARITIES
from .language import SUPPORTED

CHUNK = 1000
DEFAULT_DATA = Path("../shared/data")


def analyze(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="kaiku analyze", description="Analyse the free text in a file, row by row."
    )
    parser.add_argument("--input", required=True, type=Path, help="csv, tsv, xlsx or jsonl")
    parser.add_argument("--text-column", required=True)
    parser.add_argument("--id-column", help="Carried to the output as `id`.")
    parser.add_argument("--out", required=True, type=Path, help="jsonl or csv")
    parser.add_argument("--lang", choices=SUPPORTED, help="Skip detection: every text is in LANG.")
    parser.add_argument(
        "--no-redact", action="store_true", help="Keep personal data in the output."
    )
    parser.add_argument("--no-progress", action="store_true")
    options = parser.parse_args(argv)
    fmt = options.out.suffix.lower().lstrip(".")
    if fmt not in ("jsonl", "csv"):
        parser.error("--out must end in .jsonl or .csv")
    try:
        rows = read_texts(options.input, options.text_column, options.id_column)
        total = count_rows(options.input)
        analyzer = Analyzer(redact=not options.no_redact)
        counts: dict[str, int] = {}
        started = time.perf_counter()
        with (
            options.out.open("w", encoding="utf-8", newline="") as out,
            tqdm(total=total, unit=" texts", disable=options.no_progress, file=sys.stderr) as bar,
        ):
            writer = ResultWriter(out, fmt, tuple(LABELS))
            while chunk := list(islice(rows, CHUNK)):
                results = analyzer.analyze_batch([row.text for row in chunk], lang=options.lang)
                for row, result in zip(chunk, results, strict=True):
                    writer.write(row, result.as_dict())
                    key = row.problem or result.status
                    counts[key] = counts.get(key, 0) + 1
                bar.update(len(chunk))
    except (InputError, OSError) as exc:
        sys.exit(f"kaiku analyze: {exc}")
    seconds = time.perf_counter() - started
    written = sum(counts.values())
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    print(
        f"{written} rows analysed in {seconds:.1f} s ({summary}); model {analyzer.version}; "
        f"written to {options.out}",
        file=sys.stderr,
    )


def evaluate(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="kaiku evaluate",
        description="Score the analyser on a labelled TSV (id, text, labels) and print JSON.",
    )
    parser.add_argument("--task", required=True, choices=("emotions", "polarity"))
    parser.add_argument("--input", required=True, type=Path)
    parser.add_argument("--lang", choices=SUPPORTED, help="Skip detection: every text is in LANG.")
    options = parser.parse_args(argv)
    universe = LABELS if options.task == "emotions" else POLARITIES
    try:
        examples = read_labelled(options.input, {label: label for label in universe})
    except (DatasetError, OSError) as exc:
        sys.exit(f"kaiku evaluate: {exc}")
    examples = [e for e in examples if e.labels]
    analyzer = Analyzer()
    scored = analyzer.score_batch([e.text for e in examples], lang=options.lang)
    gold = [e.labels for e in examples]
    present = labels_present(gold, universe)
    if options.task == "emotions":
        predicted = []
        for s in scored:
            model = analyzer.models[s.model_language]
            predicted.append(s.labels(model.threshold, model.neutral_threshold, present))
        report = label_report(gold, predicted, present)
    else:
        report = polarity_report(
            [g[0] for g in gold], [choose_polarity(s.polarity, present) for s in scored]
        )
    report = {
        "task": options.task,
        "input": str(options.input),
        "model_version": analyzer.version,
        **report,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


def train(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="kaiku train",
        description="Train the emotion models from ../shared/data and tune them on dev.",
    )
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="Folder with xed/ and goemotions/."
    )
    parser.add_argument("--out", type=Path, default=MODELS_DIR)
    parser.add_argument("--version", default=datetime.date.today().strftime("%Y.%m.%d"))
    parser.add_argument("--languages", default=",".join(SUPPORTED))
    options = parser.parse_args(argv)
    from .training import train as train_models

    languages = tuple(lang.strip() for lang in options.languages.split(",") if lang.strip())
    if not (options.data / "xed").is_dir():
        sys.exit(f"kaiku train: no xed/ under {options.data}; pass --data")
    manifest = train_models(
        options.data,
        options.out,
        options.version,
        languages,
        report=lambda line: print(line, file=sys.stderr),
    )
    print(json.dumps(manifest["dev"], indent=2))


COMMANDS = {"analyze": analyze, "evaluate": evaluate, "train": train}
