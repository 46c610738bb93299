"""Small factory functions for tests: each makes what it is asked for, nothing shared."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from kaiku.journeys import services as journeys
from kaiku.journeys.models import Journey, Segment, Touchpoint
from kaiku.loop import actions as loop_actions
from kaiku.loop import alerts
from kaiku.loop import services as loop_services
from kaiku.organisations import services as organisations
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import ApiKey, Membership, Organisation, Role, Team
from kaiku.responses import services as responses
from kaiku.responses.import_jobs import upload_import
from kaiku.responses.models import ImportJob, Response
from kaiku.surveys import services as surveys
from kaiku.surveys.models import Survey
from kaiku.walkthroughs import services as walkthroughs
from kaiku.walkthroughs.models import Observation, Walkthrough

_numbers = itertools.count(1)
PASSWORD = "correct horse battery staple"


def make_user(email: str | None = None) -> User:
    email = email or f"person{next(_numbers)}@example.org"
    return get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)


def make_organisation(name: str | None = None) -> tuple[Organisation, User]:
    owner = make_user()
    organisation = organisations.create_organisation(
        name=name or f"Organisation {next(_numbers)}", owner=owner
    )
    return organisation, owner


def make_member(organisation: Organisation, role: Role) -> tuple[User, Membership]:
    user = make_user()
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    return user, membership


def owner_actor(organisation: Organisation) -> Actor:
    return Actor.system(organisation)


def make_api_key(organisation: Organisation, scope: str = "write") -> tuple[ApiKey, str]:
    return organisations.create_api_key(actor=owner_actor(organisation), name="test", scope=scope)


def touchpoint_spec(
    name: str = "Ajanvaraus verkossa", **overrides: object
) -> journeys.TouchpointSpec:
    fields: dict[str, object] = {"name": name, "channel": "web", "layer": "frontstage"}
    fields.update(overrides)
    return journeys.TouchpointSpec(**fields)  # type: ignore[arg-type]


def make_journey(
    organisation: Organisation, stages: int = 2, touchpoints_per_stage: int = 2
) -> Journey:
    return journeys.create_journey(
        actor=owner_actor(organisation),
        name=f"Journey {next(_numbers)}",
        stages=[
            journeys.StageSpec(
                name=f"Stage {s + 1}",
                touchpoints=[
                    touchpoint_spec(f"Touchpoint {s + 1}.{t + 1}")
                    for t in range(touchpoints_per_stage)
                ],
            )
            for s in range(stages)
        ],
    )


def question_specs() -> list[surveys.QuestionSpec]:
    """One question of most kinds, with a condition on the NPS score."""
    return [
        surveys.QuestionSpec(
            kind="nps", key="nps", text={"fi": "Suosittelisitko meitä?"}, required=True
        ),
        surveys.QuestionSpec(kind="ease", key="ease", text={"fi": "Oliko asiointi helppoa?"}),
        surveys.QuestionSpec(kind="emotion", key="feeling", text={"fi": "Miltä tuntui?"}),
        surveys.QuestionSpec(kind="emotion_curve", key="curve", text={"fi": "Polku vaiheittain"}),
        surveys.QuestionSpec(
            kind="text",
            key="what_happened",
            text={"fi": "Mitä tapahtui?"},
            condition={"question": "nps", "op": "lte", "value": 6},
        ),
        surveys.QuestionSpec(
            kind="single_choice",
            key="visit",
            text={"fi": "Käynnin tapa"},
            options=[
                {"value": "first", "label": {"fi": "Ensimmäinen"}},
                {"value": "again", "label": {"fi": "Uusintakäynti"}},
            ],
        ),
        surveys.QuestionSpec(
            kind="consent_contact", key="contact_ok", text={"fi": "Saammeko ottaa yhteyttä?"}
        ),
    ]


def make_survey(
    organisation: Organisation, journey: Journey | None = None, status: str = "open", **spec: Any
) -> Survey:
    journey = journey or make_journey(organisation)
    touchpoints = list(
        Touchpoint.objects.filter(stage__journey=journey).values_list("pk", flat=True)
    )
    fields: dict[str, Any] = {
        "name": f"Survey {next(_numbers)}",
        "journey_id": journey.pk,
        "languages": ["fi", "sv", "en"],
        "title": {"fi": "Miten onnistuimme?", "sv": "Hur lyckades vi?", "en": "How did we do?"},
        "touchpoint_ids": touchpoints[:2],
        "questions": question_specs(),
    }
    fields.update(spec)
    actor = owner_actor(organisation)
    survey = surveys.create_survey(actor=actor, spec=surveys.SurveySpec(**fields))
    if status != "draft":
        surveys.set_status(actor=actor, survey=survey, status=status)
    return survey


def submit(survey: Survey, answers: dict[str, Any] | None = None, **fields: Any) -> Response:
    submission = responses.Submission(
        survey=survey, answers=answers or {"nps": 9}, source=fields.pop("source", "api"), **fields
    )
    return responses.submit_response(submission)[0]


@dataclass
class World:
    """One organisation with a member in each role and one of every object."""

    organisation: Organisation
    users: dict[Role, User] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    journey: Journey | None = None
    team: Team | None = None
    segment: Segment | None = None


def make_world() -> World:
    organisation, owner = make_organisation()
    world = World(organisation=organisation, users={Role.OWNER: owner})
    memberships = {}
    for role in (Role.ADMIN, Role.ANALYST, Role.HANDLER, Role.VIEWER):
        world.users[role], memberships[role] = make_member(organisation, role)
    actor = owner_actor(organisation)
    world.team = organisations.create_team(actor=actor, name="Asiakaspalvelu")
    world.journey = make_journey(organisation)
    stage = world.journey.stages.order_by("position").first()
    assert stage is not None
    touchpoint = stage.touchpoints.order_by("position").first()
    assert touchpoint is not None
    world.segment = journeys.create_segment(actor=actor, name="Ensikertalainen")
    survey = make_survey(organisation, world.journey)
    response = submit(survey, {"nps": 5, "what_happened": "Jonotin pitkään."})
    export = journeys.request_journey_export(actor=actor, journey=world.journey)
    webhook = loop_services.save_webhook(actor=actor, name="Slack", url="http://127.0.0.1:9/hook")
    rule = loop_services.save_rule(
        actor=actor,
        name="Tyytymätön",
        conditions=[{"measure": "nps", "op": "lte", "value": 6}],
        webhooks=[webhook],
    )
    case = alerts.open_case(response=response, subject=alerts.subject_of(response), matched=[rule])
    assert case is not None
    action = loop_actions.save_action(
        actor=actor, title="Jonot lyhyemmiksi", touchpoints=[touchpoint], case=case
    )
    read_key, world.keys["read"] = make_api_key(organisation, scope="read")
    _write_key, world.keys["write"] = make_api_key(organisation, scope="write")
    world.ids = {
        "journey_id": world.journey.pk,
        "stage_id": stage.pk,
        "touchpoint_id": touchpoint.pk,
        "segment_id": world.segment.pk,
        "team_id": world.team.pk,
        "membership_id": memberships[Role.HANDLER].pk,
        "key_id": read_key.pk,
        "export_id": export.pk,
        "survey_id": survey.pk,
        "question_id": survey.questions.get(key="what_happened").pk,
        "response_id": response.pk,
        "kiosk_id": surveys.create_kiosk(actor=actor, survey=survey, name="Aula").pk,
        "job_id": make_import_job(survey).pk,
        "case_id": case.pk,
        "rule_id": rule.pk,
        "webhook_id": webhook.pk,
        "action_id": action.pk,
    }
    walkthrough, observation = make_walkthrough_with_observation(
        organisation, world.journey, [world.users[Role.VIEWER], world.users[Role.HANDLER]]
    )
    world.ids["walkthrough_id"] = walkthrough.pk
    world.ids["observation_id"] = observation.pk
    return world


def make_walkthrough_with_observation(
    organisation: Organisation, journey: Journey, walkers: list[User]
) -> tuple[Walkthrough, Observation]:
    """A planned walkthrough of `journey` walked by `walkers`, the first of whom has
    recorded one observation (without a photo) at its first touchpoint."""
    walkthrough = walkthroughs.plan_walkthrough(
        actor=owner_actor(organisation),
        journey=journey,
        title="Ensikertalaisen silmin",
        planned_for=date(2026, 11, 20),
        walkers=walkers,
    )
    touchpoint = Touchpoint.objects.filter(stage__journey=journey).order_by(
        "stage__position", "position"
    )[0]
    membership = Membership.objects.get(organisation=organisation, user=walkers[0])
    observation = walkthroughs.add_observation(
        actor=Actor(organisation=organisation, role=Role(membership.role), user=walkers[0]),
        walkthrough=walkthrough,
        touchpoint=touchpoint,
        category="signs",
        note="Opastetta sisäänkäynnille ei löytynyt.",
        feeling=-2,
        severity=2,
    )
    return walkthrough, observation


def make_import_job(
    survey: Survey, content: bytes = b"nps,ease\n9,6\n", name: str = "old.csv"
) -> ImportJob:
    """An uploaded file, its columns suggested, not yet run."""
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    return upload_import(actor=owner_actor(survey.organisation), survey=survey, upload=upload)
