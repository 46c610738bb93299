"""The comment list and the response page: redacted text, emotions, themes, flags."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kaiku.organisations.models import Role
from tests.factories import make_member, make_organisation, make_survey, submit

pytestmark = pytest.mark.django_db


def text_of(client: Client, url: str, query: dict | None = None) -> str:
    """The page as a reader sees it: theme marks and other tags removed."""
    return re.sub(r"<[^>]+>", "", client.get(url, query or {}).content.decode())


def _world(capture: Any):  # type: ignore[no-untyped-def]
    organisation, _ = make_organisation()
    user, _ = make_member(organisation, Role.VIEWER)
    client = Client()
    client.force_login(user)
    survey = make_survey(organisation)
    with capture(execute=True):
        angry = submit(
            survey,
            {
                "nps": 1,
                "what_happened": (
                    "Laskussa oli virhe ja asiakaspalvelu oli töykeä. Soita 040 123 4567"
                ),
            },
        )
        glad = submit(survey, {"nps": 5, "what_happened": "Kiitos, nopea ja ystävällinen palvelu!"})
        urgent = submit(survey, {"nps": 0, "what_happened": "En jaksa elää enää tämän kanssa."})
    return client, survey, angry, glad, urgent


def test_the_list_shows_each_comment_redacted_with_its_tone(
    django_capture_on_commit_callbacks: Any,
):
    client, *_ = _world(django_capture_on_commit_callbacks)
    page = client.get("/responses/").content.decode()
    assert 'class="chip chip-negative"' in page and 'class="chip chip-positive"' in page
    page = text_of(client, "/responses/")
    assert "Laskussa oli virhe" in page and "040 123 4567" not in page and "[PUHELIN]" in page
    assert "Kiitos, nopea ja ystävällinen palvelu!" in page


def test_the_list_filters_by_tone_theme_and_urgency(django_capture_on_commit_callbacks: Any):
    client, survey, *_ = _world(django_capture_on_commit_callbacks)
    positive = text_of(client, "/responses/", {"polarity": "positive"})
    assert "Kiitos, nopea" in positive and "Laskussa" not in positive
    billing = text_of(client, "/responses/", {"theme": "billing", "survey": survey.pk})
    assert "Laskussa" in billing and "Kiitos, nopea" not in billing
    urgent = client.get("/responses/", {"urgent": "1"}).content.decode()
    assert 'role="alert"' in urgent
    urgent = text_of(client, "/responses/", {"urgent": "1"})
    assert "En jaksa elää" in urgent and "Laskussa" not in urgent


def test_the_response_page_shows_emotions_themes_and_flags(django_capture_on_commit_callbacks: Any):
    client, _, angry, *_ = _world(django_capture_on_commit_callbacks)
    page = client.get(f"/responses/{angry.pk}/").content.decode()
    assert "<mark" in page and "Laskussa" in page
    assert "<meter" in page  # emotion probabilities
    assert "Laskutus" in page  # the billing theme, in Finnish
    assert "Vaikea tunne" in page or "Difficult emotion" in page


def test_another_organisations_response_is_not_found(django_capture_on_commit_callbacks: Any):
    client, *_ = _world(django_capture_on_commit_callbacks)
    other, _ = make_organisation()
    with django_capture_on_commit_callbacks(execute=True):
        theirs = submit(make_survey(other), {"nps": 3, "what_happened": "Salaista"})
    assert client.get(f"/responses/{theirs.pk}/").status_code == 404
    assert "Salaista" not in text_of(client, "/responses/")
