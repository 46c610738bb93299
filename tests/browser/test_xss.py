"""Script and markup in everything people can write stays text, in a real browser.

One organisation holds payloads in every text a member, a respondent or an employee
can write: names and descriptions of journeys, stages, touchpoints, segments and
teams; the survey's texts, questions, help and choice labels; answers (comments,
curve words, contact name); alert rules, webhooks, cases, actions, walkthroughs,
themes, pulse comments, the processors list and people's names. Each page that shows
them is opened in headless Chromium and must run none of them: `window.__xss` stays
unset, no dialog opens, the Content Security Policy refuses no script (a refused
inline script or handler would be a payload that reached the markup), the DOM holds
no inline handler, inline script or `javascript:` link, and the payload reads as text,
in the Plotly charts too. The executive report (PDF) must still be made.

The strict CSP would stop a payload that did reach the markup from running, so the
DOM checks are the ones that find an escaping mistake; the CSP listener finds it too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect
from playwright.sync_api import Error as PlaywrightError

from kaiku.analysis.text import prepare
from kaiku.journeys import services as journeys
from kaiku.journeys.models import Journey, Touchpoint
from kaiku.loop import actions as loop_actions
from kaiku.loop import services as loop
from kaiku.loop.models import Case
from kaiku.organisations import services as organisations
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Membership, Organisation, Role, Team
from kaiku.people.models import PulseResponse
from kaiku.people.pulse import submit_pulse
from kaiku.privacy.processing import save_processors
from kaiku.responses import services as responses
from kaiku.responses.models import Response
from kaiku.surveys import services as surveys
from kaiku.surveys.models import Kiosk, Survey
from kaiku.surveys.starters import employee_pulse
from kaiku.textanalysis import services as textanalysis
from kaiku.walkthroughs import services as walkthroughs
from kaiku.walkthroughs.models import Walkthrough
from tests.browser.conftest import OpenPage
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Breaks out of a JSON <script> block, then tries a script, an attribute (both
# quotes), an event handler, a javascript: link (also Plotly's own <a> markup), a
# template expression and an entity that must not turn into a tag. In two halves for
# people's names (150 characters each).
HEAD = '</script><script>window.__xss=1</script>"><img src=x onerror="window.__xss=1">'
TAIL = '\'><svg onload=window.__xss=1><a href="javascript:window.__xss=1">{{7*7}}</a>&lt;b&gt;'
PAYLOAD = f"{HEAD}{TAIL}"
# Where at most 60 characters fit (a word on the emotion curve).
SHORT = "<svg onload=window.__xss=1>{{7*7}}"
# Comments are analysed as text, their markup taken out (kaiku.analysis.text): the
# pages show what is left, and an entity there has become a "<" to show as text.
QUEUE = f"Jonossa odotin pitkään. {PAYLOAD}"
ALERT = f"Hälytys {PAYLOAD}"


def text(label: str) -> str:
    return f"{label} {PAYLOAD}"


def analysed(comment: str) -> str:
    return prepare(comment).text


# Recorded in every page before its own scripts run: the scripts the CSP refused.
# (Plotly's inline styles are refused too, as they always are: not a payload's doing.)
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  if (e.violatedDirective.startsWith("script-src")) {
    window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
  }
});
"""
# What a payload would leave in the DOM had it been markup.
INJECTED = """() => {
  const all = [...document.querySelectorAll("*")];
  return {
    xss: typeof window.__xss,
    violations: window.__violations || [],
    handlers: all.flatMap((e) => [...e.attributes]
      .filter((a) => a.name.startsWith("on")).map((a) => `<${e.localName} ${a.name}>`)),
    scripts: [...document.querySelectorAll("script")]
      .filter((s) => !s.src && s.type !== "application/json")
      .map((s) => s.outerHTML.slice(0, 80)),
    links: all.flatMap((e) => ["href", "src", "action", "formaction", "xlink:href"]
      .map((name) => e.getAttribute(name) || "")
      .filter((v) => v.trim().toLowerCase().startsWith("javascript:"))),
  };
}"""


