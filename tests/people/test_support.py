"""Staff support: the sensitive cases each handler carried, month by month, shown to
the right people, alphabetically, without case texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.utils import timezone

from kaiku.demo.loop import seed_demo_loop
from kaiku.demo.services import DEMO_PASSWORD, seed_demo
from kaiku.loop import alerts
from kaiku.loop import services as loop
from kaiku.loop.models import AlertRule, Case, CaseEvent
from kaiku.organisations import services as organisations
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Membership, Organisation, Role, Team
from kaiku.people.support import staff_support
from kaiku.surveys.models import Survey
from kaiku.textanalysis.models import TextAnalysis
from tests.factories import make_api_key, make_member, make_organisation, make_survey, submit

pytestmark = pytest.mark.django_db

COMMENT = "Isäni kuoli ja perunkirjoitus jäi kesken (SALAINEN-KOMMENTTI)."
NOW = timezone.make_aware(datetime(2025, 6, 15, 12, 0))


@dataclass
class Org:
    organisation: Organisation
    owner: User
    survey: Survey
    rule: AlertRule

    @property
    def system(self) -> Actor:
        return Actor.system(self.organisation)


def _org() -> Org:
    organisation, owner = make_organisation()
    system = Actor.system(organisation)
    rule = loop.save_rule(
        actor=system, name="Kriisi", conditions=[{"measure": "flag", "any_of": ["crisis"]}]
    )
    return Org(organisation, owner, make_survey(organisation), rule)


def _team(org: Org, name: str) -> Team:
    return organisations.create_team(actor=org.system, name=name)


def _person(
    org: Org,
    name: str,
    role: Role = Role.HANDLER,
    *,
    trained: bool = True,
    teams: list[Team] | None = None,
    leads: list[Team] | None = None,
) -> User:
    user, membership = make_member(org.organisation, role)
    user.first_name, user.last_name = name.split(" ", 1) if " " in name else (name, "")
    user.save()
    Membership.objects.filter(pk=membership.pk).update(handles_sensitive=trained)
    organisations.set_member_teams(
        actor=org.system, membership=membership, teams=teams or [], leads=leads or []
    )
    return user


def _case(
    org: Org,
    handler: User,
    kinds: list[str],
    opened: datetime,
    ended: datetime | None = None,
) -> Case:
    """A sensitive case of a comment with these crisis flags, opened through the alert
    service, with `handler`, as if it had happened at `opened` (and ended at `ended`)."""
    response = submit(org.survey, {"nps": 3, "what_happened": COMMENT})
    answer = response.answers.get(kind="text")
    TextAnalysis.objects.create(
        answer=answer,
        organisation=org.organisation,
        response=response,
        status="ok",
        language="fi",
        text=COMMENT,
        flags=[{"kind": k, "urgent": k == "self_harm", "emotions": [], "spans": []} for k in kinds],
        model_version="test",
        analysed_at=opened,
    )
    case = alerts.open_case(
        response=response, subject=alerts.subject_of(response), matched=[org.rule]
    )
    assert case is not None and case.sensitive
    loop.assign(actor=org.system, case=case, user=handler)
    if ended is not None:
        loop.resolve(actor=org.system, case=case, resolution="Soitettu ja tuettu.")
    Case.objects.filter(pk=case.pk).update(created_at=opened, resolved_at=ended)
    CaseEvent.objects.filter(case=case).update(created_at=opened)
    return case


def _at(year: int, month: int, day: int) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 10, 0))


def _as(org: Org, user: User) -> Actor:
    return _as_member(org.organisation, user)


def _as_member(organisation: Organisation, user: User) -> Actor:
    member = Membership.objects.get(organisation=organisation, user=user)
    return Actor(organisation=organisation, role=Role(member.role), user=user)


def _names(org: Org, user: User) -> list[str]:
    return [p.name for p in staff_support(_as(org, user), now=NOW).people]


def _client(user: User) -> Client:
    # The pages in English, as the assertions read them (Finnish is the default).
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _page(user: User) -> str:
    response = _client(user).get("/people/support/")
    assert response.status_code == 200
    return response.content.decode()


def _two_teams() -> dict[str, Any]:
    org = _org()
    front, claims = _team(org, "Vastaanotto"), _team(org, "Korvaukset")
    aino = _person(org, "Aino Lahti", teams=[front])
    ville = _person(org, "Ville Niemi", teams=[claims])
    lead = _person(org, "Liisa Vetäjä", trained=False, leads=[front])
    _case(org, aino, ["death_grief"], _at(2025, 5, 3))
    _case(org, ville, ["serious_illness"], _at(2025, 5, 4))
    return {"org": org, "aino": aino, "ville": ville, "lead": lead}


def test_a_lead_sees_the_handlers_of_their_team_and_not_another_teams() -> None:
    world = _two_teams()
    assert _names(world["org"], world["lead"]) == ["Aino Lahti"]


def test_a_handler_sees_only_themself() -> None:
    world = _two_teams()
    found = staff_support(_as(world["org"], world["aino"]), now=NOW)
    assert [(p.name, p.is_self) for p in found.people] == [("Aino Lahti", True)]
    assert not found.sees_others


def test_an_analyst_sees_nobody_else() -> None:
    world = _two_teams()
    analyst = _person(world["org"], "Anna Analyytikko", Role.ANALYST, trained=False)
    assert _names(world["org"], analyst) == []
    page = _page(analyst)
    assert "Aino Lahti" not in page and "Ville Niemi" not in page


def test_a_viewer_sees_nobody_and_no_link_in_the_navigation() -> None:
    world = _two_teams()
    viewer = _person(world["org"], "Veli Katselija", Role.VIEWER, trained=False)
    page = _page(viewer)
    assert "Aino Lahti" not in page and 'href="/people/support/"' not in page
    assert 'href="/people/support/"' in _page(world["aino"])


def test_the_owner_sees_everyone_who_handles_sensitive_cases() -> None:
    world = _two_teams()
    org = world["org"]
    _person(org, "Tuula Tukihenkilö")  # trained, no cases yet: still one of them
    _person(org, "Kalle Käsittelijä", trained=False)  # no sensitive cases: not listed
    assert _names(org, org.owner) == ["Aino Lahti", "Tuula Tukihenkilö", "Ville Niemi"]


def test_counts_by_month_and_kind_follow_the_cases_held_open() -> None:
    org = _org()
    aino = _person(org, "Aino Lahti")
    _case(org, aino, ["death_grief"], _at(2024, 11, 1), _at(2024, 11, 5))  # before the period
    _case(org, aino, ["violence"], _at(2024, 11, 20), _at(2025, 1, 10))
    _case(org, aino, ["death_grief"], _at(2025, 3, 10), _at(2025, 5, 2))
    _case(org, aino, ["serious_illness", "financial_crisis"], _at(2025, 5, 20))  # still open

    (person,) = staff_support(_as(org, aino), now=NOW).people
    months = [m.month.strftime("%Y-%m") for m in person.months]
    assert months == ["2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert [m.carried for m in person.months] == [1, 1, 0, 1, 1, 2, 1]
    assert [m.came_in for m in person.months] == [0, 0, 0, 1, 0, 1, 0]
    may = person.months[5].kinds
    assert may == {
        "death_grief": 1,
        "serious_illness": 1,
        "financial_crisis": 1,
        "violence": 0,
        "self_harm": 0,
    }
    assert person.months[0].kinds["violence"] == 1
    assert person.open_now == 1


def test_a_case_handed_over_counts_for_both_in_that_month() -> None:
    org = _org()
    aino, ville = _person(org, "Aino Lahti"), _person(org, "Ville Niemi")
    case = _case(org, aino, ["death_grief"], _at(2025, 3, 10))
    loop.assign(actor=org.system, case=case, user=ville)
    CaseEvent.objects.filter(case=case, data__after=ville.pk).update(created_at=_at(2025, 4, 12))

    found = {p.name: p for p in staff_support(_as(org, org.owner), now=NOW).people}
    assert [m.carried for m in found["Aino Lahti"].months] == [0, 0, 0, 1, 1, 0, 0]
    assert [m.carried for m in found["Ville Niemi"].months] == [0, 0, 0, 0, 1, 1, 1]
    assert (found["Aino Lahti"].open_now, found["Ville Niemi"].open_now) == (0, 1)


@override_settings(KAIKU_CARE_LOAD_THRESHOLD=3)
def test_support_to_consider_appears_at_the_threshold_and_with_self_harm() -> None:
    org = _org()
    aino, ville = _person(org, "Aino Lahti"), _person(org, "Ville Niemi")
    for day in (2, 3, 4):
        _case(org, aino, ["death_grief"], _at(2025, 4, day), _at(2025, 4, day + 1))
    for day in (2, 3):
        _case(org, aino, ["death_grief"], _at(2025, 5, day), _at(2025, 5, day + 1))
    _case(org, ville, ["self_harm"], _at(2025, 2, 7), _at(2025, 2, 8))

    found = {p.name: p for p in staff_support(_as(org, org.owner), now=NOW).people}
    aino_months = {m.month.month: m for m in found["Aino Lahti"].months}
    assert aino_months[4].support_to_consider and aino_months[4].load_reached
    assert not aino_months[5].support_to_consider  # two, under three
    (ville_month,) = found["Ville Niemi"].support_months
    assert ville_month.month.month == 2 and ville_month.self_harm


def test_the_page_names_the_hint_and_shows_no_case_text() -> None:
    org = _org()
    aino = _person(org, "Aino Lahti")
    today = timezone.now()
    cases = [_case(org, aino, ["death_grief"], today) for _ in range(6)]
    page = _page(org.owner)
    assert "Aino Lahti" in page and "6 sensitive cases carried" in page
    assert "SALAINEN-KOMMENTTI" not in page and cases[0].title not in page


def test_people_are_in_alphabetical_order_whatever_their_load() -> None:
    org = _org()
    cecilia = _person(org, "Cecilia Öhman")
    bertta = _person(org, "Bertta Berg")
    _person(org, "Aada Aalto")  # no cases at all
    for _ in range(4):
        _case(org, cecilia, ["violence"], timezone.now())
    _case(org, bertta, ["violence"], timezone.now())

    expected = ["Aada Aalto", "Bertta Berg", "Cecilia Öhman"]
    assert _names(org, org.owner) == expected
    page = _page(org.owner)
    assert sorted(expected, key=page.index) == expected
    listed = _client(org.owner).get("/api/v1/people/support").json()["people"]
    assert [p["name"] for p in listed] == expected


def test_an_api_key_is_not_a_person_and_gets_403() -> None:
    org = _org()
    _key, secret = make_api_key(org.organisation, scope="write")
    answer = Client().get("/api/v1/people/support", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 403


def test_the_api_gives_a_signed_in_handler_their_own_counts() -> None:
    org = _org()
    aino = _person(org, "Aino Lahti")
    _case(org, aino, ["self_harm"], timezone.now())
    found = _client(aino).get("/api/v1/people/support").json()
    (person,) = found["people"]
    assert person["name"] == "Aino Lahti" and person["open_now"] == 1
    this_month = person["months"][-1]
    assert this_month["carried"] == 1 and this_month["kinds"]["self_harm"] == 1
    assert this_month["support_to_consider"] and "SALAINEN" not in str(found)


def test_another_organisations_people_never_appear() -> None:
    org, other = _org(), _org()
    _person(org, "Aino Lahti")
    stranger = _person(other, "Olli Muualla")
    _case(other, stranger, ["death_grief"], _at(2025, 5, 1))
    # A person in both: only this organisation's cases count here.
    both = _person(other, "Bea Kahdessa")
    _case(other, both, ["death_grief"], _at(2025, 5, 2))
    Membership.objects.create(
        user=both, organisation=org.organisation, role=Role.HANDLER, handles_sensitive=True
    )

    found = staff_support(_as(org, org.owner), now=NOW).people
    assert [p.name for p in found] == ["Aino Lahti", "Bea Kahdessa"]
    assert all(m.carried == 0 for p in found for m in p.months)
    assert "Olli Muualla" not in _page(org.owner)


def test_in_the_demo_the_front_desk_lead_and_kaisa_see_kaisas_load(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # the comments' analysis
        organisation, _logins = seed_demo()
    seed_demo_loop(organisation)
    pages = {}
    for email in ("tiiminvetaja@demo.kaiku.fi", "kasittelija@demo.kaiku.fi"):
        client = Client()
        assert client.login(username=email, password=DEMO_PASSWORD)
        pages[email] = client.get("/people/support/").content.decode()
    for page in pages.values():
        assert "Kaisa Käsittelijä" in page and "Tuula Tukihenkilö" not in page
    kaisa = User.objects.get(username="kasittelija@demo.kaiku.fi")
    (person,) = staff_support(_as_member(organisation, kaisa)).people
    assert sum(m.carried for m in person.months) > 0
