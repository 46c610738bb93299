import pytest

from kaiku.analysis.terms import TermList, tokenize


def keys(terms, text):
    return [(m.key, text[m.start : m.end]) for m in TermList(terms).find(tokenize(text))]


def test_a_stem_finds_inflected_and_derived_forms_and_compounds_that_start_with_it():
    found = keys({"waiting": ["jono"]}, "Jonotin, jonossa oli väkeä ja jonotusaika venyi.")
    assert found == [("waiting", "Jonotin"), ("waiting", "jonossa"), ("waiting", "jonotusaika")]


def test_a_starred_stem_also_finds_the_end_of_a_compound():
    assert keys({"service": ["*palvelu"]}, "Asiakaspalvelussa autettiin") == [
        ("service", "Asiakaspalvelussa")
    ]
    assert keys({"service": ["palvelu"]}, "Asiakaspalvelussa autettiin") == []


def test_an_exact_term_does_not_match_a_longer_word():
    assert keys({"neg": ["ei="]}, "Eilen ei soitettu") == [("neg", "ei")]


def test_a_phrase_needs_its_words_in_order():
    assert keys({"broken": ["ei toimi"]}, "Sovellus ei toiminut") == [("broken", "ei toiminut")]
    assert keys({"broken": ["ei toimi"]}, "Toimi ei") == []


def test_a_word_matched_by_two_terms_of_one_key_counts_once():
    assert len(keys({"waiting": ["jono", "*jono"]}, "jonossa")) == 1


def test_a_stem_of_one_letter_is_refused():
    with pytest.raises(ValueError, match="at least"):
        TermList({"x": ["a"]})
