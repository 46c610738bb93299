"""The respondent's pages: language, answering, bots, limits and closed surveys."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from kaiku.responses.models import Response
from kaiku.surveys.services import QuestionSpec, set_status, update_question
from tests.factories import make_organisation, make_survey, owner_actor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_people(settings: Any) -> None:
    settings.KAIKU_MIN_FILL_SECONDS = 0
    cache.clear()


def _open_form(client: Client, survey, query: str = "", **headers: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    page = client.get(f"/s/{survey.public_token}/{query}", **headers)
    assert page.status_code == 200
    html = page.content.decode()
    fields = dict(re.findall(r'name="(started|csrfmiddlewaretoken|tp)" value="([^"]+)"', html))
    return fields


def _survey(status: str = "open"):  # type: ignore[no-untyped-def]
    organisation, _ = make_organisation()
    return make_survey(organisation, status=status)


def test_form_is_finnish_by_default_and_follows_the_link_or_browser() -> None:
    survey = _survey()
    client = Client()
    assert "Miten onnistuimme?" in client.get(f"/s/{survey.public_token}/").content.decode()
    swedish = client.get(f"/s/{survey.public_token}/?lang=sv").content.decode()
    assert "Hur lyckades vi?" in swedish and 'lang="sv"' in swedish
    english = Client().get(f"/s/{survey.public_token}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "How did we do?" in english and "Send" in english


def test_answering_stores_the_response_and_thanks() -> None:
    survey = _survey()
    client = Client()
    touchpoint = survey.touchpoints.first()
    fields = _open_form(client, survey, f"?tp={touchpoint.pk}")
    stage = survey.journey.stages.order_by("position").first()
    answer = client.post(
        f"/s/{survey.public_token}/?tp={touchpoint.pk}",
        {
            **fields,
            "q_nps": "3",
            "q_feeling": ["fear", "sadness"],
            "q_feeling__fear": "3",
            f"q_curve__stage_{stage.pk}": "-2",
            f"q_curve__word_{stage.pk}": "sekava",
            "q_what_happened": "Kukaan ei kertonut mitä seuraavaksi.",
            "q_contact_ok": "yes",
            "contact_email": "asiakas@example.org",
            "website": "",
        },
    )
    assert answer.status_code == 302 and "/thanks/" in answer["Location"]
    response = Response.objects.get()
    assert (response.source, response.touchpoint_id, response.language) == (
        "web",
        touchpoint.pk,
        "fi",
    )
    emotions = {(e.emotion, e.intensity) for a in response.answers.all() for e in a.emotions.all()}
    assert emotions == {("fear", 3), ("sadness", 2)}
    assert response.respondent.contact.may_contact  # type: ignore[union-attr]
    thanks = client.get(answer["Location"])
    assert "Kiitos" in thanks.content.decode()


def test_missing_required_answer_shows_the_error_and_keeps_the_answers() -> None:
    survey = _survey()
    client = Client()
    fields = _open_form(client, survey)
    page = client.post(
        f"/s/{survey.public_token}/?lang=en", {**fields, "q_what_happened": "Pitkä jono"}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "This question needs an answer." in html
    assert "Pitkä jono" in html
    assert not Response.objects.exists()


def test_conditional_question_is_explained_for_people_without_javascript() -> None:
    survey = _survey()
    html = Client().get(f"/s/{survey.public_token}/").content.decode()
    assert 'data-condition-question="q_nps"' in html
    assert "Vastaa tähän" in html  # the hint, in Finnish


def test_the_honeypot_and_a_too_quick_post_store_nothing(settings: Any) -> None:
    survey = _survey()
    client = Client()
    fields = _open_form(client, survey)
    bot = client.post(
        f"/s/{survey.public_token}/", {**fields, "q_nps": "9", "website": "http://spam"}
    )
    assert bot.status_code == 302
    settings.KAIKU_MIN_FILL_SECONDS = 60
    quick = client.post(f"/s/{survey.public_token}/", {**fields, "q_nps": "9"})
    assert quick.status_code == 302
    assert not Response.objects.exists()


def test_a_forged_start_stamp_is_refused() -> None:
    survey = _survey()
    client = Client()
    fields = _open_form(client, survey)
    page = client.post(f"/s/{survey.public_token}/", {**fields, "started": "x:y:z", "q_nps": "9"})
    assert page.status_code == 400
    assert not Response.objects.exists()


def test_form_posts_are_rate_limited_per_ip(settings: Any) -> None:
    settings.KAIKU_RATE_LIMITS = {"submit_per_ip": "2/86400", "submit_per_survey": "1000/60"}
    survey = _survey()
    client = Client()
    fields = _open_form(client, survey)
    codes = [
        client.post(f"/s/{survey.public_token}/", {**fields, "q_nps": "8"}).status_code
        for _ in range(3)
    ]
    assert codes == [302, 302, 429]
    assert Response.objects.count() == 2


def test_csrf_is_required_on_the_form() -> None:
    survey = _survey()
    client = Client(enforce_csrf_checks=True)
    fields = _open_form(client, survey)
    without = {k: v for k, v in fields.items() if k != "csrfmiddlewaretoken"}
    assert client.post(f"/s/{survey.public_token}/", {**without, "q_nps": "8"}).status_code == 403
    assert client.post(f"/s/{survey.public_token}/", {**fields, "q_nps": "8"}).status_code == 302


@pytest.mark.parametrize(
    ("status", "code", "text"),
    [("closed", 410, "has closed"), ("paused", 503, "not taking answers")],
)
def test_closed_and_paused_surveys_say_so(status: str, code: int, text: str) -> None:
    survey = _survey(status)
    page = Client().get(f"/s/{survey.public_token}/?lang=en")
    assert page.status_code == code and text in page.content.decode()


def test_page_is_usable_on_a_phone_and_labelled() -> None:
    survey = _survey()
    html = Client().get(f"/s/{survey.public_token}/").content.decode()
    assert 'name="viewport"' in html
    assert html.count("<legend") == survey.questions.count()
    assert "<script src=" in html and "cdn" not in html.lower()


def test_a_question_made_required_is_asked_of_the_next_answer() -> None:
    # Submissions are checked against a survey kept per process: an edit must reach it.
    survey = _survey()
    client = Client()
    fields = _open_form(client, survey)
    assert client.post(f"/s/{survey.public_token}/", {**fields, "q_nps": "8"}).status_code == 302
    ease = survey.questions.get(key="ease")
    spec = QuestionSpec(kind="ease", key="ease", text=ease.text, required=True)
    update_question(actor=owner_actor(survey.organisation), question=ease, spec=spec)
    page = client.post(f"/s/{survey.public_token}/?lang=en", {**fields, "q_nps": "8"})
    assert page.status_code == 400 and "This question needs an answer." in page.content.decode()
    assert Response.objects.count() == 1


def test_a_survey_closed_after_an_answer_takes_no_more() -> None:
    survey = _survey()
    client = Client()
    fields = _open_form(client, survey)
    assert client.post(f"/s/{survey.public_token}/", {**fields, "q_nps": "8"}).status_code == 302
    set_status(actor=owner_actor(survey.organisation), survey=survey, status="closed")
    assert client.post(f"/s/{survey.public_token}/", {**fields, "q_nps": "8"}).status_code == 410
    assert Response.objects.count() == 1


def test_the_thanks_page_is_in_the_language_answered_in() -> None:
    survey = _survey()
    client = Client()
    fields = _open_form(client, survey, "?lang=sv")
    answer = client.post(f"/s/{survey.public_token}/?lang=sv", {**fields, "q_nps": "8"})
    assert answer["Location"] == f"/s/{survey.public_token}/thanks/?lang=sv"
    fields = _open_form(client, survey, "?lang=en")
    answer = client.post(f"/s/{survey.public_token}/?lang=en", {**fields, "q_nps": "8"})
    assert answer["Location"] == f"/s/{survey.public_token}/thanks/?lang=en"
