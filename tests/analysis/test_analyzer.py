import json
from pathlib import Path

import numpy as np
import pytest

from kaiku.analysis.analyzer import Analyzer, predict_labels
from kaiku.analysis.datasets import read_labelled
from kaiku.analysis.evaluation import choose_polarity
from kaiku.analysis.labels import LABELS, POLARITIES

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


def test_every_text_gets_one_result_in_order_whatever_it_holds(analyzer):
    texts = ["", "   ", "👍👍", "<b>Hyvä</b> palvelu", "x" * 100_000, "Kiitos!\x00", None]
    results = analyzer.analyze_batch(texts)
    assert [r.status for r in results] == ["empty", "empty", "no_words", "ok", "ok", "ok", "empty"]
    assert results[3].text == "Hyvä palvelu"
    assert results[4].truncated and len(results[4].text) <= 5000
    assert all(r.model_version == analyzer.version for r in results)


def test_an_analysis_has_nine_probabilities_a_label_set_valence_and_intensity(analyzer):
    result = analyzer.analyze("Henkilökunta oli todella töykeää ja jonotin tunnin.")
    assert result.language == "fi"
    assert set(result.emotions) == set(LABELS)
    assert all(0 <= p <= 1 for p in result.emotions.values())
    assert result.labels and set(result.labels) <= set(LABELS)
    assert result.polarity == "negative"
    assert -1 <= result.valence < 0
    assert 0 < result.intensity <= 1
    assert {"staff_attitude", "waiting_time"} <= {t.key for t in result.themes}
    assert any(flag.kind == "difficult_emotion" for flag in result.flags)


def test_theme_spans_point_into_the_redacted_text(analyzer):
    result = analyzer.analyze("Laskutus meni pieleen, soittakaa numeroon 040 123 4567")
    assert "[PUHELIN]" in result.text and "040" not in result.text
    assert result.redactions == ("phone",)
    span = next(t for t in result.themes if t.key == "billing")
    assert result.text[span.start : span.end] == "Laskutus"


def test_redaction_can_be_turned_off():
    result = Analyzer(redact=False).analyze("Soitin 040 123 4567")
    assert "040 123 4567" in result.text


def test_self_harm_is_flagged_urgent(analyzer):
    result = analyzer.analyze("En jaksa elää enää, kaikki on turhaa.")
    assert result.urgent
    assert any(flag.kind == "self_harm" and flag.urgent for flag in result.flags)


def test_positive_and_negative_comments_in_three_languages(analyzer):
    for text in (
        "Kiitos nopeasta palvelusta!",
        "Tack för den snabba servicen!",
        "Thanks for the quick service!",
    ):
        assert analyzer.analyze(text).polarity == "positive", text
    for text in ("Personalen var otrevlig.", "Henkilökunta oli töykeää.", "The staff were rude."):
        assert analyzer.analyze(text).polarity == "negative", text


def test_the_language_can_be_fixed_or_hinted(analyzer):
    assert analyzer.analyze("Ok", lang="sv").language == "sv"
    assert analyzer.analyze("Ok", hint="en").language == "en"
    assert analyzer.analyze("Das war sehr gut, vielen Dank für alles").language == "other"


def test_another_language_is_still_analysed(analyzer):
    result = analyzer.analyze("Das war sehr gut, vielen Dank für alles")
    assert result.status == "ok" and result.labels


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_service_comments_polarity_is_mostly_right(analyzer, lang):
    # A small hand-written set of service comments (tests/analysis/data); the models
    # never saw them. A floor against regressions, not a measure of quality.
    examples = read_labelled(
        DATA / f"service_{lang}.tsv", {p: p for p in ("positive", "negative", "neutral")}
    )
    scored = analyzer.score_batch([e.text for e in examples])
    two_way = [
        (e.labels[0], choose_polarity(s.polarity, ["positive", "negative"]))
        for e, s in zip(examples, scored)
        if e.labels[0] != "neutral"
    ]
    accuracy = sum(gold == predicted for gold, predicted in two_way) / len(two_way)
    assert accuracy >= 0.8


def test_labels_keep_to_what_is_allowed():
    emotional = np.array([0.9, 0.1, 0.6, 0.1, 0.2, 0.1, 0.1, 0.1])
    assert predict_labels(emotional, 0.2, 0.5, 0.5) == ("anger", "disgust")
    assert predict_labels(emotional, 0.7, 0.5, 0.5) == ("neutral",)
    assert predict_labels(emotional, 0.7, 0.5, 0.5, ["joy", "fear"]) == ("joy",)


def test_the_manifest_names_the_data_and_its_licences():
    from kaiku.analysis.analyzer import MODELS_DIR

    manifest = json.loads((MODELS_DIR / "manifest.json").read_text())
    assert "CC BY 4.0" in manifest["sources"]["xed"]
    assert "Apache" in manifest["sources"]["goemotions"]
    assert set(manifest["dev"]) == {"fi", "en", "sv"}


def test_shipped_models_are_plain_arrays_and_text_under_50_mb():
    from kaiku.analysis.analyzer import MODELS_DIR

    files = [p for p in MODELS_DIR.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} <= {".json", ".txt", ".npz"}
    assert sum(p.stat().st_size for p in files) < 50 * 1024 * 1024
    for path in MODELS_DIR.rglob("*.npz"):
        with np.load(path, allow_pickle=False) as arrays:
            assert all(arrays[name].dtype != object for name in arrays.files)


def test_a_question_without_a_sentiment_word_leans_neutral(analyzer):
    asked, said = analyzer.score_batch(
        ["Kan jag få fakturan på papper?", "Kan jag få fakturan på papper."], lang="sv"
    )
    neutral = POLARITIES.index("neutral")
    assert asked.polarity[neutral] > said.polarity[neutral]
