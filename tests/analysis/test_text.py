from kaiku.analysis.text import EMPTY, NO_WORDS, OK, prepare


def test_whitespace_only_is_empty():
    assert prepare("  \n\t ").status == EMPTY
    assert prepare(None).status == EMPTY


def test_emoji_only_has_no_words():
    prepared = prepare("👍👍🙂")
    assert prepared.status == NO_WORDS
    assert prepared.text == "👍👍🙂"


def test_markup_is_removed_and_entities_decoded():
    prepared = prepare("<p>Hyvä <b>palvelu</b> &amp; nopea</p><script>x</script>")
    assert prepared.status == OK
    assert prepared.had_markup
    assert prepared.text == "Hyvä palvelu & nopea x"


def test_control_and_invisible_characters_are_dropped():
    prepared = prepare("Hy\x00vä\u200b\x1b palvelu\r\nkiitos")
    assert prepared.text == "Hyvä palvelu kiitos"


def test_a_long_text_is_cut_at_a_word_and_marked():
    prepared = prepare("sana " * 30_000, max_chars=5000)
    assert prepared.truncated
    assert len(prepared.text) <= 5000
    assert prepared.text.endswith("sana")
