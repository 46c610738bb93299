"""E-mail invitations: rounds of personal, single-use survey links, with one reminder."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaiku.journeys.models import Touchpoint
from kaiku.organisations.models import Organisation
from kaiku.responses.models import Respondent, Response
from kaiku.surveys.models import Survey


def _token() -> str:
    return secrets.token_urlsafe(16)


class InvitationRound(models.Model):
    """One sending: contacts invited to a survey at a time, with an optional reminder."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitation_rounds")
    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.SET_NULL, null=True, blank=True)
    name = models.CharField(_("name"), max_length=settings.KAIKU_NAME_MAX)
    scheduled_at = models.DateTimeField()
    reminder_after_days = models.PositiveSmallIntegerField(default=3)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_at", "-id"]

    def __str__(self) -> str:
        return self.name


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent")
    FAILED = "failed", _("Sending failed")


class SkipReason(models.TextChoices):
    """Why an invitation was not sent; stored as the code, shown in the reader's language."""

    NO_EMAIL = "no_email", _("No e-mail address (erased)")
    OPTED_OUT = "opted_out", _("Opted out of surveys")
    RECENT = "recent", _("Already invited recently")
    UNREACHABLE = "unreachable", _("No longer reachable")


class Invitation(models.Model):
    """A personal link for one respondent; answered at most once."""

    round = models.ForeignKey(InvitationRound, on_delete=models.CASCADE, related_name="invitations")
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=32, unique=True, default=_token)
    language = models.CharField(max_length=8)
    status = models.CharField(
        max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    # A SkipReason code, or the mail server's error when sending failed.
    reason = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    response = models.OneToOneField(
        Response, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation"
    )

    class Meta:
        indexes = [models.Index(fields=["status", "round"])]

    def __str__(self) -> str:
        return f"{self.round} → {self.respondent}"
