"""A sensitive service's survey in a real browser: Finnish, on a phone-sized screen,
gentle wording, the support text, and "do not contact me"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from kaiku.responses.models import Response
from kaiku.surveys import services as surveys
from kaiku.surveys.starters import sensitive_survey
from tests.browser.conftest import PHONE, OpenPage
from tests.factories import make_journey, make_organisation, owner_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_minimum_fill_time(settings: Any) -> None:
    settings.KAIKU_MIN_FILL_SECONDS = 0


def test_a_grieving_relative_sees_gentle_finnish_wording_and_where_to_find_support(
    open_page: OpenPage,
) -> None:
    organisation, _owner = make_organisation()
    journey = make_journey(organisation)
    actor = owner_actor(organisation)
    spec = sensitive_survey(name="Suru", journey_id=journey.pk, languages=["fi", "sv", "en"])
    survey = surveys.create_survey(actor=actor, spec=spec)
    surveys.set_status(actor=actor, survey=survey, status="open")
    page = open_page(**PHONE)

    page.goto(f"/s/{survey.public_token}/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Miten voimme tukea paremmin?")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.get_by_text("Kaikkiin kysymyksiin vastaaminen on vapaaehtoista")).to_be_visible()
    expect(page.get_by_text("Kaikki kysymykset ovat vapaaehtoisia.")).to_be_visible()
    support = page.get_by_role("complementary", name="Tukea on saatavilla")
    expect(support).to_be_visible()
    expect(support).to_contain_text("Kriisipuhelin 09 2525 0111")
    # No recommendation question anywhere on the page.
    expect(page.get_by_text(re.compile("suosittel", re.IGNORECASE))).to_have_count(0)
    # The support box is in view on the first screen, above the questions.
    box = support.bounding_box()
    assert box is not None and box["y"] < 844

    page.get_by_text("Tulin kuulluksi.").scroll_into_view_if_needed()
    page.locator("#question-heard").get_by_label("2", exact=True).check()
    page.get_by_label("Älä ota minuun yhteyttä vastausteni vuoksi.").check()
    page.get_by_role("button", name="Lähetä vastaukseni").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kiitos!")
    expect(page.get_by_role("complementary", name="Tukea on saatavilla")).to_contain_text(
        "09 2525 0111"
    )
    response = Response.objects.get(survey=survey)
    assert response.metadata == {"do_not_contact": True}
    assert response.answers.get(question__key="heard").number == 2
