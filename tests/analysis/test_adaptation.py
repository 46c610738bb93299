import numpy as np
import pytest

from kaiku.analysis.adaptation import PolarityAdapter, adapt, weak_polarity
from kaiku.analysis.analyzer import Analyzer


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


@pytest.mark.parametrize(
    ("score", "scale", "emotions", "polarity"),
    [
        (2, (0, 10), (), "negative"),
        (6, (0, 10), (), "neutral"),
        (9, (0, 10), (), "positive"),
        (1, (1, 5), (), "negative"),
        (3, (1, 5), (), "neutral"),
        (4, (1, 5), (), "positive"),
        (10, (0, 10), ("anger", "sadness"), "negative"),  # the feeling speaks first
        (None, None, ("joy",), "positive"),
        (None, None, ("surprise",), None),
        (None, None, (), None),
    ],
)
def test_weak_polarity_from_scores_and_picked_emotions(score, scale, emotions, polarity):
    assert weak_polarity(score, scale, emotions) == polarity


def analyzer_scores(analyzer, texts):
    scored = analyzer.score_batch(texts, lang="fi")
    return np.array([s.polarity for s in scored]), np.array([s.lexicon for s in scored])


def _jargon_data(analyzer):
    # "Zorblax" is this organisation's failing gadget: no base model can know that.
    rng = np.random.default_rng(1)
    texts, labels = [], []
    for i in range(120):
        if i % 2:
            texts.append(f"Tilasin zorblaxin numero {rng.integers(1000)} ja se tuli perille.")
            labels.append("negative")
        else:
            texts.append(f"Tilasin kirjan numero {rng.integers(1000)} ja se tuli perille.")
            labels.append("positive")
    return texts, labels, *analyzer_scores(analyzer, texts)


def test_an_organisations_own_words_are_learnt_and_kept_when_better(analyzer):
    texts, labels, base, lexicon = _jargon_data(analyzer)
    result = adapt(texts, labels, base, lexicon)
    assert result.kept
    assert result.adapted_accuracy > result.base_accuracy
    assert result.held_out == 24 and result.train == 96
    base_one, lexicon_one = analyzer_scores(analyzer, ["Zorblax tuli perille."])
    probabilities = result.adapter.predict_proba(["Zorblax tuli perille."], base_one, lexicon_one)
    assert probabilities.shape == (1, 3)
    assert probabilities[0].argmax() == 1  # negative


def test_the_adapter_is_kept_only_if_it_does_no_worse(analyzer):
    texts, _, base, lexicon = _jargon_data(analyzer)
    noise = list(np.random.default_rng(3).choice(["positive", "negative"], len(texts)))
    result = adapt(texts, noise, base, lexicon)
    assert result.kept == (result.adapted_accuracy >= result.base_accuracy)
    assert (result.adapter is None) == (not result.kept)


def test_too_few_comments_keep_the_base_model(analyzer):
    texts, labels, base, lexicon = _jargon_data(analyzer)
    result = adapt(texts[:10], labels[:10], base[:10], lexicon[:10])
    assert not result.kept and result.reason == "too few labelled comments"


def test_an_adapter_travels_as_bytes_without_pickle(analyzer):
    texts, labels, base, lexicon = _jargon_data(analyzer)
    adapter = PolarityAdapter().fit(texts, labels, base, lexicon)
    again = PolarityAdapter.from_bytes(adapter.to_bytes())
    np.testing.assert_allclose(
        again.predict_proba(texts[:5], base[:5], lexicon[:5]),
        adapter.predict_proba(texts[:5], base[:5], lexicon[:5]),
        rtol=1e-5,
    )


def test_the_analyzer_uses_an_adapter_when_given(analyzer):
    texts, labels, base, lexicon = _jargon_data(analyzer)
    adapter = PolarityAdapter().fit(texts, labels, base, lexicon)
    plain = analyzer.analyze("Zorblax tuli perille.", lang="fi")
    adapted = analyzer.analyze_batch(["Zorblax tuli perille."], lang="fi", adapter=adapter)[0]
    assert adapted.polarity == "negative" and plain.polarity != "negative"
