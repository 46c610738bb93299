"""Writes of the loop: what handlers do with a case (take it, note, log a contact,
wait, resolve, close, reopen), the scheduled sweeps, and alert rules and webhooks.

Every change to a case adds a line to its history; state changes follow one table.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kaiku.audit.services import record
from kaiku.journeys.models import Touchpoint
from kaiku.loop import addresses, alerts, outbox
from kaiku.loop.models import (
    OPEN_STATES,
    AlertRule,
    Case,
    CaseEvent,
    CaseState,
    ContactMethod,
    ContactOutcome,
    EventKind,
    LoopState,
    Priority,
    Webhook,
    WebhookFormat,
)
from kaiku.loop.rules import problems
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Membership, Role, Team
from kaiku.responses.models import Contact, Response
from kaiku.responses.services import DO_NOT_CONTACT

# Which state may follow which; reopening is its own step (`reopen`).
TRANSITIONS: dict[str, set[str]] = {
    CaseState.NEW: {CaseState.IN_PROGRESS, CaseState.WAITING, CaseState.RESOLVED},
    CaseState.IN_PROGRESS: {CaseState.WAITING, CaseState.RESOLVED},
    CaseState.WAITING: {CaseState.IN_PROGRESS, CaseState.RESOLVED},
    CaseState.RESOLVED: {CaseState.CLOSED},
    CaseState.CLOSED: set(),
}
# Responses commit out of id order; the sweep looks this far back.
SWEEP_LAG = 200


def _event(case: Case, actor: Actor, kind: str, text: str = "", **data: Any) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, actor=actor.user, text=text, data=data)


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def change_state(*, actor: Actor, case: Case, state: str, text: str = "") -> Case:
    case = _locked(case)
    if state not in TRANSITIONS.get(case.state, set()):
        raise ValidationError(
            {"state": _("A case that is %(now)s cannot become %(next)s.")
             % {"now": case.get_state_display(), "next": state}}
        )  # fmt: skip
    if state == CaseState.RESOLVED:
        raise ValidationError({"state": _("Resolve a case with its resolution.")})
    before = case.state
    case.state = state
    if state == CaseState.CLOSED:
        case.closed_at = timezone.now()
    if state == CaseState.IN_PROGRESS and case.assignee is None and actor.user is not None:
        case.assignee = actor.user
    case.save()
    _event(case, actor, EventKind.STATE, text, before=before, after=state)
    return case


@transaction.atomic
def assign(*, actor: Actor, case: Case, user: User | None) -> Case:
    case = _locked(case)
    if user is not None:
        member = Membership.objects.filter(organisation=actor.organisation, user=user).first()
        if member is None or not member.has_role(Role.HANDLER):
            raise ValidationError({"assignee": _("Choose a handler of this organisation.")})
        if case.sensitive and not member.handles_sensitive:
            raise ValidationError(
                {"assignee": _("A sensitive case goes only to someone trained for it.")}
            )
    before = case.assignee_id
    case.assignee = user
    case.save(update_fields=["assignee", "updated_at"])
    _event(case, actor, EventKind.ASSIGNED, before=before, after=user.pk if user else None)
    return case


@transaction.atomic
def add_note(*, actor: Actor, case: Case, text: str) -> CaseEvent:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    return _event(_locked(case), actor, EventKind.NOTE, text[:4000])


def may_contact(case: Case) -> bool:
    """Whether the customer agreed to be contacted about their feedback (and did not
    ask, in a sensitive service's form, to be left alone)."""
    if case.response.respondent_id is None or asked_not_to_be_contacted(case):
        return False
    contact = Contact.objects.filter(respondent_id=case.response.respondent_id).first()
    return bool(contact and contact.may_contact and contact.opted_out_at is None)


def asked_not_to_be_contacted(case: Case) -> bool:
    return bool((case.response.metadata or {}).get(DO_NOT_CONTACT))


@transaction.atomic
def log_contact(
    *,
    actor: Actor,
    case: Case,
    method: str,
    outcome: str,
    text: str = "",
    customer_initiated: bool = False,
) -> CaseEvent:
    """A call, an e-mail or a meeting with the customer. Reaching out needs their
    consent; when they got in touch themselves, it is only recorded."""
    if method not in ContactMethod.values:
        raise ValidationError({"method": _("Unknown way of contact.")})
    if outcome not in ContactOutcome.values:
        raise ValidationError({"outcome": _("Unknown outcome.")})
    case = _locked(case)
    if not customer_initiated and not may_contact(case):
        raise ValidationError(
            {"method": _("The customer has not agreed to be contacted about this feedback.")}
        )
    if case.first_contact_at is None:
        case.first_contact_at = timezone.now()
    if case.state == CaseState.NEW:
        case.state = CaseState.IN_PROGRESS
    case.save()
    return _event(
        case,
        actor,
        EventKind.CONTACT,
        text.strip()[:4000],
        method=method,
        outcome=outcome,
        customer_initiated=customer_initiated,
    )


@transaction.atomic
def resolve(
    *,
    actor: Actor,
    case: Case,
    resolution: str,
    root_cause: str = "",
    touchpoint: Touchpoint | None = None,
) -> Case:
    case = _locked(case)
    if case.state not in OPEN_STATES:
        raise ValidationError({"state": _("Only an open case can be resolved.")})
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say how the case was resolved.")})
    if touchpoint is not None and touchpoint.stage.journey.organisation_id != case.organisation_id:
        raise ValidationError({"touchpoint": _("No such touchpoint.")})
    before = case.state
    case.state = CaseState.RESOLVED
    case.resolution = resolution.strip()[:4000]
    case.root_cause = root_cause.strip()[:4000]
    case.resolution_touchpoint = touchpoint
    case.resolved_at = timezone.now()
    case.save()
    _event(case, actor, EventKind.STATE, case.resolution, before=before, after=case.state)
    return case


@transaction.atomic
def reopen(*, actor: Actor, case: Case, text: str = "") -> Case:
    case = _locked(case)
    if case.state not in (CaseState.RESOLVED, CaseState.CLOSED):
        raise ValidationError({"state": _("Only a resolved or closed case can be reopened.")})
    before = case.state
    case.state = CaseState.IN_PROGRESS
    case.resolved_at = case.closed_at = None
    case.save()
    _event(case, actor, EventKind.STATE, text, before=before, after=case.state, reopened=True)
    return case


# The scheduled sweeps ------------------------------------------------------------


def check_new_responses() -> int:
    """Check responses that came in since the last sweep (a signal normally does it
    at once; this catches what a lost task or a restart missed)."""
    state, _created = LoopState.objects.get_or_create(pk=1)
    top = Response.objects.aggregate(top=Max("pk"))["top"] or 0
    if top <= state.checked_up_to - SWEEP_LAG:
        return 0
    ids = Response.objects.filter(
        pk__gt=max(0, state.checked_up_to - SWEEP_LAG), pk__lte=top, case__isnull=True
    ).values_list("pk", flat=True)
    opened = alerts.check_responses(response_ids=list(ids))
    LoopState.objects.filter(pk=1, checked_up_to__lt=top).update(checked_up_to=top)
    return len(opened)


def escalate_overdue(now: Any = None) -> int:
    """Escalate every open case whose deadline passed: once each, to its handler and
    the team's leads, with a line in its history."""
    now = now or timezone.now()
    due = Case.objects.filter(
        state__in=OPEN_STATES, deadline_at__lt=now, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    done = 0
    for case_id in list(due[:1000]):
        with transaction.atomic():
            # Only the case's row: PostgreSQL locks no nullable side of an outer join.
            case = (
                Case.objects.select_for_update(of=("self",))
                .select_related("assignee", "team")
                .get(pk=case_id)
            )
            if case.escalated_at is not None or case.state not in OPEN_STATES:
                continue
            case.escalated_at = now
            if case.priority != Priority.URGENT:
                case.priority = Priority.HIGH
            case.save(update_fields=["escalated_at", "priority", "updated_at"])
            CaseEvent.objects.create(case=case, kind=EventKind.ESCALATED)
            outbox.notify_escalated(case=case, at=now)
            done += 1
    return done


# Rules and webhooks ------------------------------------------------------------------


def _check_rule(actor: Actor, fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    for path, reason in problems(fields.get("conditions")):
        errors.setdefault(path, []).append(reason)
    name = (fields.get("name") or "").strip()
    if not name:
        errors.setdefault("name", []).append(_("Give the rule a name."))
    if fields.get("priority", Priority.NORMAL) not in Priority.values:
        errors.setdefault("priority", []).append(_("Unknown priority."))
    team = fields.get("assign_team")
    if team is not None and team.organisation_id != actor.organisation.pk:
        errors.setdefault("assign_team", []).append(_("No such team."))
    user = fields.get("assign_user")
    if (
        user is not None
        and not Membership.objects.filter(organisation=actor.organisation, user=user).exists()
    ):
        errors.setdefault("assign_user", []).append(_("Choose a member of this organisation."))
    hours = fields.get("deadline_hours")
    if hours is not None and not 1 <= int(hours) <= 2000:
        errors.setdefault("deadline_hours", []).append(_("Between 1 and 2,000 business hours."))
    emails = fields.get("notify_emails") or []
    if len(emails) > 20:
        errors.setdefault("notify_emails", []).append(_("At most 20 addresses."))
    for webhook in fields.get("webhooks") or []:
        if webhook.organisation_id != actor.organisation.pk:
            errors.setdefault("webhooks", []).append(_("No such webhook."))
    if errors:
        raise ValidationError(errors)
    return {**fields, "name": name[:200]}


RULE_FIELDS = (
    "name", "active", "conditions", "open_case", "priority", "assign_team", "assign_user",
    "deadline_hours", "notify_assignee", "notify_emails",
)  # fmt: skip


@transaction.atomic
def save_rule(*, actor: Actor, rule: AlertRule | None = None, **fields: Any) -> AlertRule:
    """Create a rule, or change one; `webhooks` (a list) replaces its webhooks."""
    checked = _check_rule(actor, fields)
    webhooks = checked.pop("webhooks", None)
    before = None
    if rule is None:
        position = AlertRule.objects.filter(organisation=actor.organisation).count()
        rule = AlertRule(organisation=actor.organisation, position=position)
    else:
        before = {f: str(getattr(rule, f)) for f in RULE_FIELDS}
    for name in RULE_FIELDS:
        if name in checked:
            setattr(rule, name, checked[name])
    rule.save()
    if webhooks is not None:
        rule.webhooks.set(webhooks)
    record(
        actor=actor,
        action="alert_rule.save",
        obj=rule,
        before=before,
        after={f: str(getattr(rule, f)) for f in RULE_FIELDS},
    )
    transaction.on_commit(lambda: alerts.forget_rules(actor.organisation.pk))
    return rule


@transaction.atomic
def delete_rule(*, actor: Actor, rule: AlertRule) -> None:
    record(actor=actor, action="alert_rule.delete", obj=rule, before={"name": rule.name})
    rule.delete()
    transaction.on_commit(lambda: alerts.forget_rules(actor.organisation.pk))


@transaction.atomic
def save_webhook(
    *,
    actor: Actor,
    name: str,
    url: str,
    format: str = WebhookFormat.GENERIC,
    webhook: Webhook | None = None,
    active: bool = True,
) -> Webhook:
    if not name.strip():
        raise ValidationError({"name": _("Give the webhook a name.")})
    if not url.startswith(("https://", "http://")):
        raise ValidationError({"url": _("Give an http or https address.")})
    if addresses.refused(url):
        raise ValidationError({"url": _("This address is inside the private network.")})
    if format not in WebhookFormat.values:
        raise ValidationError({"format": _("Unknown format.")})
    webhook = webhook or Webhook(organisation=actor.organisation)
    webhook.name, webhook.url, webhook.format = name.strip()[:200], url[:500], format
    if active and not webhook.active:
        webhook.stopped_at = None
    webhook.active = active
    webhook.save()
    record(
        actor=actor, action="webhook.save", obj=webhook, after={"name": webhook.name, "url": url}
    )
    return webhook


def team_of(actor: Actor, team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    return Team.objects.filter(organisation=actor.organisation, pk=team_id).first()
