"""Organisations (tenants), their members with roles, teams and API keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    ANALYST = "analyst", _("Analyst")
    HANDLER = "handler", _("Handler")
    VIEWER = "viewer", _("Viewer")

    @property
    def rank(self) -> int:
        return _ROLE_RANK[self]

    def at_least(self, minimum: Role) -> bool:
        return self.rank >= minimum.rank


_ROLE_RANK = {Role.VIEWER: 0, Role.HANDLER: 1, Role.ANALYST: 2, Role.ADMIN: 3, Role.OWNER: 4}


class PiiRedaction(models.TextChoices):
    STORE = "store", _("Redact before storing: only the redacted text is kept")
    DISPLAY = "display", _("Redact when shown: the original text is kept")
    OFF = "off", _("Do not redact")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    pii_redaction = models.CharField(
        _("personal data in free text"),
        max_length=8,
        choices=PiiRedaction.choices,
        default=PiiRedaction.STORE,
        help_text=_(
            "Names, phone numbers, e-mail addresses, identity codes and account and card "
            "numbers in comments are replaced by placeholders such as [NIMI]."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    teams = models.ManyToManyField(Team, blank=True, related_name="memberships")
    # A lead sees what customers tell each member of the team (behind the
    # anonymity threshold); leading does not require being a member.
    leads = models.ManyToManyField(
        Team, blank=True, related_name="leads", verbose_name=_("leads teams")
    )
    # Cases with crisis signals (grief, serious illness, self-harm…) go to these people.
    handles_sensitive = models.BooleanField(
        _("handles sensitive cases"),
        default=False,
        help_text=_("Trained to follow up on feedback that tells of grief, illness or crisis."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"

    def has_role(self, minimum: Role) -> bool:
        return Role(self.role).at_least(minimum)


class ApiKeyScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiKey(models.Model):
    """An organisation's key for the JSON API; only a hash of the secret is stored."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=200)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    scope = models.CharField(
        _("scope"), max_length=8, choices=ApiKeyScope.choices, default=ApiKeyScope.READ
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def role(self) -> Role:
        """The role a key acts with: a write key may edit content, never administer."""
        return Role.ANALYST if self.scope == ApiKeyScope.WRITE else Role.VIEWER
