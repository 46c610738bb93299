"""Reading analysed comments in a real browser, as the demo's viewer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kaiku.demo.services import seed_demo
from kaiku.textanalysis.models import TextAnalysis
from tests.browser.test_blueprint import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_viewer_finds_the_urgent_comment_and_reads_its_analysis(page: Page) -> None:
    organisation, logins = seed_demo()
    urgent = TextAnalysis.objects.get(organisation=organisation, urgent=True)
    sign_in(page, logins[2])  # the viewer

    page.get_by_role("link", name="Kommentit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommentit")
    expect(page.locator(".comment-card").first).to_be_visible()

    page.get_by_label("Vain kiireelliset").check()
    page.get_by_role("button", name="Näytä").click()
    expect(page).to_have_url(re.compile(r"urgent=1"))
    expect(page.locator(".comment-card")).to_have_count(1)
    expect(page.get_by_role("alert")).to_contain_text("Kiireellinen")
    expect(page.locator(".comment")).to_have_text(urgent.text)

    page.locator(".comment-card .meta a").first.click()
    expect(page).to_have_url(re.compile(rf"/responses/{urgent.response_id}/$"))
    expect(page.locator(".flag-urgent")).to_have_text("Itsetuhoisuus (en jaksa elää)")
    expect(page.locator("ul.emotions meter").first).to_be_visible()


def test_personal_details_are_hidden_on_the_comment_page(page: Page) -> None:
    organisation, logins = seed_demo()
    redacted = TextAnalysis.objects.filter(organisation=organisation, text__contains="[PUHELIN]")
    assert redacted.exists()
    sign_in(page, logins[2])
    page.goto(f"/responses/{redacted.first().response_id}/")
    expect(page.locator(".comment")).to_contain_text("[PUHELIN]")
    expect(page.locator("body")).not_to_contain_text("040 123 4567")
    expect(page.locator("body")).not_to_contain_text("Maija Virtanen")