HAS_VALUE = """(wanted) => [...document.querySelectorAll("input, textarea")]
  .some((field) => field.value === wanted)"""


@pytest.fixture(autouse=True)
def _no_minimum_fill_time(settings: Any) -> None:
    settings.KAIKU_MIN_FILL_SECONDS = 0


# The organisation --------------------------------------------------------------


@dataclass
class Payloads:
    organisation: Organisation
    owner: User
    journey: Journey
    touchpoints: list[Touchpoint]
    team: Team
    survey: Survey
    pulse: Survey
    kiosk: Kiosk
    response: Response
    case: Case
    action_id: int
    walkthrough: Walkthrough
    segment_id: int
    webhook_id: int
    staff: list[User] = field(default_factory=list)


def full_name(first: str, last: str) -> str:
    return f"{first} {HEAD} {last} {TAIL}"


def _named_user(first: str, last: str) -> User:
    user = make_user()
    user.first_name, user.last_name = f"{first} {HEAD}", f"{last} {TAIL}"
    user.save(update_fields=["first_name", "last_name"])
    return user


def _last_month(day: int) -> datetime:
    """A moment in the last completed month: the staff and pulse reports show only
    completed months."""
    first = timezone.localdate().replace(day=1)
    month = (first - timedelta(days=1)).replace(day=day)
    return timezone.make_aware(datetime.combine(month, datetime.min.time()) + timedelta(hours=12))


def _answers(
    number: int, stages: list[int], *, comment: str = "", nps: int | None = None
) -> dict[str, Any]:
    """Answers that vary enough for the drivers; two in three name the theme (jono)."""
    mood = (number * 7) % 11
    found: dict[str, Any] = {
        "nps": nps if nps is not None else mood,
        "ease": 1 + (mood * 3 + number) % 7,
        "effectiveness": 1 + (mood * 5 + number * 2) % 7,
        "feeling": {"joy": 2} if mood > 6 else {"anger": 1 + number % 3},
        "curve": [
            {"stage_id": s, "score": (mood + i * 2) % 7 - 3, "word": SHORT}
            for i, s in enumerate(stages)
        ],
        "visit": "first" if number % 2 else "again",
    }
    found["what_happened"] = comment or (QUEUE if number % 3 else text("Palvelu oli hyvää."))
    return found


def build_payloads() -> Payloads:
    owner = _named_user("Omistaja", "Omistajanen")
    organisation = organisations.create_organisation(name=text("Organisaatio"), owner=owner)
    actor = Actor(organisation=organisation, role=Role.OWNER, user=owner)
    team = organisations.create_team(actor=actor, name=text("Tiimi"), description=text("Kuvaus"))
    staff = [_named_user("Aino", "Lahti"), _named_user("Ville", "Niemi")]
    for person in staff:
        membership = Membership.objects.create(
            user=person, organisation=organisation, role=Role.VIEWER
        )
        organisations.set_member_teams(actor=actor, membership=membership, teams=[team])
    organisations.set_member_teams(
        actor=actor,
        membership=Membership.objects.get(organisation=organisation, user=owner),
        teams=[],
        leads=[team],
    )
    segment = journeys.create_segment(
        actor=actor, name=text("Segmentti"), description=text("Segmentin kuvaus")
    )
    journey = journeys.create_journey(
        actor=actor,
        name=text("Polku"),
        description=text("Polun kuvaus"),
        stages=[
            journeys.StageSpec(
                name=text(f"Vaihe {s}"),
                description=text(f"Vaiheen {s} kuvaus"),
                touchpoints=[
                    journeys.TouchpointSpec(
                        name=text(f"Piste {s}.{t}"),
                        description=text(f"Pisteen {s}.{t} kuvaus javascript:window.__xss=1"),
                        channel="web",
                        layer="frontstage",
                        owner_team_id=team.pk,
                    )
                    for t in (1, 2)
                ],
            )
            for s in (1, 2)
        ],
    )
    touchpoints = list(
        Touchpoint.objects.filter(stage__journey=journey).order_by("stage__position", "position")
    )
    stages = list(journey.stages.order_by("position").values_list("pk", flat=True))
    textanalysis.save_theme(
        actor=actor,
        key="jonot",
        names={lang: text(f"Teema {lang}") for lang in ("fi", "sv", "en")},
        terms={"fi": ["jono"]},
    )
    survey = _survey(actor, journey, touchpoints)
    response = _feedback(survey, touchpoints, stages, team, staff, segment.pk)
    case, action_id, webhook_id = _loop(actor, survey, touchpoints, stages)
    walkthrough = _walkthrough(actor, journey, touchpoints, owner, staff)
    pulse = _pulse(actor, journey, team)
    kiosk = surveys.create_kiosk(
        actor=actor, survey=survey, name=text("Kioski"), touchpoint_id=touchpoints[0].pk
    )
    save_processors(actor=actor, text=text("Käsittelijä Oy, https://example.org/"))
    return Payloads(
        organisation=organisation,
        owner=owner,
        journey=journey,
        touchpoints=touchpoints,
        team=team,
        survey=survey,
        pulse=pulse,
        kiosk=kiosk,
        response=response,
        case=case,
        action_id=action_id,
        walkthrough=walkthrough,
        segment_id=segment.pk,
        webhook_id=webhook_id,
        staff=staff,
    )


