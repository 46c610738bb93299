"""Reads of the loop: the case inbox, one case with what it is about, and the
close-the-loop metrics.

Sensitive cases (crisis signals) are for the people trained to handle them, the
handler they are assigned to, and admins; everyone else with a handler's role
sees the other cases of the organisation.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kaiku.analytics import stats
from kaiku.loop.models import OPEN_STATES, AlertRule, Case, CaseState, Webhook
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Membership, Organisation, Role
from kaiku.responses.models import Answer

INBOXES = ("mine", "teams", "all")


def _membership(actor: Actor) -> Membership | None:
    if actor.user is None:
        return None
    return Membership.objects.filter(organisation=actor.organisation, user=actor.user).first()


def visible_cases(actor: Actor) -> QuerySet[Case]:
    cases = Case.objects.filter(organisation=actor.organisation)
    if actor.role.at_least(Role.ADMIN):
        return cases
    member = _membership(actor)
    if member is not None and member.handles_sensitive:
        return cases
    mine = Q(assignee=actor.user) if actor.user is not None else Q(pk__in=[])
    return cases.filter(Q(sensitive=False) | mine)


def inbox(actor: Actor, box: str = "mine", state: str = "open") -> QuerySet[Case]:
    """A handler's own cases, their teams' (as member or lead), or all they may see;
    open ones by default, the nearest deadline first."""
    cases = visible_cases(actor).select_related("assignee", "team", "response__touchpoint")
    if box == "mine":
        cases = cases.filter(assignee=actor.user) if actor.user else cases.none()
    elif box == "teams":
        member = _membership(actor)
        teams = (
            [*member.teams.values_list("pk", flat=True), *member.leads.values_list("pk", flat=True)]
            if member
            else []
        )
        cases = cases.filter(team__in=teams)
    if state == "open":
        cases = cases.filter(state__in=OPEN_STATES)
    elif state in CaseState.values:
        cases = cases.filter(state=state)
    return cases.order_by("deadline_at", "-created_at")


def case(actor: Actor, case_id: int) -> Case:
    """One case the actor may see, with its response, answers, analyses and history."""
    return get_object_or_404(
        visible_cases(actor)
        .select_related(
            "assignee",
            "team",
            "rule",
            "response__touchpoint__stage",
            "response__survey",
            "resolution_touchpoint",
        )
        .prefetch_related(
            "events__actor",
            "response__answers__question",
            "response__answers__emotions",
            "response__text_analyses",
        ),
        pk=case_id,
    )


def rules(organisation: Organisation) -> QuerySet[AlertRule]:
    return (
        AlertRule.objects.filter(organisation=organisation)
        .select_related("assign_team", "assign_user")
        .prefetch_related("webhooks")
    )


def webhooks(organisation: Organisation) -> QuerySet[Webhook]:
    return Webhook.objects.filter(organisation=organisation)


@dataclass
class Metrics:
    opened: int
    closed_loop: int  # resolved or closed
    closed_loop_rate: float | None
    first_contact_hours: float | None  # median, clock hours
    resolution_hours: float | None  # median, clock hours
    with_deadline: int
    on_time: int
    deadline_adherence: float | None
    overdue_open: int
    # NPS of the customer's next answer after the case was resolved, minus the NPS
    # that opened it: the change on re-survey, over the cases where there is one.
    resurvey_change: stats.Estimate | None = None


def metrics(organisation: Organisation, start: date, end: date) -> Metrics:
    """How the loop closed for cases opened from `start` to `end` (inclusive)."""
    first = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    last = timezone.make_aware(datetime.combine(end + timedelta(days=1), datetime.min.time()))
    rows = Case.objects.filter(
        organisation=organisation, created_at__gte=first, created_at__lt=last
    ).values_list("created_at", "first_contact_at", "resolved_at", "deadline_at", "state")
    cases = [_Times(*row) for row in rows]
    done = [c for c in cases if c.state in (CaseState.RESOLVED, CaseState.CLOSED)]
    timed = [(c.resolved_at, c.deadline_at) for c in done if c.resolved_at and c.deadline_at]
    on_time = sum(resolved <= deadline for resolved, deadline in timed)
    now = timezone.now()
    return Metrics(
        opened=len(cases),
        closed_loop=len(done),
        closed_loop_rate=len(done) / len(cases) if cases else None,
        first_contact_hours=_median_hours([(c.created_at, c.first_contact_at) for c in cases]),
        resolution_hours=_median_hours([(c.created_at, c.resolved_at) for c in done]),
        with_deadline=len(timed),
        on_time=on_time,
        deadline_adherence=on_time / len(timed) if timed else None,
        overdue_open=sum(
            1 for c in cases if c.state in OPEN_STATES and c.deadline_at and c.deadline_at < now
        ),
        resurvey_change=_resurvey_change(organisation, first, last),
    )


def _resurvey_change(
    organisation: Organisation, first: datetime, last: datetime
) -> stats.Estimate | None:
    """Mean change in NPS from the answer that opened a resolved case to the same
    customer's next answer after it was resolved, with its 95% interval."""
    resolved = Case.objects.filter(
        organisation=organisation,
        created_at__gte=first,
        created_at__lt=last,
        resolved_at__isnull=False,
        response__respondent__isnull=False,
    ).values_list("response__respondent_id", "resolved_at", "response_id")
    changes = []
    for respondent_id, resolved_at, response_id in resolved:
        scores = Answer.objects.filter(kind="nps", number__isnull=False)
        before = scores.filter(response_id=response_id).values_list("number", flat=True).first()
        after = (
            scores.filter(
                response__respondent_id=respondent_id, response__submitted_at__gt=resolved_at
            )
            .order_by("response__submitted_at")
            .values_list("number", flat=True)
            .first()
        )
        if before is not None and after is not None:
            changes.append(after - before)
    return stats.mean_ci(len(changes), sum(changes), sum(c * c for c in changes))


@dataclass
class _Times:
    created_at: datetime
    first_contact_at: datetime | None
    resolved_at: datetime | None
    deadline_at: datetime | None
    state: str


def _median_hours(spans: list[tuple[datetime, datetime | None]]) -> float | None:
    hours = [(end - start).total_seconds() / 3600 for start, end in spans if end is not None]
    return statistics.median(hours) if hours else None
