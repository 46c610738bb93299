"""PII redaction: each kind found where it is, and look-alikes left alone."""

from __future__ import annotations

import pytest

from kaiku.analysis.redaction import Redactor

redact = Redactor().redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Soitin 040 123 4567 eilen", "Soitin [PUHELIN] eilen"),
        ("Soittakaa +358 50 1234567, kiitos", "Soittakaa [PUHELIN], kiitos"),
        ("Ring mig på 09 310 1691.", "Ring mig på [PUHELIN]."),
        (
            "Vastaa osoitteeseen maija.meikalainen@example.fi pian",
            "Vastaa osoitteeseen [SÄHKÖPOSTI] pian",
        ),
        ("Hetuni on 131052-308T.", "Hetuni on [HENKILÖTUNNUS]."),
        ("Mitt personnummer är 19811218-9876", "Mitt personnummer är [HENKILÖTUNNUS]"),
        ("Tilille FI21 1234 5600 0007 85 tuli veloitus", "Tilille [TILINUMERO] tuli veloitus"),
        (
            "Kortilta 4111 1111 1111 1111 veloitettiin kahdesti",
            "Kortilta [MAKSUKORTTI] veloitettiin kahdesti",
        ),
        ("Hoitaja Marja oli ihana", "Hoitaja [NIMI] oli ihana"),
        ("Kiitos Pekka Virtaselle avusta", "Kiitos [NIMI] avusta"),
        ("Vastaanotossa Heikki selitti kaiken", "Vastaanotossa [NIMI] selitti kaiken"),
        ("My name is Joy Smith and the nurse was kind", "My name is [NIMI] and the nurse was kind"),
        ("Ask for Mark.", "Ask for [NIMI]."),
    ],
)
def test_personal_data_is_replaced_by_its_placeholder(text: str, expected: str) -> None:
    assert redact(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "tilausnumero 040123 ei löytynyt",  # too short for a phone number
        "Tilaus 1234567890 tuli perille",  # a number that is no phone
        "Viite 131052-308U on väärin",  # an identity code's shape with a wrong check character
        "Kortti 4111 1111 1111 1112 ei kelvannut",  # fails the Luhn check
        "Ilo oli suuri, kun jono liikkui",  # a name that is a word, opening a sentence
        "Toivo on, että ensi kerralla on parempi",
        "Joy was all I felt.",
        "Marja-aika on parasta",  # not the name
        "Jono oli pitkä ja Kela ei vastannut",  # capitalised, not a name
        "I will mark this as done",
    ],
)
def test_look_alikes_are_left_alone(text: str) -> None:
    assert redact(text).text == text


def test_spans_point_into_the_original_text() -> None:
    text = "Soita Annelle 040 123 4567 tai anna@example.org"
    result = redact(text)
    assert [(s.kind, text[s.start : s.end]) for s in result.spans] == [
        ("phone", "040 123 4567"),
        ("email", "anna@example.org"),
    ]
    assert result.kinds == {"phone", "email"}


def test_only_the_chosen_kinds_are_redacted() -> None:
    text = "Hoitaja Marja, puh. 040 123 4567"
    assert Redactor(["phone"]).redact(text).text == "Hoitaja Marja, puh. [PUHELIN]"
    assert Redactor(["name"]).redact(text).text == "Hoitaja [NIMI], puh. 040 123 4567"
    with pytest.raises(ValueError, match="unknown kinds"):
        Redactor(["shoe_size"])


def test_the_package_imports_neither_django_nor_the_rest_of_kaiku() -> None:
    """kaiku.analysis stays a plain package: Django code calls it, never the reverse."""
    import ast
    from pathlib import Path

    import kaiku.analysis

    for path in Path(kaiku.analysis.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert not name.startswith("django"), (path, name)
                assert not name.startswith("kaiku.") or name.startswith("kaiku.analysis"), (
                    path,
                    name,
                )
