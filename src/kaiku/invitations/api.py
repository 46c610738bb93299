"""JSON API for e-mail invitations: rounds of contacts invited to a survey."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from kaiku.core.schemas import Id
from kaiku.invitations import services
from kaiku.invitations.views import rounds_of
from kaiku.organisations.permissions import actor_of, api_editor, api_reader
from kaiku.surveys import selectors as survey_selectors

router = Router(tags=["invitations"])


class ContactIn(Schema):
    email: str = Field(max_length=254)
    name: str = Field("", max_length=200)
    language: str = Field("", max_length=8)
    respondent_ref: str = Field("", max_length=200)


class RoundIn(Schema):
    name: str = Field(max_length=200)
    contacts: list[ContactIn] = Field(max_length=services.MAX_CONTACTS)
    scheduled_at: datetime | None = Field(None, description="Default: now.")
    reminder_after_days: int = Field(3, ge=0, le=30, description="0 = no reminder.")
    touchpoint_id: Id | None = None


class ContactError(Schema):
    index: int
    field: str
    reason: str


class RoundCreated(Schema):
    id: int
    invited: int
    skipped: int = Field(description="Opted out, or contacted within the frequency cap.")
    rejected: list[ContactError]


class RoundOut(Schema):
    id: int
    name: str
    scheduled_at: datetime
    reminder_after_days: int
    touchpoint_id: int | None
    pending: int
    sent: int
    skipped: int
    failed: int
    answered: int


@router.get("/surveys/{survey_id}/invitation-rounds", response=list[RoundOut], auth=api_reader())
def list_rounds(request: HttpRequest, survey_id: int) -> Any:
    survey = survey_selectors.survey(actor_of(request).organisation, survey_id)
    return rounds_of(survey.pk)


@router.post(
    "/surveys/{survey_id}/invitation-rounds", response={201: RoundCreated}, auth=api_editor()
)
def create_round(request: HttpRequest, survey_id: int, payload: RoundIn) -> Any:
    """Invite contacts: each gets a personal single-use link at `scheduled_at`, and one
    reminder. Bad addresses are reported by their index; the others are invited."""
    actor = actor_of(request)
    survey = survey_selectors.survey(actor.organisation, survey_id)
    contacts, rejected = [], []
    for index, contact in enumerate(payload.contacts):
        try:
            contacts.append(services.contact_row(index, **contact.dict()))
        except ValidationError as exc:
            rejected.append({"index": index, "field": "email", "reason": exc.messages[0]})
    invitation_round, report = services.create_round(
        actor=actor,
        survey=survey,
        name=payload.name,
        contacts=contacts,
        scheduled_at=payload.scheduled_at,
        reminder_after_days=payload.reminder_after_days,
        touchpoint_id=payload.touchpoint_id,
    )
    rejected += [{"index": i, "field": f, "reason": r} for i, f, r in report.errors]
    return Status(
        201,
        {
            "id": invitation_round.pk,
            "invited": report.invited,
            "skipped": report.skipped,
            "rejected": sorted(rejected, key=lambda e: e["index"]),
        },
    )
