"""From a response to a case: read what the response says, try the organisation's
alert rules, and open a case with an owner, a deadline and its notifications.

A response is checked once its comments are analysed (or at once when it has none).
Checking again changes nothing: a response has at most one case, and every
notification has a unique outbox key. Imported responses are history and open no
case. A self-harm signal always opens an urgent case, rule or no rule: that one is
not left to configuration.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaiku.loop import outbox, sla
from kaiku.loop.models import (
    PRIORITY_RANK,
    AlertRule,
    Case,
    CaseEvent,
    EventKind,
    Priority,
    RoundRobin,
)
from kaiku.loop.rules import SCORES, Subject, meets
from kaiku.organisations.models import Membership, Role, Team
from kaiku.responses.models import AnalysisState, Answer, Response, Source

RULES_SECONDS = 60
URGENT_FLAG = "self_harm"
# An urgent case without a rule's deadline still needs one: a working day.
URGENT_DEADLINE_HOURS = 8


def subject_of(response: Response) -> Subject:
    """What a response says, from its answers and the analysis of its comments."""
    subject = Subject(
        touchpoint=response.touchpoint_id,
        segment=response.segment_id,
        journey=response.survey.journey_id,
        channel=response.channel,
        language=response.language,
        sensitive_service=response.survey.is_sensitive,
    )
    valences = []
    for answer in response.answers.all():
        if answer.kind in SCORES:
            if answer.number is not None:
                subject.scores[answer.kind] = answer.number
        elif answer.kind == "emotion":
            for picked in answer.emotions.all():
                subject.emotions[picked.emotion] = 1.0
    for analysis in response.text_analyses.all():
        for emotion, probability in (analysis.emotions or {}).items():
            subject.emotions[emotion] = max(subject.emotions.get(emotion, 0.0), probability)
        if analysis.valence is not None:
            valences.append(analysis.valence)
        subject.flags |= set(analysis.flag_kinds)
        subject.themes |= set(analysis.theme_keys)
    if valences:
        subject.valence = sum(valences) / len(valences)
    return subject


def has_rules(organisation_id: int) -> bool:
    """Whether the organisation has an active rule; remembered for a minute, and
    forgotten at once when a rule changes (`forget_rules`)."""
    key = f"kaiku:loop:has-rules:{organisation_id}"
    found = cache.get(key)
    if found is None:
        found = AlertRule.objects.filter(organisation_id=organisation_id, active=True).exists()
        cache.set(key, found, RULES_SECONDS)
    return bool(found)


def forget_rules(organisation_id: int) -> None:
    cache.delete(f"kaiku:loop:has-rules:{organisation_id}")


def ready_responses(response_ids: Iterable[int], imported: bool = False) -> QuerySet[Response]:
    """Those of the responses that can be checked: without a case, with no comment
    still waiting for its analysis, and not imported (unless asked: a backfill)."""
    waiting = Answer.objects.filter(kind="text", analysis_state=AnalysisState.QUEUED)
    found = Response.objects.filter(pk__in=list(response_ids), case__isnull=True)
    if not imported:
        found = found.exclude(source=Source.IMPORT)
    return (
        found.exclude(pk__in=waiting.values("response_id"))
        .select_related("survey__journey", "touchpoint")
        .prefetch_related("answers__emotions", "text_analyses")
    )


def check_responses(*, response_ids: Iterable[int], imported: bool = False) -> list[Case]:
    """Try the alert rules on these responses; returns the cases opened."""
    opened = []
    rules_of: dict[int, list[AlertRule]] = {}
    for response in ready_responses(response_ids, imported=imported):
        org = response.organisation_id
        if org not in rules_of:
            rules_of[org] = list(
                AlertRule.objects.filter(organisation_id=org, active=True).prefetch_related(
                    "webhooks"
                )
            )
        subject = subject_of(response)
        matched = [rule for rule in rules_of[org] if meets(rule.conditions, subject)]
        case = open_case(response=response, subject=subject, matched=matched)
        if case is not None:
            opened.append(case)
    return opened


def open_case(*, response: Response, subject: Subject, matched: list[AlertRule]) -> Case | None:
    """Open the response's case if a rule that opens cases matched, or if it tells of
    self-harm; the first such rule decides the owner and deadline. Notifications of
    every matched rule go into the outbox in the same transaction."""
    urgent = URGENT_FLAG in subject.flags
    opening = [rule for rule in matched if rule.open_case]
    if not opening and not urgent:
        outbox.notify_without_case(response=response, rules=matched)
        return None
    rule = opening[0] if opening else None
    priority = Priority(rule.priority) if rule else Priority.URGENT
    if urgent:
        priority = Priority.URGENT
    elif opening:
        priority = max((Priority(r.priority) for r in opening), key=PRIORITY_RANK.__getitem__)
    team = _team(rule, response)
    now = timezone.now()
    hours = rule.deadline_hours if rule and rule.deadline_hours else None
    if hours is None and urgent:
        hours = URGENT_DEADLINE_HOURS
    try:
        with transaction.atomic():
            sensitive = subject.crisis or subject.sensitive_service
            assignee = _assignee(
                rule, team, sensitive=sensitive, organisation_id=response.organisation_id
            )
            case = Case.objects.create(
                organisation_id=response.organisation_id,
                response=response,
                rule=rule,
                matched_rules=[r.name for r in matched],
                title=_title(rule, response, urgent),
                priority=priority,
                team=team,
                assignee=assignee,
                sensitive=sensitive,
                deadline_at=sla.add_business_hours(now, hours) if hours else None,
            )
            CaseEvent.objects.create(
                case=case,
                kind=EventKind.OPENED,
                data={"rules": case.matched_rules, "assignee": assignee.pk if assignee else None},
            )
            outbox.notify_opened(case=case, rules=matched, urgent=urgent)
    except IntegrityError:
        return None  # another worker opened it first
    return case


def _title(rule: AlertRule | None, response: Response, urgent: bool) -> str:
    where = response.touchpoint.name if response.touchpoint else response.survey.name
    reason = rule.name if rule else _("Self-harm signal")
    if urgent and rule:
        reason = f"{_('Self-harm signal')} · {reason}"
    return f"{reason}: {where}"[:300]


def _team(rule: AlertRule | None, response: Response) -> Team | None:
    if rule is not None and rule.assign_team_id:
        return rule.assign_team
    if response.touchpoint is not None and response.touchpoint.owner_team_id:
        return response.touchpoint.owner_team
    return None


def _assignee(
    rule: AlertRule | None, team: Team | None, *, sensitive: bool, organisation_id: int
) -> User | None:
    """A named person, else the team's next handler in turn. A sensitive case goes
    only to someone trained for it: in the team if there is one, else anyone in the
    organisation so trained, else it waits unassigned for one."""
    if rule is not None and rule.assign_user_id and not sensitive:
        return rule.assign_user
    handlers = Membership.objects.filter(
        organisation_id=organisation_id,
        role__in=[r for r in Role.values if Role(r).at_least(Role.HANDLER)],
    )
    if sensitive:
        handlers = handlers.filter(handles_sensitive=True)
        in_team = handlers.filter(teams=team) if team is not None else handlers.none()
        return _next_in_turn(team, in_team if in_team.exists() else handlers)
    if team is None:
        return None
    return _next_in_turn(team, handlers.filter(teams=team))


def _next_in_turn(team: Team | None, handlers: QuerySet[Membership]) -> User | None:
    users = list(handlers.select_related("user").order_by("user_id").distinct())
    if not users:
        return None
    if team is None:
        return users[0].user
    turn, _created = RoundRobin.objects.select_for_update().get_or_create(team=team)
    chosen = next((m for m in users if m.user_id > turn.last_user_id), users[0])
    turn.last_user_id = chosen.user_id
    turn.save(update_fields=["last_user_id"])
    return chosen.user