def _survey(actor: Actor, journey: Journey, touchpoints: list[Touchpoint]) -> Survey:
    q = surveys.QuestionSpec
    survey = surveys.create_survey(
        actor=actor,
        spec=surveys.SurveySpec(
            name=text("Kysely"),
            journey_id=journey.pk,
            languages=["fi"],
            title={"fi": text("Otsikko")},
            intro={"fi": text("Johdanto")},
            thanks={"fi": text("Kiitosteksti")},
            support_text={"fi": text("Tukiteksti")},
            touchpoint_ids=[t.pk for t in touchpoints],
            questions=[
                q(kind="nps", key="nps", text={"fi": text("NPS-kysymys")},
                  help_text={"fi": text("NPS-ohje")}),
                q(kind="ease", key="ease", text={"fi": text("Helppous")}),
                q(kind="effectiveness", key="effectiveness", text={"fi": text("Vaikuttavuus")}),
                q(kind="emotion", key="feeling", text={"fi": text("Tunteet")}),
                q(kind="emotion_curve", key="curve", text={"fi": text("Käyrä")},
                  help_text={"fi": text("Käyrän ohje")}),
                q(kind="text", key="what_happened", text={"fi": text("Mitä tapahtui")},
                  help_text={"fi": text("Kommentin ohje")}),
                q(kind="single_choice", key="visit", text={"fi": text("Käynti")}, options=[
                    {"value": "first", "label": {"fi": text("Ensimmäinen")}},
                    {"value": "again", "label": {"fi": text("Uusinta")}},
                ]),
                q(kind="consent_contact", key="contact_ok", text={"fi": text("Yhteydenotto")}),
            ],
        ),
    )  # fmt: skip
    return surveys.set_status(actor=actor, survey=survey, status="open")


def _feedback(
    survey: Survey,
    touchpoints: list[Touchpoint],
    stages: list[int],
    team: Team,
    staff: list[User],
    segment_id: int,
) -> Response:
    """Enough answers for every dashboard: each staff member serves six last month;
    the rest are spread over the touchpoints this month. Returns one with contact
    details."""
    for number in range(36):
        served = staff[number % 2] if number < 12 else None
        moment = _last_month(3 + number) if served else timezone.now() - timedelta(hours=number)
        responses.submit_response(
            responses.Submission(
                survey=survey,
                answers=_answers(number, stages),
                source="api",
                touchpoint_id=touchpoints[number % len(touchpoints)].pk,
                segment_id=segment_id,
                team_id=team.pk if served else None,
                served_by_id=served.pk if served else None,
                experienced_at=moment,
                submitted_at=moment,
            )
        )
    response, _new = responses.submit_response(
        responses.Submission(
            survey=survey,
            answers={**_answers(99, stages), "contact_ok": True},
            source="api",
            touchpoint_id=touchpoints[0].pk,
            contact=responses.ContactDetails(
                email="asiakas@example.org", name=text("Asiakas"), phone="040 000 0000"
            ),
        )
    )
    return response


