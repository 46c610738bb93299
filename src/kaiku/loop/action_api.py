"""JSON API for improvement actions, their effect, and "you said, we did"."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from kaiku.core.schemas import Id
from kaiku.journeys.models import Touchpoint
from kaiku.loop import actions, announcements
from kaiku.loop.models import Action, ActionState, Case
from kaiku.organisations.models import Membership, Role, Team
from kaiku.organisations.permissions import OrgAccess, actor_of

router = Router(tags=["actions"])


class ActionIn(Schema):
    title: str
    problem: str = ""
    touchpoint_ids: list[Id] = []
    themes: list[str] = []
    owner_id: Id | None = None
    team_id: Id | None = None
    state: str = ActionState.PLANNED
    due_date: date | None = None
    window_days: int = 30
    case_id: Id | None = None


class ActionOut(Schema):
    id: int
    title: str
    problem: str
    touchpoint_ids: list[int]
    themes: list[str]
    owner_id: int | None
    team_id: int | None
    state: str
    due_date: date | None
    done_on: date | None
    window_days: int
    case_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_touchpoint_ids(action: Action) -> list[int]:
        return [t.pk for t in action.touchpoints.all()]


class AnnouncementIn(Schema):
    subject: dict[str, str]
    body: dict[str, str]


def _fields(request: HttpRequest, payload: ActionIn) -> dict[str, Any]:
    organisation = actor_of(request).organisation
    errors: dict[str, list[str]] = {}
    touchpoints = list(
        Touchpoint.objects.filter(
            stage__journey__organisation=organisation, pk__in=payload.touchpoint_ids
        ).select_related("stage__journey")
    )
    if len(touchpoints) != len(set(payload.touchpoint_ids)):
        errors["touchpoint_ids"] = [_("No such touchpoint.")]
    owner: User | None = None
    if payload.owner_id is not None:
        member = Membership.objects.filter(organisation=organisation, user_id=payload.owner_id)
        found = member.select_related("user").first()
        if found is None:
            errors["owner_id"] = [_("Choose a member of this organisation.")]
        else:
            owner = found.user
    team = None
    if payload.team_id is not None:
        team = Team.objects.filter(organisation=organisation, pk=payload.team_id).first()
        if team is None:
            errors["team_id"] = [_("No such team.")]
    if errors:
        raise ValidationError(errors)
    fields = payload.dict(exclude={"touchpoint_ids", "owner_id", "team_id", "case_id"})
    return {**fields, "touchpoints": touchpoints, "owner": owner, "team": team}


@router.get("/actions", response=list[ActionOut], auth=OrgAccess(Role.VIEWER, write=False))
def list_actions(request: HttpRequest) -> Any:
    return actions.actions(actor_of(request).organisation)


@router.post("/actions", response={201: ActionOut}, auth=OrgAccess(Role.ANALYST, write=True))
def create_action(request: HttpRequest, payload: ActionIn) -> Any:
    """An improvement action; from a case with `case_id`."""
    actor = actor_of(request)
    case = None
    if payload.case_id is not None:
        case = get_object_or_404(Case, organisation=actor.organisation, pk=payload.case_id)
    return 201, actions.save_action(actor=actor, case=case, **_fields(request, payload))


@router.put("/actions/{action_id}", response=ActionOut, auth=OrgAccess(Role.ANALYST, write=True))
def update_action(request: HttpRequest, action_id: int, payload: ActionIn) -> Any:
    actor = actor_of(request)
    action = get_object_or_404(Action, organisation=actor.organisation, pk=action_id)
    return actions.save_action(actor=actor, action=action, **_fields(request, payload))


@router.get("/actions/{action_id}/effect", auth=OrgAccess(Role.VIEWER, write=False))
def action_effect(request: HttpRequest, action_id: int) -> Any:
    """After against before on the action's touchpoints: valence, NPS and the negative
    share with differences, 95% intervals, p-values and effect sizes."""
    action = get_object_or_404(actions.actions(actor_of(request).organisation), pk=action_id)
    found = actions.effect(action)
    if found is None:
        return {"measured": False, "reason": "no touchpoints"}
    row = found.row

    def comparison(c: Any) -> dict | None:
        if c is None:
            return None
        return {
            "difference": c.difference.as_dict(),
            "p_value": round(c.p_value, 4),
            "effect_size": round(c.effect, 3),
        }

    return {
        "measured": found.after is not None and row.enough,
        "before": [d.isoformat() for d in found.before],
        "after": [d.isoformat() for d in found.after] if found.after else None,
        "complete": found.complete,
        "n_before": row.n_b,
        "n_after": row.n_a,
        "valence": comparison(row.valence),
        "nps": comparison(row.nps),
        "negative_share": comparison(row.negative),
    }


@router.get("/actions/{action_id}/recipients", auth=OrgAccess(Role.ANALYST, write=False))
def action_recipients(request: HttpRequest, action_id: int) -> Any:
    """How many customers a "you said, we did" message would reach, per language."""
    action = get_object_or_404(actions.actions(actor_of(request).organisation), pk=action_id)
    return announcements.preview(action)


@router.post(
    "/actions/{action_id}/announcements", auth=OrgAccess(Role.ANALYST, write=True),
    response={201: dict},
)  # fmt: skip
def announce(request: HttpRequest, action_id: int, payload: AnnouncementIn) -> Any:
    """Send "you said, we did" (subject and body in fi, sv and en); only for a done
    action. Each customer gets one message per action."""
    actor = actor_of(request)
    action = get_object_or_404(actions.actions(actor.organisation), pk=action_id)
    sent = announcements.send(
        actor=actor, action=action, subject=payload.subject, body=payload.body
    )
    return 201, {"id": sent.pk, "recipients": sent.recipients}
