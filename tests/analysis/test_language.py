import pytest

from kaiku.analysis.language import OTHER, LanguageDetector


@pytest.fixture(scope="module")
def detector():
    return LanguageDetector()


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Palvelu oli nopeaa ja henkilökunta todella ystävällistä.", "fi"),
        ("Personalen var trevlig men kön var alldeles för lång.", "sv"),
        ("The staff were friendly but the queue was far too long.", "en"),
        ("Das Personal war freundlich, aber die Warteschlange war viel zu lang.", OTHER),
    ],
)
def test_the_language_of_a_sentence(detector, text, language):
    assert detector.detect(text) == language


def test_a_text_too_short_to_tell_keeps_the_hint(detector):
    assert detector.detect("Kiitos!", hint="sv") == "sv"
    assert detector.detect("Ok", hint="en") == "en"
    assert detector.detect("Ok") == "fi"  # the default


def test_a_text_without_letters_is_other_unless_hinted(detector):
    assert detector.detect("👍👍") == OTHER
    assert detector.detect("👍👍", hint="sv") == "sv"


def test_placeholders_do_not_count_as_words(detector):
    assert detector.detect("[NIMI] [PUHELIN] kiitos", hint="en") == "en"


def test_in_a_batch_a_short_text_takes_the_batchs_language(detector):
    texts = ["The staff were friendly but the queue was far too long.", "Thanks!", "Ok"]
    assert detector.detect_batch(texts) == ["en", "en", "en"]
    assert detector.detect_batch(texts, hints=[None, "sv", None]) == ["en", "sv", "fi"]
