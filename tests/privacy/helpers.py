"""A person with something of everything Kaiku keeps about people, and a reader of
every text in the database."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection, models
from django.utils import timezone

from kaiku.invitations.models import Invitation, InvitationRound
from kaiku.loop import alerts
from kaiku.loop import services as loop_services
from kaiku.loop.models import Case, OutboxMessage
from kaiku.organisations.models import Organisation, Role
from kaiku.responses import services as responses
from kaiku.responses.models import Respondent, Response
from kaiku.surveys.models import Survey
from tests.factories import make_member, make_organisation, make_survey, owner_actor

_numbers = itertools.count(1)


@dataclass
class Person:
    organisation: Organisation
    admin: User
    survey: Survey
    respondent: Respondent
    response: Response
    case: Case
    invitation: Invitation
    message: OutboxMessage
    email: str
    phone: str
    name: str
    marker: str
    ref: str


def make_person(
    capture: Any,
    organisation: Organisation | None = None,
    admin: User | None = None,
    phone: str = "",
) -> Person:
    """`capture` is pytest-django's django_capture_on_commit_callbacks: the comment is
    analysed and the consents recorded as after a real commit."""
    n = next(_numbers)
    if organisation is None:
        organisation, _owner = make_organisation()
    if admin is None:
        admin, _membership = make_member(organisation, Role.ADMIN)
    survey = make_survey(organisation)
    marker = f"ZQXMARK{n}ZQX"
    name = "Matti Meikäläinen"
    email = f"matti.meikalainen{n}@example.org"
    phone = phone or f"040 123 45{n % 100:02d}"
    ref = f"CRM-{n:05d}"
    comment = f"Olen {name} ja jonotin tunnin. Soita minulle numeroon {phone} tai {email}. {marker}"
    with capture(execute=True):
        response, _created = responses.submit_response(
            responses.Submission(
                survey=survey,
                answers={"nps": 2, "what_happened": comment, "contact_ok": True},
                source="web",
                language="fi",
                respondent_ref=ref,
                contact=responses.ContactDetails(email=email, name=name, phone=phone),
                metadata={"crm_note": f"{name} {marker}"},
                idempotency_key=f"form-{marker}",
            )
        )
    respondent = response.respondent
    assert respondent is not None
    actor = owner_actor(organisation)
    rule = loop_services.save_rule(
        actor=actor,
        name="Tyytymätön",
        conditions=[{"measure": "nps", "op": "lte", "value": 6}],
    )
    response = Response.objects.get(pk=response.pk)
    case = Case.objects.filter(response=response).first() or alerts.open_case(
        response=response, subject=alerts.subject_of(response), matched=[rule]
    )
    assert case is not None
    loop_services.add_note(actor=actor, case=case, text=f"Soitin: {name}, {phone}. {marker}")
    loop_services.resolve(
        actor=actor,
        case=case,
        resolution=f"{name} sai pahoittelun. {marker}",
        root_cause=f"{name} odotti. {marker}",
    )
    invitation_round = InvitationRound.objects.create(
        organisation=organisation, survey=survey, name="Kevät", scheduled_at=timezone.now()
    )
    invitation = Invitation.objects.create(
        round=invitation_round,
        respondent=respondent,
        language="fi",
        status="failed",
        reason=f"550 {email} mailbox unavailable",
    )
    message = OutboxMessage.objects.create(
        organisation=organisation,
        key=f"action:1:changes:respondent:{respondent.pk}",
        channel="email",
        recipient=email,
        subject="Palautteesi auttoi",
        body=f"Hei {name}, kiitos. {marker}",
        next_attempt_at=timezone.now(),
    )
    return Person(
        organisation=organisation,
        admin=admin,
        survey=survey,
        respondent=respondent,
        response=response,
        case=Case.objects.get(pk=case.pk),
        invitation=invitation,
        message=message,
        email=email,
        phone=phone,
        name=name,
        marker=marker,
        ref=ref,
    )


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.UUIDField)


def orm_text() -> str:
    """Every text, JSON and UUID value of every row of every model, through the ORM:
    the same check on SQLite and PostgreSQL."""
    parts = []
    for model in apps.get_models(include_auto_created=True):
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not names:
            continue
        for row in model._base_manager.values_list(*names).iterator():
            parts.extend(str(value) for value in row if value not in (None, ""))
    return "\n".join(parts)


def database_dump() -> str:
    """The whole database as text: SQLite's own dump where it is SQLite (it reads every
    table, ours or not), and the ORM walk in any case."""
    text = orm_text()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        assert raw is not None
        text += "\n".join(raw.iterdump())
    return text
