"""Service errors in django-ninja's 422 shape."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from kaiku.core.validation import error_details


def test_a_path_part_that_only_looks_like_a_digit_stays_text() -> None:
    # "²" is a digit to str.isdigit() but int() refuses it: a public submission with
    # an answer keyed "²" was a server error (found by benchmarks/api_fuzz.py).
    error = ValidationError({"answers.²": ["No such question."], "stages.1": ["Bad."]})
    details = error_details(error)
    assert [d["loc"] for d in details] == [["body", "answers", "²"], ["body", "stages", 1]]
