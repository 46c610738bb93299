"""Service paths: Journey → ordered Stages → Touchpoints on blueprint layers; Segments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaiku.organisations.models import Organisation, Team

NAME_MAX = settings.KAIKU_NAME_MAX
DESCRIPTION_MAX = settings.KAIKU_DESCRIPTION_MAX


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    APP = "app", _("App")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other")


class Layer(models.TextChoices):
    """The service blueprint's rows, from what the customer does to what supports it."""

    CUSTOMER_ACTION = "customer_action", _("Customer action")
    FRONTSTAGE = "frontstage", _("Frontstage")
    BACKSTAGE = "backstage", _("Backstage")
    SUPPORT = "support", _("Support process")


class ArchivableQuerySet(models.QuerySet):
    def active(self) -> ArchivableQuerySet:
        return self.filter(archived_at__isnull=True)

    def archived(self) -> ArchivableQuerySet:
        return self.filter(archived_at__isnull=False)


class Journey(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="journeys"
    )
    name = models.CharField(_("name"), max_length=NAME_MAX)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    # A path through grief, illness or crisis: every survey on it is sensitive.
    sensitive = models.BooleanField(
        _("sensitive service"),
        default=False,
        help_text=_(
            "People on this path may be grieving, ill or in crisis: its surveys use gentle "
            "wording, ask no recommendation question and show support information."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("journey")
        verbose_name_plural = _("journeys")

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Stage(models.Model):
    """A step of a journey; `position` is 1…n among active stages, None when archived."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=NAME_MAX)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    position = models.PositiveIntegerField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        ordering = ["journey_id", "position", "id"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["journey", "position"], name="stage_unique_position")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Touchpoint(models.Model):
    """A moment where the customer meets the service; ordered within its stage."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="touchpoints")
    name = models.CharField(_("name"), max_length=NAME_MAX)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    layer = models.CharField(_("blueprint layer"), max_length=16, choices=Layer.choices)
    owner_team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="touchpoints",
        verbose_name=_("owner team"),
    )
    position = models.PositiveIntegerField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        ordering = ["stage_id", "position", "id"]
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        constraints = [
            models.UniqueConstraint(fields=["stage", "position"], name="touchpoint_unique_position")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Segment(models.Model):
    """A customer segment or persona that responses can be read by."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="segments"
    )
    name = models.CharField(_("name"), max_length=NAME_MAX)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="segment_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class JourneyExport(models.Model):
    """A journey exported as a JSON document by a background task."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=ExportStatus.choices, default="pending")
    document = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.journey} export {self.pk} ({self.status})"
