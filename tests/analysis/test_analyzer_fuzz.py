"""Generated text through Analyzer.analyze_batch: one result per input, each with a
status, never an exception, every figure in its range."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaiku.analysis.analyzer import Analyzer, TextAnalysis
from kaiku.analysis.labels import LABELS, POLARITIES
from kaiku.analysis.language import OTHER, SUPPORTED

STATUSES = {"ok", "empty", "no_words"}
PHRASES = [
    "Jonotin puhelimessa yli puoli tuntia.", "Bra service, men lång väntetid.",
    "The staff were rude, call me on +358 40 123 4567", "Очень плохое обслуживание",
    "خدمة سيئة جدا", "服务很差", "बहुत बुरी सेवा", "שירות גרוע", "Kiitos! 😀👍🏽",
    "ERITTÄIN HUONO!!!", "maija.meikalainen@example.org 010101-123N", "?", "...", "😡" * 40,
]  # fmt: skip
MARKUP = [
    "<b>", "</b>", "<script>alert(1)</script>", "<p>", "&amp;", "&#x1F600;", "<!-- x -->",
    "<img src=x onerror=alert(1)>", "<br/>", "]]>", "<<<>>>",
]  # fmt: skip


def _pieces() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=40),  # any code point but surrogates
        st.integers(0xD800, 0xDFFF).map(chr),  # a lone surrogate, as JSON can bring
        st.characters(max_codepoint=0x1F).map(str),  # control characters, NUL too
        st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF).map(str),  # emoji
        st.sampled_from(["\u200b", "\u200f", "\u202e", "\ufeff", "\u0301", "\ufffd"]),
        st.sampled_from(PHRASES),
        st.sampled_from(MARKUP),
    )


def _texts() -> st.SearchStrategy[str | None]:
    mixed = st.lists(_pieces(), max_size=12).map("".join)
    # Long ones cheaply: a piece repeated up to the limit and a little past it.
    long = st.tuples(_pieces(), st.integers(1, 20_000)).map(
        lambda t: (t[0] * (t[1] // max(len(t[0]), 1) + 1))[: t[1]]
    )
    return st.one_of(mixed, mixed, long, st.none())


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def _in_range(result: TextAnalysis) -> None:
    assert result.status in STATUSES
    assert result.language in (*SUPPORTED, OTHER)
    assert all(0 <= p <= 1 for p in result.emotions.values())
    assert -1 <= result.valence <= 1 and 0 <= result.intensity <= 1
    assert not any(math.isnan(x) for x in (result.valence, result.intensity))
    assert result.polarity in (*POLARITIES, "mixed")
    if result.status == "ok":
        assert set(result.emotions) == set(LABELS) and result.labels
    for span in (*result.themes, *(s for flag in result.flags for s in flag.spans)):
        assert 0 <= span.start <= span.end


@settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    texts=st.lists(_texts(), max_size=6),
    lang=st.sampled_from([None, None, *SUPPORTED]),
    hint=st.sampled_from([None, "fi", "sv", "en", "de", ""]),
    redact=st.booleans(),
)
def test_any_text_gets_one_result_in_range(
    analyzer: Analyzer, texts: list[str | None], lang: str | None, hint: str | None, redact: bool
) -> None:
    results = analyzer.analyze_batch(texts, lang=lang, hints=[hint] * len(texts), redact=redact)
    assert len(results) == len(texts)
    for result in results:
        _in_range(result)
