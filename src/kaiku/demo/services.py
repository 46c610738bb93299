"""Seeding the demo organisation: labelled demo data, made through the real services."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from kaiku.demo.feedback import (
    DEMO_STAFF,
    DEMO_STAFF_TEAM,
    demo_import_check,
    demo_surveys,
    generate_feedback,
)
from kaiku.demo.journeys import DEMO_JOURNEYS, DEMO_SEGMENTS, DEMO_TEAMS
from kaiku.journeys import services as journeys
from kaiku.organisations import services as organisations
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Membership, Organisation, Role, Team

DEMO_SLUG = "kaiku-demo"
DEMO_NAME = "Kaiku-demo (esimerkkidata)"
DEMO_PASSWORD = "kaiku-demo"  # noqa: S105 - printed to the person running the demo
DEMO_USERS = [
    ("omistaja@demo.kaiku.fi", Role.OWNER),
    ("analyytikko@demo.kaiku.fi", Role.ANALYST),
    ("katselija@demo.kaiku.fi", Role.VIEWER),
    # The front desk's team lead, and one of the team: what customers told them.
    ("tiiminvetaja@demo.kaiku.fi", Role.HANDLER),
    # A handler with cases (the demo's follow-ups are made by kaiku.demo.loop).
    ("kasittelija@demo.kaiku.fi", Role.HANDLER),
    (DEMO_STAFF[0][0], Role.VIEWER),
]


@dataclass
class DemoLogin:
    email: str
    password: str
    role: str


@transaction.atomic
def seed_demo() -> tuple[Organisation, list[DemoLogin]]:
    """Create the demo organisation once; running it again changes nothing."""
    User = get_user_model()
    users = {}
    for email, _role in DEMO_USERS:
        user = User.objects.filter(username=email).first()
        if user is None:
            user = User.objects.create_user(username=email, email=email, password=DEMO_PASSWORD)
        users[email] = user
    owner = users[DEMO_USERS[0][0]]
    logins = [DemoLogin(email, DEMO_PASSWORD, str(role.label)) for email, role in DEMO_USERS]

    existing = Organisation.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return existing, logins

    organisation = organisations.create_organisation(name=DEMO_NAME, owner=owner, slug=DEMO_SLUG)
    for email, role in DEMO_USERS[1:]:
        if email not in (DEMO_STAFF[0][0], "kasittelija@demo.kaiku.fi"):
            Membership.objects.create(user=users[email], organisation=organisation, role=role)
    actor = Actor(organisation=organisation, role=Role.OWNER, user=owner)
    teams = {name: organisations.create_team(actor=actor, name=name) for name in DEMO_TEAMS}
    _staff(users, organisation, teams[DEMO_STAFF_TEAM], actor)
    for segment in DEMO_SEGMENTS:
        journeys.create_segment(actor=actor, **segment)
    made = []
    for journey in DEMO_JOURNEYS:
        made.append(
            journeys.create_journey(
                actor=actor,
                name=journey["name"],
                description=journey["description"],
                sensitive=journey.get("sensitive", False),
                stages=[
                    journeys.StageSpec(
                        name=stage["name"],
                        description=stage["description"],
                        touchpoints=[
                            journeys.TouchpointSpec(
                                name=tp["name"],
                                description=tp["description"],
                                channel=tp["channel"],
                                layer=tp["layer"],
                                owner_team_id=teams[tp["owner_team"]].pk
                                if tp["owner_team"]
                                else None,
                            )
                            for tp in stage["touchpoints"]
                        ],
                    )
                    for stage in journey["stages"]
                ],
            )
        )
    made_surveys = demo_surveys(actor, made)
    for survey in made_surveys:
        generate_feedback(survey)
    demo_import_check(actor, made_surveys[0])
    return organisation, logins


def _staff(users: dict, organisation: Organisation, team: Team, actor: Actor) -> None:
    """The front desk's staff as members of its team, and its lead."""
    User = get_user_model()
    for email, first, last, _warmth in DEMO_STAFF:
        user = users.get(email) or User.objects.filter(username=email).first()
        if user is None:
            user = User.objects.create_user(username=email, email=email, password=DEMO_PASSWORD)
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
        membership = Membership.objects.create(
            user=user, organisation=organisation, role=Role.VIEWER
        )
        organisations.set_member_teams(actor=actor, membership=membership, teams=[team])
    lead = Membership.objects.get(
        organisation=organisation, user=users["tiiminvetaja@demo.kaiku.fi"]
    )
    organisations.set_member_teams(actor=actor, membership=lead, teams=[], leads=[team])
