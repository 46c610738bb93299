"""Closing the loop in a real browser: a negative Finnish answer on the public form
opens a case in the handler's inbox; the handler logs the call and resolves it; an
improvement action on that touchpoint is done, and the customer who asked to hear of
changes gets "you said, we did" at a real local SMTP server."""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kaiku.journeys import services as journeys
from kaiku.loop import services as loop
from kaiku.loop.models import Action, ActionState, Case, CaseState
from kaiku.organisations import services as organisations
from kaiku.organisations.models import Role
from kaiku.surveys import services as surveys
from tests.browser.conftest import OpenPage
from tests.factories import (
    PASSWORD,
    make_member,
    make_organisation,
    make_survey,
    owner_actor,
    question_specs,
)
from tests.loop.servers import Inbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_minimum_fill_time(settings: Any) -> None:
    settings.KAIKU_MIN_FILL_SECONDS = 0


def _sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Käyttäjätunnus tai sähköposti").fill(email)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    expect(page).to_have_url(re.compile(r"/journeys/$"))


def _subjects(inbox: Inbox) -> list[str]:
    return [str(make_header(decode_header(m["Subject"]))) for m in inbox.messages]


def test_from_a_negative_answer_to_you_said_we_did(open_page: OpenPage, inbox: Inbox) -> None:
    organisation, owner = make_organisation()
    actor = owner_actor(organisation)
    team = organisations.create_team(actor=actor, name="Asiakaspalvelu")
    survey = make_survey(
        organisation,
        questions=[
            *question_specs(),
            surveys.QuestionSpec(
                kind="consent_updates", key="tell_me", text={"fi": "Saammeko kertoa muutoksista?"}
            ),
        ],
    )
    touchpoint = survey.touchpoints.order_by("pk").first()
    assert touchpoint is not None
    journeys.update_touchpoint(
        actor=actor, touchpoint=touchpoint, name=touchpoint.name,
        channel=touchpoint.channel, layer=touchpoint.layer, owner_team_id=team.pk,
    )  # fmt: skip
    handler, membership = make_member(organisation, Role.HANDLER)
    organisations.set_member_teams(actor=actor, membership=membership, teams=[team])
    loop.save_rule(
        actor=actor,
        name="Tyytymätön asiakas",
        conditions=[{"measure": "nps", "op": "lte", "value": 6}],
        deadline_hours=8,
    )

    # The customer answers on the public form, in Finnish.
    customer = open_page()
    customer.goto(f"/s/{survey.public_token}/?tp={touchpoint.pk}")
    customer.locator("#question-nps").get_by_label("2", exact=True).check()
    customer.get_by_label("Mitä tapahtui?").fill(
        "Jonotin puhelimessa tunnin, eikä kukaan kertonut, kauanko vielä menee."
    )
    customer.locator("input[name$='contact_ok']").check()
    customer.locator("input[name$='tell_me']").check()
    customer.locator("#contact_email").fill("asiakas@example.fi")
    customer.get_by_role("button", name="Lähetä").click()
    expect(customer.get_by_role("heading", level=1)).to_have_text("Kiitos!")

    # Its analysis and the alert rule ran after the commit: the case is the handler's.
    case = Case.objects.get()
    assert case.assignee == handler and case.team == team
    assert any(case.title in s for s in _subjects(inbox))

    page = open_page()
    _sign_in(page, handler.email)
    page.goto("/cases/")
    page.get_by_role("link", name=case.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(case.title)
    expect(page.locator(".answers")).to_contain_text("Jonotin puhelimessa tunnin")
    contact = page.locator(f"form[action='/cases/{case.pk}/contact/']")
    contact.locator("select[name=method]").select_option("phone")
    contact.locator("select[name=outcome]").select_option("reached")
    contact.locator("textarea[name=text]").fill("Pahoittelin jonoa ja kerroin takaisinsoitosta.")
    contact.locator("button[type=submit]").click()
    expect(page.locator(".history")).to_contain_text("Pahoittelin jonoa")
    resolve = page.locator(f"form[action='/cases/{case.pk}/resolve/']")
    resolution = "Asiakkaalle soitettiin ja asia selvitettiin."
    resolve.locator("textarea[name=resolution]").fill(resolution)
    resolve.locator("textarea[name=root_cause]").fill("Liian vähän puhelinpalvelijoita aamulla")
    resolve.locator("button[type=submit]").click()
    expect(page.locator(".history")).to_contain_text("Asiakkaalle soitettiin")
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED and case.first_contact_at is not None

    # The owner starts an improvement action from the case and marks it done.
    page = open_page()
    _sign_in(page, owner.email)
    page.goto(f"/actions/add/?case={case.pk}")
    page.locator("input[name=title]").fill("Takaisinsoitto ajanvaraukseen")
    page.locator("select[name=state]").select_option("done")
    page.locator("form.stacked-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/actions/\d+/$"))
    action = Action.objects.get()
    assert action.state == ActionState.DONE and action.case == case
    assert list(action.touchpoints.all()) == [touchpoint]

    # "You said, we did": one customer asked to hear of changes.
    announce = page.locator(f"form[action='/actions/{action.pk}/announce/']")
    expect(announce.locator("input[name=subject_fi]")).to_have_value(
        "Palautteesi auttoi: Takaisinsoitto ajanvaraukseen"
    )
    with page.expect_navigation():
        announce.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("1")
    told = [m for m in inbox.messages if m["To"] == "asiakas@example.fi"]
    assert len(told) == 1
    assert str(make_header(decode_header(told[0]["Subject"]))) == (
        "Palautteesi auttoi: Takaisinsoitto ajanvaraukseen"
    )
    assert told[0]["List-Unsubscribe"]
