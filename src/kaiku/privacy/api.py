"""JSON API for privacy (admins, signed in): data-subject requests, the retention
policy and the record of processing.

API keys act at most as analysts, so these operations answer a key 403: finding,
exporting and erasing people is a person's act, logged under their name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from kaiku.organisations.models import Role
from kaiku.organisations.permissions import OrgAccess, actor_of
from kaiku.privacy import identifiers, processing, retention, selectors, services
from kaiku.privacy.models import RequestChannel

router = Router(tags=["privacy"])
ADMIN_READ = OrgAccess(Role.ADMIN, write=False)
ADMIN_WRITE = OrgAccess(Role.ADMIN, write=True)


class RequestIn(Schema):
    kind: Literal["find", "export", "erase"]
    identifier: str = Field(max_length=identifiers.MAX_LENGTH)
    identifier_type: Literal["auto", "email", "phone", "respondent", "token"] = "auto"
    delete_responses: bool = False
    delete_import_files: bool = False


class FoundOut(Schema):
    pseudonym: str
    external_ref: str
    email: str
    name: str
    phone: str
    responses: int
    first_answer: datetime | None
    last_answer: datetime | None
    comments: int
    invitations: int
    cases: int
    consents: int


class RequestOut(Schema):
    id: int
    kind: str
    status: str
    identifier_type: str
    channel: str
    actor: str
    respondents: int
    counts: dict[str, int]
    options: dict[str, bool]
    created_at: datetime


class RequestResultOut(RequestOut):
    found: list[FoundOut] = []
    document: dict[str, Any] | None = None


class RetentionIn(Schema):
    free_text_months: int | None
    contact_months: int | None
    case_note_months: int | None
    import_file_days: int | None


class RetentionOut(RetentionIn):
    defaults: bool
    due_now: dict[str, int]


def _request_out(request: Any) -> dict[str, Any]:
    return {
        **{f: getattr(request, f) for f in RequestOut.model_fields if f != "actor"},
        "actor": request.actor_label,
    }


@router.post("/privacy/requests", response={201: RequestResultOut}, auth=ADMIN_WRITE)
def create_request(request: HttpRequest, payload: RequestIn) -> Any:
    """Find, export or erase a person of this organisation. `find` lists the matched
    respondents, `export` returns everything held about them, `erase` erases them
    (idempotent) and returns the counts."""
    actor = actor_of(request)
    if payload.kind == "erase":
        outcome = services.erase(
            actor=actor,
            identifier=payload.identifier,
            identifier_type=payload.identifier_type,
            delete_responses=payload.delete_responses,
            delete_import_files=payload.delete_import_files,
            channel=RequestChannel.API,
        )
    else:
        operation = services.export if payload.kind == "export" else services.find
        outcome = operation(
            actor=actor,
            identifier=payload.identifier,
            identifier_type=payload.identifier_type,
            channel=RequestChannel.API,
        )
    found = (
        selectors.found_people(actor.organisation, outcome.respondent_ids)
        if payload.kind != "erase"
        else []
    )
    return Status(
        201,
        {
            **_request_out(outcome.request),
            "found": [vars(person) for person in found],
            "document": outcome.document,
        },
    )


@router.get("/privacy/requests", response=list[RequestOut], auth=ADMIN_READ)
def list_requests(request: HttpRequest, limit: int = 100) -> Any:
    found = selectors.requests(actor_of(request).organisation)[: max(1, min(limit, 1000))]
    return [_request_out(r) for r in found]


def _retention_out(request: HttpRequest) -> dict[str, Any]:
    organisation = actor_of(request).organisation
    policy = selectors.policy_for(organisation)
    return {
        **{name: getattr(policy, name) for name in retention.POLICY_FIELDS},
        "defaults": policy.pk is None,
        "due_now": retention.preview(organisation),
    }


@router.get("/privacy/retention", response=RetentionOut, auth=ADMIN_READ)
def get_retention(request: HttpRequest) -> Any:
    """The retention policy (months; days for import files; null keeps for good) and
    what applying it now would remove."""
    return _retention_out(request)


@router.put("/privacy/retention", response=RetentionOut, auth=ADMIN_WRITE)
def set_retention(request: HttpRequest, payload: RetentionIn) -> Any:
    retention.save_policy(actor=actor_of(request), values=payload.dict())
    return _retention_out(request)


@router.get("/privacy/processing", response=dict[str, Any], auth=ADMIN_READ)
def record_of_processing(request: HttpRequest) -> Any:
    """The record of processing activities (GDPR art. 30), generated now."""
    return processing.record_of_processing(actor_of(request).organisation)
