"""Closing the loop: alert rules, the follow-up cases they open, the case history,
webhooks, and the outbox that delivers every notification.

Inner loop: a response that meets an alert rule opens a case with an owner and a
deadline; notifications go out through the outbox, written in the same transaction
as the case, and are delivered by workers with retries.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaiku.journeys.models import Touchpoint
from kaiku.organisations.models import Organisation, Team
from kaiku.responses.models import Response


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class WebhookFormat(models.TextChoices):
    GENERIC = "generic", _("JSON (any URL)")
    SLACK = "slack", _("Slack")
    TEAMS = "teams", _("Microsoft Teams")


def _webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    """A URL that hears about new cases; each request is signed with HMAC-SHA256."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("URL"), max_length=500)
    format = models.CharField(
        _("format"), max_length=8, choices=WebhookFormat.choices, default=WebhookFormat.GENERIC
    )
    secret = models.CharField(max_length=64, default=_webhook_secret, editable=False)
    active = models.BooleanField(_("active"), default=True)
    # A 410 Gone answer switches the webhook off: the receiver said it is gone for good.
    stopped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.name


class AlertRule(models.Model):
    """When a response meets every condition, do the effects.

    Conditions are a list of JSON objects checked by `kaiku.loop.rules` (for example
    `{"measure": "nps", "op": "lte", "value": 6}`); rules are tried in `position`
    order, and the first that opens a case sets its priority, owner and deadline.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="alert_rules"
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(_("active"), default=True)
    conditions = models.JSONField(_("conditions"), default=list)
    open_case = models.BooleanField(_("open a case"), default=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    # Who gets the case: this team, else the touchpoint's owner team; inside the team
    # round robin among its handlers. A named person overrides both.
    assign_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("team"),
    )  # fmt: skip
    assign_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("person"),
    )  # fmt: skip
    deadline_hours = models.PositiveIntegerField(
        _("deadline in business hours"), null=True, blank=True
    )
    notify_assignee = models.BooleanField(_("e-mail the assignee"), default=True)
    notify_emails = models.JSONField(_("also e-mail"), default=list, blank=True)
    webhooks = models.ManyToManyField(Webhook, blank=True, related_name="rules")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")

    def __str__(self) -> str:
        return self.name


class CaseState(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for the customer")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATES = (CaseState.NEW, CaseState.IN_PROGRESS, CaseState.WAITING)


class Case(models.Model):
    """A follow-up of one response: who handles it, by when, and how it ended."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cases")
    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="case")
    rule = models.ForeignKey(
        AlertRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    matched_rules = models.JSONField(default=list, blank=True)  # names, for the record
    title = models.CharField(_("title"), max_length=300)
    state = models.CharField(
        _("state"), max_length=12, choices=CaseState.choices, default=CaseState.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases",
        verbose_name=_("team"),
    )  # fmt: skip
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="cases", verbose_name=_("handler"),
    )  # fmt: skip
    # Crisis signals: routed to trained handlers, no automated e-mail to the customer.
    sensitive = models.BooleanField(_("sensitive"), default=False)
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    root_cause = models.TextField(_("root cause"), max_length=4000, blank=True)
    resolution = models.TextField(_("resolution"), max_length=4000, blank=True)
    resolution_touchpoint = models.ForeignKey(
        Touchpoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("touchpoint of the cause"),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["organisation", "state", "deadline_at"]),
            models.Index(fields=["assignee", "state"]),
            models.Index(fields=["team", "state"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class EventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    ASSIGNED = "assigned", _("Assigned")
    STATE = "state", _("State changed")
    NOTE = "note", _("Note added")
    CONTACT = "contact", _("Contact")
    ESCALATED = "escalated", _("Escalated")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("E-mail")
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other")


class ContactOutcome(models.TextChoices):
    REACHED = "reached", _("Reached the customer")
    NO_ANSWER = "no_answer", _("No answer")
    LEFT_MESSAGE = "left_message", _("Left a message")
    DECLINED = "declined", _("The customer declined")


class CaseEvent(models.Model):
    """One line of a case's history; never changed once written."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class RoundRobin(models.Model):
    """Whom a team gave its last case, so that the next goes to the next handler."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="+")
    last_user_id = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.team_id} → after {self.last_user_id}"


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")


class Delivery(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed for good")
    STOPPED = "stopped", _("Stopped (the receiver is gone)")


class OutboxMessage(models.Model):
    """A notification to deliver, written in the same transaction as what it tells of.

    `key` is unique: writing the same message twice keeps one, and receivers get it
    with every attempt (the webhook's `X-Kaiku-Delivery`, the e-mail's Message-ID)
    so that they can drop a repeat after a crash between sending and recording it.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    webhook = models.ForeignKey(
        Webhook, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    announcement = models.ForeignKey(
        "Announcement", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    recipient = models.EmailField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # A worker holds a message until then; past it, another may take it over.
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outbox_due",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class LoopState(models.Model):
    """How far the scheduled sweep has checked responses against the alert rules."""

    checked_up_to = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"checked up to response {self.checked_up_to}"


# The outer loop ------------------------------------------------------------------


class ActionState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Action(models.Model):
    """An improvement to the service path (kehitystoimenpide): what hurts, what is done
    about it, by whom and by when, and, once done, whether the touchpoints' feedback
    changed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("title"), max_length=300)
    problem = models.TextField(_("problem"), max_length=4000, blank=True)
    touchpoints = models.ManyToManyField(
        Touchpoint, blank=True, related_name="actions", verbose_name=_("touchpoints")
    )
    themes = models.JSONField(_("themes"), default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("owner"),
    )  # fmt: skip
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("team"),
    )  # fmt: skip
    state = models.CharField(
        _("state"), max_length=12, choices=ActionState.choices, default=ActionState.PLANNED
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    # The effect compares this many days before `done_on` with as many after it.
    window_days = models.PositiveSmallIntegerField(_("days before and after"), default=30)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")

    def __str__(self) -> str:
        return self.title


class Announcement(models.Model):
    """ "You said, we did": the message about a done action to the customers whose
    feedback was about its touchpoints or themes and who agreed to hear of changes."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="announcements")
    subject = models.JSONField(default=dict)  # language → text
    body = models.JSONField(default=dict)
    recipients = models.PositiveIntegerField(default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"announcement of {self.action_id}"
