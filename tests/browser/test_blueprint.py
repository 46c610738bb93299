"""The service blueprint in a real browser: Playwright driving Debian's Chromium.

The browser speaks Finnish (the site's default language); the assertions read what a
person sees on the page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kaiku.demo.journeys import DEMO_JOURNEYS
from kaiku.demo.services import DemoLogin, seed_demo
from kaiku.journeys.models import Journey, Stage
from kaiku.organisations.models import Organisation
from tests.factories import make_journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The blueprint's row headings, in Finnish, top to bottom.
LAYER_HEADINGS = [
    "Asiakkaan toiminta",
    "Näkyvä palvelu (frontstage)",
    "Taustapalvelu (backstage)",
    "Tukiprosessit",
]


@pytest.fixture
def demo() -> tuple[Organisation, list[DemoLogin]]:
    return seed_demo()


@pytest.fixture
def journey(demo: tuple[Organisation, list[DemoLogin]]) -> Journey:
    """The health-centre visit: the first demo journey in the seed data."""
    return Journey.objects.get(organisation=demo[0], name=DEMO_JOURNEYS[0]["name"])


def sign_in(page: Page, login: DemoLogin) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaudu Kaikuun")
    page.get_by_label("Käyttäjätunnus tai sähköposti").fill(login.email)
    page.get_by_label("Salasana").fill(login.password)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    expect(page).to_have_url(re.compile(r"/journeys/$"))


def stage_names(page: Page):
    return page.locator("table.blueprint thead th.stage-head .stage-name")


def demo_stage_names(journey: Journey) -> list[str]:
    (spec,) = [j for j in DEMO_JOURNEYS if j["name"] == journey.name]
    return [stage["name"] for stage in spec["stages"]]


def test_sign_in_and_open_the_first_blueprint(page: Page, demo, tmp_path: Path) -> None:
    organisation, logins = demo
    sign_in(page, logins[0])
    expect(page.get_by_role("heading", level=1)).to_have_text("Palvelupolut")
    expect(page.locator(".topbar .who")).to_contain_text("omistaja@demo.kaiku.fi")

    cards = page.locator(".card-grid .card h2 a")
    expect(cards).to_have_count(len(DEMO_JOURNEYS))
    assert sorted(cards.all_inner_texts()) == sorted(j["name"] for j in DEMO_JOURNEYS)
    first_name = cards.first.inner_text()
    cards.first.click()

    opened = Journey.objects.get(organisation=organisation, name=first_name)
    expect(page).to_have_url(re.compile(rf"/journeys/{opened.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(first_name)
    names = demo_stage_names(opened)
    assert len(names) >= 3
    expect(stage_names(page)).to_have_text(names)
    expect(page.locator("table.blueprint thead .stage-number")).to_have_text(
        [str(n) for n in range(1, len(names) + 1)]
    )
    expect(page.locator("table.blueprint tbody th.layer-head")).to_have_text(LAYER_HEADINGS)
    expect(page.locator("table.blueprint .touchpoint").first).to_be_visible()

    page.screenshot(path=tmp_path / "blueprint.png", full_page=True)
    assert (tmp_path / "blueprint.png").stat().st_size > 10_000


def test_owner_moves_the_first_stage_later(page: Page, demo, journey: Journey) -> None:
    _organisation, logins = demo
    first, second, *rest = demo_stage_names(journey)
    sign_in(page, logins[0])
    page.goto(f"/journeys/{journey.pk}/")
    expect(stage_names(page)).to_have_text([first, second, *rest])

    first_head = page.locator("table.blueprint thead th.stage-head").first
    # The first stage can only move later: no "move left" button there.
    expect(first_head.get_by_role("button", name=f"Siirrä kohde {first} vasemmalle")).to_have_count(
        0
    )
    first_head.get_by_role("button", name=f"Siirrä kohde {first} oikealle").click()

    expect(stage_names(page)).to_have_text([second, first, *rest])
    page.reload()
    expect(stage_names(page)).to_have_text([second, first, *rest])
    positions = dict(
        Stage.objects.filter(journey=journey, name__in=[first, second]).values_list(
            "name", "position"
        )
    )
    assert positions == {second: 1, first: 2}


def test_language_switch_changes_the_interface(page: Page, demo) -> None:
    _organisation, logins = demo
    sign_in(page, logins[0])
    journeys_link = page.locator("nav.mainnav a").first
    expect(journeys_link).to_have_text("Asiakaspolut")
    expect(page.locator("html")).to_have_attribute("lang", "fi")

    for code, nav_text, heading in [("en", "Journeys", "Service paths"), ("sv", "Kundresor", None)]:
        language_form = page.locator("form:has(select#lang-switch)")
        language_form.locator("select#lang-switch").select_option(code)
        language_form.get_by_role("button").click()
        expect(page.locator("html")).to_have_attribute("lang", code)
        expect(journeys_link).to_have_text(nav_text)
        expect(page.locator("select#lang-switch")).to_have_value(code)
        if heading:
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        # Still on the same page.
        expect(page).to_have_url(re.compile(r"/journeys/$"))


def test_viewer_sees_no_editing_buttons(page: Page, demo, journey: Journey) -> None:
    _organisation, logins = demo
    viewer = logins[2]
    assert viewer.email == "katselija@demo.kaiku.fi"
    sign_in(page, viewer)
    page.goto(f"/journeys/{journey.pk}/")

    # The blueprint itself is there for the viewer...
    expect(stage_names(page)).to_have_text(demo_stage_names(journey))
    expect(page.locator("table.blueprint .touchpoint").first).to_be_visible()
    expect(page.get_by_role("button", name="Vie JSON")).to_be_visible()
    # ...but nothing that changes it.
    main = page.locator("main")
    for name in ["Muokkaa", "Lisää vaihe", "Arkistoi"]:
        expect(main.get_by_role("link", name=name, exact=True)).to_have_count(0)
        expect(main.get_by_role("button", name=name, exact=True)).to_have_count(0)
    expect(main.locator("form:has(input[name='direction'])")).to_have_count(0)
    expect(main.locator(".tools, .icon-button, .add-touchpoint")).to_have_count(0)


def test_a_wide_blueprint_says_what_is_out_of_view(page: Page, demo) -> None:
    """At 1280 px eight stages do not fit: a line above the table counts the stages out
    of view and its arrows scroll; the stage tools line up from stage to stage."""
    organisation, logins = demo
    wide = make_journey(organisation, stages=8, touchpoints_per_stage=1)
    sign_in(page, logins[0])
    page.goto(f"/journeys/{wide.pk}/")
    hint = page.locator("[data-blueprint-hint]")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text(re.compile(r"näkymän ulkopuolella: [1-7]\b"))
    region = page.locator("[data-blueprint-scroll]")
    assert region.evaluate("el => el.scrollLeft") == 0
    expect(hint.get_by_role("button", name="Vieritä aiempiin vaiheisiin")).to_be_disabled()
    hint.get_by_role("button", name="Vieritä myöhempiin vaiheisiin").click()
    page.wait_for_function(
        "() => document.querySelector('[data-blueprint-scroll]').scrollLeft > 100"
    )
    expect(page.locator(".blueprint-frame")).to_have_class(re.compile(r"\bmore-left\b"))

    # The edit button sits at the same place in every stage heading, the first and the
    # last (which have one arrow less) included.
    offsets = page.locator("table.blueprint thead th.stage-head").evaluate_all(
        """heads => heads.map(th => {
            const edit = th.querySelector('a.icon-button');
            return Math.round(edit.getBoundingClientRect().left - th.getBoundingClientRect().left);
        })"""
    )
    assert len(set(offsets)) == 1, offsets


def test_a_blueprint_that_fits_shows_no_scroll_hint(page: Page, demo, journey: Journey) -> None:
    _organisation, logins = demo
    sign_in(page, logins[0])
    page.set_viewport_size({"width": 1900, "height": 900})
    page.goto(f"/journeys/{journey.pk}/")
    expect(stage_names(page).first).to_be_visible()
    expect(page.locator("[data-blueprint-hint]")).to_be_hidden()