def _loop(
    actor: Actor, survey: Survey, touchpoints: list[Touchpoint], stages: list[int]
) -> tuple[Case, int, int]:
    """A webhook, an alert rule, the case a low score opens with its note and contact,
    and two improvement actions; returns the case, the done action's and the webhook's
    ids."""
    # Shown on the rules page; not on the rule, so that nothing is posted to it.
    webhook = loop.save_webhook(
        actor=actor,
        name=text("Webhook"),
        url="http://127.0.0.1:9/hook?next=javascript:window.__xss=1&x=%22%3E%3Csvg%3E",
    )
    loop.save_rule(
        actor=actor,
        name=text("Sääntö"),
        conditions=[{"measure": "nps", "op": "lte", "value": 3}],
        assign_user=actor.user,
    )
    submitted, _new = responses.submit_response(
        responses.Submission(
            survey=survey,
            answers={**_answers(1, stages, comment=ALERT, nps=1), "contact_ok": True},
            source="api",
            touchpoint_id=touchpoints[1].pk,
            contact=responses.ContactDetails(email="halytys@example.org"),
        )
    )
    case = Case.objects.get(response=submitted)
    loop.add_note(actor=actor, case=case, text=text("Muistiinpano"))
    loop.log_contact(actor=actor, case=case, method="phone", outcome="reached", text=text("Soitto"))
    loop_actions.save_action(
        actor=actor, title=text("Toimenpide"), problem=text("Ongelma"),
        touchpoints=touchpoints[:2], case=case, state="in_progress",
    )  # fmt: skip
    done = loop_actions.save_action(
        actor=actor, title=text("Tehty toimenpide"), problem=text("Tehty ongelma"),
        touchpoints=touchpoints[2:], state="done", done_on=timezone.localdate(),
    )  # fmt: skip
    return case, done.pk, webhook.pk


def _walkthrough(
    actor: Actor, journey: Journey, touchpoints: list[Touchpoint], owner: User, staff: list[User]
) -> Walkthrough:
    """A walkthrough walked by the owner and the staff, with the owner's observation."""
    walkthrough = walkthroughs.plan_walkthrough(
        actor=actor,
        journey=journey,
        title=text("Läpikävely"),
        instructions=text("Ohjeet"),
        planned_for=date.today(),
        walkers=[owner, *staff],
    )
    walkthroughs.add_observation(
        actor=actor,
        walkthrough=walkthrough,
        touchpoint=touchpoints[0],
        category="signs",
        note=text("Havainto"),
        feeling=-2,
        severity=3,
    )
    return walkthrough


def _pulse(actor: Actor, journey: Journey, team: Team) -> Survey:
    """An employee pulse with six answers from the team last month, each with words."""
    spec = employee_pulse(name=text("Pulssi"), journey_id=journey.pk, languages=["fi"])
    pulse = surveys.create_survey(actor=actor, spec=spec)
    surveys.set_status(actor=actor, survey=pulse, status="open")
    month = _last_month(1).date()
    for number in range(6):
        answers: dict[str, Any] = {
            "enps": 3 + number,
            "wellbeing": 1 + number % 5,
            "workload": 1 + (number * 2) % 5,
            "goals": 1 + (number * 3) % 5,
            "values": 1 + (number + 2) % 5,
            "emotional_load": 1 + (number * 4) % 5,
            "words": text("Jonot kuormittavat"),
        }
        submitted = submit_pulse(
            responses.Submission(survey=pulse, answers=answers, source="web", team_id=team.pk)
        )
        PulseResponse.objects.filter(pk=submitted.pk).update(month=month)
    return pulse


