import csv
import json
import subprocess
import sys
from pathlib import Path

from kaiku.analysis.labels import LABELS

DATA = Path(__file__).parent / "data"


def kaiku(*args, check=True):
    result = subprocess.run(
        [sys.executable, "-m", "kaiku.cli", *args], capture_output=True, text=True, timeout=300
    )
    if check and result.returncode:
        raise AssertionError(result.stderr)
    return result


def test_evaluate_polarity_prints_accuracy_macro_f1_and_n():
    report = json.loads(
        kaiku("evaluate", "--task", "polarity", "--input", str(DATA / "service_en.tsv")).stdout
    )
    assert report["n"] == 28
    assert 0 <= report["accuracy"] <= 1 and 0 <= report["macro_f1"] <= 1
    assert set(report["labels"]) == {"positive", "negative", "neutral"}


def test_evaluate_polarity_with_two_labels_decides_between_them(tmp_path):
    path = tmp_path / "two.tsv"
    rows = [
        line
        for line in (DATA / "service_en.tsv").read_text().splitlines()
        if not line.endswith("neutral")
    ]
    path.write_text("\n".join(rows) + "\n")
    report = json.loads(kaiku("evaluate", "--task", "polarity", "--input", str(path)).stdout)
    assert set(report["labels"]) == {"positive", "negative"}
    assert report["n"] == 20


def test_evaluate_emotions_scores_the_labels_present(tmp_path):
    path = tmp_path / "emotions.tsv"
    path.write_text(
        "id\ttext\tlabels\n"
        "1\tOlen niin vihainen, tämä on törkeää!\tanger\n"
        "2\tIhanaa, kiitos paljon!\tjoy\n"
        "3\tPelottaa mennä sinne uudestaan\tfear,sadness\n"
    )
    report = json.loads(kaiku("evaluate", "--task", "emotions", "--input", str(path)).stdout)
    assert set(report["labels"]) == {"anger", "joy", "fear", "sadness"}
    assert {"macro_f1", "micro_f1", "n"} <= set(report)
    assert set(report["labels"]["anger"]) == {"precision", "recall", "f1", "n"}


def test_evaluate_names_the_row_of_an_unknown_label(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("id\ttext\tlabels\n1\tHyvä\tjoy\n2\tHuono\tangry\n")
    result = kaiku("evaluate", "--task", "emotions", "--input", str(path), check=False)
    assert result.returncode != 0
    assert "row 3, labels: unknown angry" in result.stderr


def test_analyze_writes_one_output_row_per_input_row(tmp_path):
    source = tmp_path / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "comment"])
        writer.writerow(["a", "Jonotin tunnin, henkilökunta oli töykeää."])
        writer.writerow(["b", ""])
        writer.writerow(["c", "👍"])
        writer.writerow(["d", "<p>Thanks, great service!</p>"])
    out = tmp_path / "out.jsonl"
    result = kaiku(
        "analyze",
        "--input",
        str(source),
        "--text-column",
        "comment",
        "--id-column",
        "id",
        "--out",
        str(out),
    )
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["row"], r["id"], r["status"]) for r in records] == [
        (2, "a", "ok"),
        (3, "b", "empty"),
        (4, "c", "no_words"),
        (5, "d", "ok"),
    ]
    assert records[0]["polarity"] == "negative" and records[3]["language"] == "en"
    assert "4 rows analysed" in result.stderr


def test_analyze_to_csv(tmp_path):
    source = tmp_path / "in.tsv"
    source.write_bytes(b"text\nKiitos!\nbroken \xff bytes here\n")
    out = tmp_path / "out.csv"
    kaiku(
        "analyze",
        "--input",
        str(source),
        "--text-column",
        "text",
        "--out",
        str(out),
        "--no-progress",
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["problem"] for r in rows] == ["", "invalid_utf8"]
    assert all(f"p_{label}" in rows[0] for label in LABELS)


def test_analyze_reports_a_missing_column(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("a\n1\n")
    result = kaiku(
        "analyze",
        "--input",
        str(source),
        "--text-column",
        "text",
        "--out",
        str(tmp_path / "o.jsonl"),
        check=False,
    )
    assert result.returncode != 0 and "no column 'text'" in result.stderr


def _tiny_corpus(folder: Path) -> None:
    words = {
        "anger": "vihainen raivo suuttunut",
        "anticipation": "odotan innolla huomista",
        "disgust": "inhottava ällöttävä yök",
        "fear": "pelottaa pelko kauhu",
        "joy": "ihana ilo hieno",
        "sadness": "surullinen itku suru",
        "surprise": "yllättävä yllätys wau",
        "trust": "luotan sinuun aina",
        "neutral": "menen kauppaan tänään",
    }
    for split in ("train", "dev"):
        path = folder / "xed" / "fi" / f"{split}.tsv"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = ["id\ttext\tlabels"]
        for label, text in words.items():
            lines += [f"{label}-{i}\t{text} {i}\t{label}" for i in range(6)]
        path.write_text("\n".join(lines) + "\n")


def test_train_writes_a_model_that_analyze_can_load(tmp_path):
    _tiny_corpus(tmp_path / "data")
    out = tmp_path / "models"
    result = kaiku(
        "train",
        "--data",
        str(tmp_path / "data"),
        "--out",
        str(out),
        "--languages",
        "fi",
        "--version",
        "t1",
    )
    assert json.loads(result.stdout)["fi"]["emotions_macro_f1"] > 0.5
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["version"] == "t1" and manifest["languages"] == ["fi"]
    assert {p.name for p in (out / "fi").iterdir()} == {
        "model.json",
        "vocabulary.txt",
        "weights.npz",
    }

    from kaiku.analysis.analyzer import Analyzer

    analyzer = Analyzer(out)
    assert analyzer.analyze("olen niin vihainen", lang="fi").labels == ("anger",)


def test_train_for_an_organisation_goes_to_the_django_command(monkeypatch):
    from kaiku import cli

    called = []
    monkeypatch.setattr(cli, "_django", called.append)
    cli.main(["train", "--organisation", "demo"])
    assert called == [["train_organisation", "--organisation", "demo"]]


def test_serve_preloads_the_app_only_without_a_broker(monkeypatch):
    from kaiku import cli

    started = []
    monkeypatch.setattr(cli, "_django", lambda args: None)
    monkeypatch.setattr(cli, "_exec", started.append)
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    cli.serve([])
    assert "--preload" in started[-1]
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    cli.serve([])
    assert "--preload" not in started[-1]
