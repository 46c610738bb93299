"""Answering in a real browser: a Finnish survey on a phone-sized screen, emotion and
journey-curve questions included, and the kiosk's one-tap flow."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kaiku.responses.models import Answer, CurvePoint, EmotionAnswer, Response
from kaiku.surveys import services as surveys
from tests.browser.conftest import PHONE, OpenPage
from tests.factories import make_organisation, make_survey, owner_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_minimum_fill_time(settings: Any) -> None:
    # A test fills the form faster than the bot check allows a person to.
    settings.KAIKU_MIN_FILL_SECONDS = 0


def question(page: Page, key: str):  # type: ignore[no-untyped-def]
    return page.locator(f"#question-{key}")


def test_finnish_survey_on_a_phone_with_emotions_and_the_journey_curve(
    open_page: OpenPage,
) -> None:
    organisation, _owner = make_organisation()
    survey = make_survey(organisation)
    first_stage = survey.journey.stages.order_by("position").first()
    assert first_stage is not None
    page = open_page(**PHONE)

    page.goto(f"/s/{survey.public_token}/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Miten onnistuimme?")
    # Mobile first: nothing wider than the screen, no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # "What happened?" is asked only after a low score.
    expect(question(page, "what_happened")).to_be_hidden()
    question(page, "nps").get_by_label("3", exact=True).check()
    expect(question(page, "what_happened")).to_be_visible()
    page.get_by_label("Mitä tapahtui?").fill("Jonotin tunnin, eikä kukaan kertonut miksi.")

    # Emotions are named in words, with a colour beside each.
    feeling = question(page, "feeling")
    sadness = feeling.locator(".emotion-sadness")
    expect(sadness.locator(".emotion-name")).to_have_text("Suru")
    swatch = sadness.locator(".swatch").evaluate("e => getComputedStyle(e).backgroundColor")
    assert swatch not in ("rgba(0, 0, 0, 0)", "transparent")
    sadness.get_by_role("checkbox", name="Suru").check()
    sadness.get_by_role("radio", name="voimakkaasti").check()
    feeling.get_by_role("checkbox", name="Viha").check()

    curve = question(page, "curve")
    curve.locator(".curve-stage").first.get_by_role("radio", name=re.compile(r"^-2\b")).check()
    curve.locator(".curve-stage").first.get_by_role("textbox").fill("sekava")

    # Keyboard use: the ease scale is reached and answered without a pointer.
    ease_six = question(page, "ease").get_by_label("6", exact=True)
    ease_six.focus()
    page.keyboard.press("Space")
    expect(ease_six).to_be_checked()

    page.get_by_role("button", name="Lähetä").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiitos!")
    expect(page).to_have_url(re.compile(r"/thanks/"))

    response = Response.objects.get(survey=survey)
    assert (response.language, response.source, response.channel) == ("fi", "web", "web")
    answers = {a.question.key: a for a in Answer.objects.filter(response=response)}
    assert answers["nps"].number == 3 and answers["ease"].number == 6
    assert answers["what_happened"].text == "Jonotin tunnin, eikä kukaan kertonut miksi."
    assert set(EmotionAnswer.objects.values_list("emotion", "intensity")) == {
        ("sadness", 3),
        ("anger", 2),
    }
    assert list(CurvePoint.objects.values_list("stage_id", "score", "word")) == [
        (first_stage.pk, -2, "sekava")
    ]


def test_a_missing_required_answer_is_said_next_to_the_question(open_page: OpenPage) -> None:
    organisation, _owner = make_organisation()
    survey = make_survey(organisation)
    page = open_page(**PHONE)
    page.goto(f"/s/{survey.public_token}/")
    question(page, "ease").get_by_label("5", exact=True).check()
    page.get_by_role("button", name="Lähetä").click()

    error = question(page, "nps").get_by_role("alert")
    expect(error).to_be_visible()
    # What was answered is kept for the second try.
    expect(question(page, "ease").get_by_label("5", exact=True)).to_be_checked()
    assert not Response.objects.exists()


def test_kiosk_one_tap_thanks_and_resets_itself(open_page: OpenPage) -> None:
    organisation, _owner = make_organisation()
    survey = make_survey(organisation)
    kiosk = surveys.create_kiosk(actor=owner_actor(organisation), survey=survey, name="Aula")
    type(kiosk).objects.filter(pk=kiosk.pk).update(reset_seconds=1)
    page = open_page(viewport={"width": 1080, "height": 1920}, has_touch=True)

    page.goto(f"/k/{kiosk.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Suosittelisitko meitä?")
    buttons = page.locator("button.kiosk-point")
    expect(buttons).to_have_count(11)
    page.get_by_role("button", name=re.compile(r"^9$")).tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kiitos!")
    # The thanks page gives the device back to the next person by itself.
    expect(page).to_have_url(re.compile(rf"/k/{kiosk.token}/$"), timeout=5_000)
    expect(buttons).to_have_count(11)

    response = Response.objects.get(survey=survey)
    assert (response.source, response.channel, response.metadata) == (
        "kiosk",
        "in_person",
        {"kiosk": kiosk.pk},
    )
    assert Answer.objects.get(response=response).number == 9