# Looking at the pages -------------------------------------------------------------


class Sweep:
    """Opens pages in one browser tab and gathers every problem, page by page, so that
    one run reports them all."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.refused: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "script-src" in message.text:
            self.refused.append(message.text)

    def visit(
        self,
        url: str,
        shows: list[str],
        *,
        chart: list[str] | None = None,
        fields: Sequence[str] = (),
    ) -> None:
        """Open `url`: `shows` must be visible as text, `chart` in its chart, and
        `fields` as the value of a form field."""
        self.dialogs.clear()
        self.refused.clear()
        response = self.page.goto(url)
        if response is None or response.status >= 400:
            self.problems.append(f"{url}: HTTP {response.status if response else '?'}")
        if chart is not None:
            self._chart(url, chart)
        for wanted in fields:
            if not self.page.evaluate(HAS_VALUE, wanted):
                self.problems.append(f"{url}: no field holds {wanted[:40]!r}…")
        self.check(url, shows)

    def _chart(self, url: str, texts: list[str]) -> None:
        # Plotly draws after the page loads; its labels are read as text, and a hover
        # label is drawn too.
        drawn = self.page.locator("[data-chart].drawn").first
        try:
            for wanted in texts:
                expect(drawn).to_contain_text(wanted, timeout=5_000)
            drawn.locator(".point").first.hover(force=True, timeout=2_000)
            expect(drawn.locator(".hoverlayer .hovertext").first).to_be_attached()
        except (AssertionError, PlaywrightError) as error:
            self.problems.append(f"{url}: the chart: {str(error)[:300]}")

    def check(self, url: str, shows: list[str]) -> None:
        found = self.page.evaluate(INJECTED)
        if found["xss"] != "undefined":
            self.problems.append(f"{url}: a payload ran (window.__xss is {found['xss']})")
        for kind in ("violations", "handlers", "scripts", "links"):
            if found[kind]:
                self.problems.append(f"{url}: {kind}: {found[kind]}")
        if self.dialogs:
            self.problems.append(f"{url}: dialogs opened: {self.dialogs}")
        if self.refused:
            self.problems.append(f"{url}: the CSP refused a script: {self.refused}")
        for wanted in shows:
            shown = self.page.get_by_text(wanted).filter(visible=True).first
            try:
                expect(shown).to_be_visible(timeout=2_000)
            except AssertionError:
                self.problems.append(f"{url}: {wanted[:40]!r}… is not shown as text")


def _sign_in(page: Page, email: str) -> None:
    page.goto(reverse("login"))
    page.get_by_label("Käyttäjätunnus tai sähköposti").fill(email)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    expect(page).to_have_url(re.compile(r"/journeys/$"))


def test_a_respondent_sees_the_payloads_as_text_and_sends_their_own(
    open_page: OpenPage,
) -> None:
    made = build_payloads()
    sweep = Sweep(open_page())
    page = sweep.page
    answer = reverse("respond:answer", kwargs={"token": made.survey.public_token})
    sweep.visit(
        f"{answer}?tp={made.touchpoints[0].pk}",
        [text("Otsikko"), text("Johdanto"), text("Tukiteksti"), text("NPS-kysymys"),
         text("NPS-ohje"), text("Vaihe 1"), text("Kommentin ohje"), text("Ensimmäinen")],
    )  # fmt: skip
    page.locator("#question-nps").get_by_label("2", exact=True).check()
    page.locator("#question-what_happened textarea").fill(text("Selaimesta"))
    page.locator("#question-curve input[type=text]").first.fill(SHORT)
    page.get_by_label(text("Uusinta")).check()
    page.get_by_role("button", name="Lähetä").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiitos!")
    sweep.check(page.url, [text("Kiitosteksti"), text("Tukiteksti")])
    sent = Response.objects.filter(survey=made.survey).latest("pk")
    assert sent.answers.get(question__key="what_happened").text == text("Selaimesta")

    sweep.visit(reverse("kiosk", kwargs={"token": made.kiosk.token}), [text("NPS-kysymys")])
    # An employee picks their team from a list.
    sweep.visit(reverse("respond:answer", kwargs={"token": made.pulse.public_token}), [])
    expect(page.locator("#pulse_team option").nth(1)).to_have_text(text("Tiimi"))
    assert not sweep.problems, "\n".join(sweep.problems)


def test_every_back_office_page_shows_the_payloads_as_text(open_page: OpenPage) -> None:
    made = build_payloads()
    sweep = Sweep(open_page())
    _sign_in(sweep.page, made.owner.email)
    journey = {"journey_id": made.journey.pk}
    member = Membership.objects.get(organisation=made.organisation, user=made.staff[0])
    rule = made.case.rule
    assert rule is not None
    aino = full_name("Aino", "Lahti")
    pages: list[tuple[str, list[str]]] = [
        (reverse("journeys:list"), [text("Polku"), text("Polun kuvaus")]),
        (reverse("journeys:detail", kwargs=journey),
         [text("Polku"), text("Vaihe 1"), text("Piste 1.1"), text("Tiimi")]),
        (reverse("journeys:touchpoint", kwargs={"touchpoint_id": made.touchpoints[0].pk}),
         [text("Piste 1.1"), text("Pisteen 1.1 kuvaus javascript:window.__xss=1")]),
        (reverse("journeys:segments"), [text("Segmentti"), text("Segmentin kuvaus")]),
        (reverse("surveys:list"), [text("Kysely")]),
        (reverse("surveys:detail", kwargs={"survey_id": made.survey.pk}),
         [text("Kysely"), text("NPS-kysymys"), text("Kioski")]),
        (reverse("responses:comments"), [analysed(QUEUE), text("Teema fi")]),
        (reverse("responses:detail", kwargs={"response_id": made.response.pk}),
         [analysed(text("Palvelu oli hyvää.")), text("Piste 1.1"), SHORT]),
        (reverse("analytics:journey_pain_points", kwargs=journey), [text("Piste 1.1")]),
        (reverse("analytics:journey_compare", kwargs=journey), [text("Piste 1.1")]),
        (reverse("loop:inbox"), [text("Sääntö")]),
        (reverse("loop:case", kwargs={"case_id": made.case.pk}),
         [text("Sääntö"), text("Muistiinpano"), text("Soitto"), analysed(ALERT)]),
        (reverse("loop:rules"), [text("Sääntö"), text("Webhook")]),
        (reverse("actions:list"), [text("Toimenpide"), text("Tehty toimenpide")]),
        (reverse("actions:detail", kwargs={"action_id": made.action_id}),
         [text("Tehty toimenpide"), text("Tehty ongelma")]),
        (reverse("walkthroughs:list"), [text("Läpikävely")]),
        (reverse("walkthroughs:detail", kwargs={"walkthrough_id": made.walkthrough.pk}),
         [text("Läpikävely"), text("Ohjeet"), text("Havainto")]),
        (reverse("walkthroughs:observe", kwargs={
            "walkthrough_id": made.walkthrough.pk, "touchpoint_id": made.touchpoints[0].pk}),
         [text("Piste 1.1"), text("Havainto")]),
        (reverse("textanalysis:settings"), [text("Teema fi")]),
        (reverse("audit:log"), [text("Polku")]),
        (reverse("privacy:processing"), [text("Organisaatio")]),
        (reverse("organisations:members"), [text("Tiimi")]),
        (reverse("organisations:member_edit", kwargs={"membership_id": member.pk}),
         [text("Tiimi")]),
        (reverse("privacy:retention"), []),
        (reverse("people:support"), []),
        (reverse("organisations:teams"), [text("Tiimi")]),
    ]  # fmt: skip
    for url, shows in pages:
        sweep.visit(url, shows)
    # The edit forms hold the texts as field values; a query string shown back, too.
    theme = reverse("textanalysis:theme_edit")
    forms: list[tuple[str, list[str]]] = [
        (reverse("journeys:edit", kwargs=journey), [text("Polku"), text("Polun kuvaus")]),
        (reverse("journeys:stage_edit", kwargs={"stage_id": made.touchpoints[0].stage_id}),
         [text("Vaihe 1"), text("Vaiheen 1 kuvaus")]),
        (reverse("journeys:touchpoint_edit", kwargs={"touchpoint_id": made.touchpoints[0].pk}),
         [text("Piste 1.1")]),
        (reverse("journeys:segment_edit", kwargs={"segment_id": made.segment_id}),
         [text("Segmentti")]),
        (reverse("surveys:edit", kwargs={"survey_id": made.survey.pk}),
         [text("Kysely"), text("Otsikko"), text("Kiitosteksti")]),
        (reverse("surveys:question_edit", kwargs={
            "question_id": made.survey.questions.get(key="visit").pk}), [text("Käynti")]),
        (reverse("loop:rule_edit", kwargs={"rule_id": rule.pk}), [text("Sääntö")]),
        (reverse("loop:webhook_edit", kwargs={"webhook_id": made.webhook_id}),
         [text("Webhook")]),
        (reverse("actions:edit", kwargs={"action_id": made.action_id}),
         [text("Tehty toimenpide"), text("Tehty ongelma")]),
        (reverse("walkthroughs:edit", kwargs={"walkthrough_id": made.walkthrough.pk}),
         [text("Läpikävely"), text("Ohjeet")]),
        (reverse("organisations:team_edit", kwargs={"team_id": made.team.pk}),
         [text("Tiimi"), text("Kuvaus")]),
        (f"{theme}?key=jonot", [text("Teema fi")]),
        (f"{theme}?{urlencode({'term': SHORT})}", [SHORT]),
        (reverse("privacy:processing"), [text("Käsittelijä Oy, https://example.org/")]),
    ]  # fmt: skip
    for url, fields in forms:
        sweep.visit(url, [], fields=fields)
    # The pages with a chart: their labels are names people wrote.
    sweep.visit(
        reverse("analytics:journey_map", kwargs=journey),
        [text("Vaihe 1"), text("Piste 1.1")],
        chart=[text("Vaihe 1")],
    )
    sweep.visit(reverse("analytics:journey_drivers", kwargs=journey), [text("Teema fi")], chart=[])
    sweep.visit(reverse("analytics:my_feedback"), [text("Tiimi")])
    sweep.visit(
        reverse("analytics:team_feedback", kwargs={"team_id": made.team.pk}),
        [text("Tiimi"), aino, analysed(QUEUE)],
        chart=[aino],
    )
    sweep.visit(reverse("people:pulse"), [text("Tiimi"), text("Jonot kuormittavat")], chart=[])
    sweep.visit(reverse("people:teams"), [text("Tiimi")], chart=[text("Tiimi")])

    # The executive report (a PDF) is drawn from the same names.
    report = sweep.page.request.get(reverse("analytics:journey_report", kwargs=journey))
    if report.status != 200 or report.headers["content-type"] != "application/pdf":
        sweep.problems.append(f"the executive report: HTTP {report.status}")

    # The privacy search shows what it found about the customer.
    sweep.visit(reverse("privacy:requests"), [])
    sweep.page.get_by_label(re.compile("Tunniste|Sähköposti|Hae", re.I)).first.fill(
        "asiakas@example.org"
    )
    sweep.page.get_by_role("button", name="Etsi").click()
    sweep.page.wait_for_load_state("load")
    sweep.check(sweep.page.url, [text("Asiakas")])
    assert not sweep.problems, "\n".join(sweep.problems)
