import pytest

from kaiku.analysis.lexicon import SentimentLexicon, SignalFinder, ThemeFinder
from kaiku.analysis.terms import tokenize


def sentiment(lang, text):
    return [(h.term, h.score) for h in SentimentLexicon(lang).hits(tokenize(text))]


def themes(lang, text, custom=None):
    return {h.theme for h in ThemeFinder(lang, custom).find(tokenize(text))}


def signals(lang, text):
    return {(h.signal, h.urgent) for h in SignalFinder(lang).find(tokenize(text))}


def test_a_negator_turns_a_word_and_weakens_it():
    assert sentiment("fi", "Henkilökunta ei ollut ystävällistä") == [("ystävälli", -0.5)]
    assert sentiment("en", "The staff were not rude") == [("rude", 1.0)]


def test_a_negative_phrase_is_not_read_as_a_negated_positive_word():
    assert sentiment("fi", "En suosittele") == [("en suosittele", -2.0)]


def test_an_intensifier_strengthens_the_next_word_instead_of_counting_itself():
    assert sentiment("fi", "kauhean hyvä palvelu") == [("hyvä", 1.5)]
    assert sentiment("sv", "väldigt trevlig personal") == [("trevlig", 1.5)]


def test_what_follows_but_counts_more_than_what_went_before():
    assert sentiment("fi", "Ystävällinen henkilökunta, mutta jonotin") == [
        ("ystävälli", 0.5),
        ("jonot", -1.5),
    ]
    assert sentiment("en", "Terrible instructions but the desk is sturdy") == [
        ("terrible", -1.0),
        ("sturdy", 1.5),
    ]


def test_of_two_terms_on_one_word_the_longer_wins():
    assert sentiment("fi", "Huonoin palvelu ikinä") == [("huonoin", -2.0)]
    assert sentiment("fi", "ammattitaidoton lääkäri") == [("ammattitaidoto", -2.0)]


def test_a_suggestion_takes_the_praise_word_out_of_play():
    assert sentiment("fi", "Olisi hyvä, jos aukioloajat näkyisivät") == [("olis hyvä", 0.0)]
    assert sentiment("en", "It would be great if you opened earlier") == [("would be great", 0.0)]


def test_an_account_handle_is_not_a_word():
    assert sentiment("en", "@QuickShipUK where is my parcel") == []
    assert [t.text for t in tokenize("@Telia don’t")] == ["don't"]


@pytest.mark.parametrize(
    ("lang", "text", "theme"),
    [
        ("fi", "Jonotin tunnin", "waiting_time"),
        ("fi", "jonotusaika oli pitkä", "waiting_time"),
        ("fi", "Odotusajat ovat venyneet", "waiting_time"),
        ("fi", "Laskussa oli virhe", "billing"),
        ("fi", "Sovellukseen ei päässyt kirjautumaan", "digital_service"),
        ("fi", "Henkilökunnan käytös oli tylyä", "staff_attitude"),
        ("sv", "Personalen var otrevlig", "staff_attitude"),
        ("sv", "Fakturan var fel", "billing"),
        ("en", "We queued for an hour", "waiting_time"),
        ("en", "The parcel arrived late", "delivery"),
    ],
)
def test_default_themes_reach_inflected_forms(lang, text, theme):
    assert theme in themes(lang, text)


def test_aika_alone_is_not_waiting_time():
    # "aika hyvä" is "quite good"
    assert themes("fi", "Aika hyvä palvelu, aikataulu piti") == set()


def test_an_organisation_can_bring_its_own_themes():
    custom = {"parking": {"fi": ["pysäk", "parkki"], "en": ["parking"]}}
    assert themes("fi", "Parkkipaikkoja ei löytynyt", custom) == {"parking"}


@pytest.mark.parametrize(
    ("lang", "text", "signal"),
    [
        ("fi", "Äitini kuoli viime kuussa ja perunkirjoitus on kesken", ("death_grief", False)),
        ("fi", "Sain syöpädiagnoosin", ("serious_illness", False)),
        ("fi", "Asiani on ulosotossa enkä pysty maksamaan", ("financial_crisis", False)),
        ("fi", "En jaksa elää enää", ("self_harm", True)),
        ("sv", "Jag vill inte leva längre", ("self_harm", True)),
        ("en", "I lost my job and can't afford the rent", ("financial_crisis", False)),
        ("en", "Sometimes I want to die", ("self_harm", True)),
        ("en", "My ex threatened me", ("violence", False)),
    ],
)
def test_life_events_and_crises_are_signalled(lang, text, signal):
    assert signal in signals(lang, text)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fi", "Olin vähän surullinen, kun kahvi oli loppu"),
        ("en", "The airport terminal was clean"),
        ("en", "I got my flu shot quickly"),
    ],
)
def test_everyday_words_are_not_crises(lang, text):
    assert signals(lang, text) == set()
