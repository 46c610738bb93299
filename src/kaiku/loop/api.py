"""JSON API for the loop: cases and what handlers do with them, alert rules, webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from kaiku.audit.services import record
from kaiku.core.schemas import OFFSET_MAX, Id
from kaiku.journeys.models import Touchpoint
from kaiku.loop import selectors, services
from kaiku.loop.models import AlertRule, Case, Priority, Webhook, WebhookFormat
from kaiku.organisations.models import Membership, Role
from kaiku.organisations.permissions import OrgAccess, actor_of

router = Router(tags=["cases"])


class CaseOut(Schema):
    id: int
    title: str
    state: str
    priority: str
    sensitive: bool
    response_id: int
    team_id: int | None
    assignee_id: int | None
    deadline_at: datetime | None
    escalated_at: datetime | None
    first_contact_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    root_cause: str
    resolution: str
    resolution_touchpoint_id: int | None
    matched_rules: list[str]
    created_at: datetime


class EventOut(Schema):
    kind: str
    actor_id: int | None
    text: str
    data: dict[str, Any]
    created_at: datetime


class CaseDetailOut(CaseOut):
    may_contact: bool
    asked_not_to_be_contacted: bool
    events: list[EventOut]


class StateIn(Schema):
    state: str = Field(description="in_progress, waiting, closed; or reopen")
    text: str = ""


class NoteIn(Schema):
    text: str


class ContactIn(Schema):
    method: str = Field(description="phone, email, meeting or other")
    outcome: str = Field(description="reached, no_answer, left_message or declined")
    text: str = ""
    customer_initiated: bool = False


class ResolveIn(Schema):
    resolution: str
    root_cause: str = ""
    touchpoint_id: Id | None = None


class AssignIn(Schema):
    assignee_id: Id | None


def _case(request: HttpRequest, case_id: int) -> Case:
    return selectors.case(actor_of(request), case_id)


def _detail(case: Case) -> dict[str, Any]:
    return {
        **CaseOut.from_orm(case).dict(),
        "may_contact": services.may_contact(case),
        "asked_not_to_be_contacted": services.asked_not_to_be_contacted(case),
        "events": list(case.events.all()),
    }


handler = OrgAccess(Role.HANDLER, write=False)
acting = OrgAccess(Role.HANDLER, write=True)


@router.get("/cases", response=list[CaseOut], auth=handler)
def list_cases(
    request: HttpRequest,
    box: str = "all",
    state: str = "open",
    limit: int = 100,
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
) -> Any:
    """Cases the caller may see: `box` mine, teams or all; `state` open (default), any,
    or one state; the nearest deadline first."""
    limit = max(1, min(limit, 500))
    return selectors.inbox(actor_of(request), box, state)[offset : offset + limit]


@router.get("/cases/{case_id}", response=CaseDetailOut, auth=handler)
def get_case(request: HttpRequest, case_id: int) -> Any:
    case = _case(request, case_id)
    # As on the case page: reading a case (answers, contact details) is recorded.
    record(actor=actor_of(request), action="case.view", obj=case)
    return _detail(case)


@router.post("/cases/{case_id}/state", response=CaseDetailOut, auth=acting)
def change_case_state(request: HttpRequest, case_id: int, payload: StateIn) -> Any:
    actor, case = actor_of(request), _case(request, case_id)
    if payload.state == "reopen":
        case = services.reopen(actor=actor, case=case, text=payload.text)
    else:
        case = services.change_state(actor=actor, case=case, state=payload.state, text=payload.text)
    return _detail(_case(request, case.pk))


@router.post("/cases/{case_id}/notes", response={201: EventOut}, auth=acting)
def add_case_note(request: HttpRequest, case_id: int, payload: NoteIn) -> Any:
    return 201, services.add_note(
        actor=actor_of(request), case=_case(request, case_id), text=payload.text
    )


@router.post("/cases/{case_id}/contacts", response={201: EventOut}, auth=acting)
def log_case_contact(request: HttpRequest, case_id: int, payload: ContactIn) -> Any:
    """A contact with the customer; reaching out needs their consent (422 without)."""
    return 201, services.log_contact(
        actor=actor_of(request), case=_case(request, case_id), **payload.dict()
    )


@router.post("/cases/{case_id}/resolve", response=CaseDetailOut, auth=acting)
def resolve_case(request: HttpRequest, case_id: int, payload: ResolveIn) -> Any:
    actor = actor_of(request)
    touchpoint = None
    if payload.touchpoint_id is not None:
        touchpoint = get_object_or_404(
            Touchpoint, pk=payload.touchpoint_id, stage__journey__organisation=actor.organisation
        )
    case = services.resolve(
        actor=actor,
        case=_case(request, case_id),
        resolution=payload.resolution,
        root_cause=payload.root_cause,
        touchpoint=touchpoint,
    )
    return _detail(_case(request, case.pk))


@router.post("/cases/{case_id}/assign", response=CaseDetailOut, auth=acting)
def assign_case(request: HttpRequest, case_id: int, payload: AssignIn) -> Any:
    actor = actor_of(request)
    user: User | None = None
    if payload.assignee_id is not None:
        member = get_object_or_404(
            Membership, organisation=actor.organisation, user_id=payload.assignee_id
        )
        user = member.user
    case = services.assign(actor=actor, case=_case(request, case_id), user=user)
    return _detail(_case(request, case.pk))


# Rules and webhooks ------------------------------------------------------------------


class RuleIn(Schema):
    name: str
    active: bool = True
    conditions: list[dict[str, Any]] = Field(
        description='All must hold, e.g. [{"measure": "nps", "op": "lte", "value": 6}, '
        '{"measure": "emotion", "emotion": "anger", "op": "gte", "value": 0.6}, '
        '{"measure": "flag", "any_of": ["crisis"]}]'
    )
    open_case: bool = True
    priority: str = Priority.NORMAL
    assign_team_id: Id | None = None
    assign_user_id: Id | None = None
    deadline_hours: int | None = None
    notify_assignee: bool = True
    notify_emails: list[str] = []
    webhook_ids: list[Id] = []


class RuleOut(Schema):
    id: int
    name: str
    position: int
    active: bool
    conditions: list[dict[str, Any]]
    open_case: bool
    priority: str
    assign_team_id: int | None
    assign_user_id: int | None
    deadline_hours: int | None
    notify_assignee: bool
    notify_emails: list[str]
    webhook_ids: list[int]

    @staticmethod
    def resolve_webhook_ids(rule: AlertRule) -> list[int]:
        return [w.pk for w in rule.webhooks.all()]


class WebhookIn(Schema):
    name: str
    url: str
    format: str = WebhookFormat.GENERIC
    active: bool = True


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    format: str
    active: bool
    stopped_at: datetime | None
    secret: str


def _rule_fields(request: HttpRequest, payload: RuleIn) -> dict[str, Any]:
    """The rule's fields with its ids turned into this organisation's objects; an id
    that names nothing here is an error on its own field."""
    actor = actor_of(request)
    fields = payload.dict(exclude={"assign_team_id", "assign_user_id", "webhook_ids"})
    errors: dict[str, list[str]] = {}
    fields["assign_team"] = services.team_of(actor, payload.assign_team_id)
    if payload.assign_team_id is not None and fields["assign_team"] is None:
        errors["assign_team_id"] = [_("No such team.")]
    fields["assign_user"] = None
    if payload.assign_user_id is not None:
        member = (
            Membership.objects.filter(
                organisation=actor.organisation, user_id=payload.assign_user_id
            )
            .select_related("user")
            .first()
        )
        if member is None:
            errors["assign_user_id"] = [_("Choose a member of this organisation.")]
        else:
            fields["assign_user"] = member.user
    fields["webhooks"] = list(
        Webhook.objects.filter(organisation=actor.organisation, pk__in=payload.webhook_ids)
    )
    if len(fields["webhooks"]) != len(set(payload.webhook_ids)):
        errors["webhook_ids"] = [_("No such webhook.")]
    if errors:
        raise ValidationError(errors)
    return fields


@router.get("/alert-rules", response=list[RuleOut], auth=OrgAccess(Role.HANDLER, write=False))
def list_rules(request: HttpRequest) -> Any:
    return selectors.rules(actor_of(request).organisation)


@router.post("/alert-rules", response={201: RuleOut}, auth=OrgAccess(Role.ADMIN, write=True))
def create_rule(request: HttpRequest, payload: RuleIn) -> Any:
    """A rule; its conditions are checked (422 names the condition and field)."""
    return 201, services.save_rule(actor=actor_of(request), **_rule_fields(request, payload))


@router.put("/alert-rules/{rule_id}", response=RuleOut, auth=OrgAccess(Role.ADMIN, write=True))
def update_rule(request: HttpRequest, rule_id: int, payload: RuleIn) -> Any:
    actor = actor_of(request)
    rule = get_object_or_404(AlertRule, organisation=actor.organisation, pk=rule_id)
    return services.save_rule(actor=actor, rule=rule, **_rule_fields(request, payload))


@router.delete(
    "/alert-rules/{rule_id}", response={204: None}, auth=OrgAccess(Role.ADMIN, write=True)
)
def delete_rule(request: HttpRequest, rule_id: int) -> Any:
    actor = actor_of(request)
    rule = get_object_or_404(AlertRule, organisation=actor.organisation, pk=rule_id)
    services.delete_rule(actor=actor, rule=rule)
    return 204, None


@router.get("/webhooks", response=list[WebhookOut], auth=OrgAccess(Role.ADMIN, write=False))
def list_webhooks(request: HttpRequest) -> Any:
    return selectors.webhooks(actor_of(request).organisation)


@router.post("/webhooks", response={201: WebhookOut}, auth=OrgAccess(Role.ADMIN, write=True))
def create_webhook(request: HttpRequest, payload: WebhookIn) -> Any:
    """A webhook; the answer carries its signing secret."""
    return 201, services.save_webhook(actor=actor_of(request), **payload.dict())
