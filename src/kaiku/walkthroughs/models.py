"""Walkthroughs "with new customer's glasses": staff walk a journey as a new customer
would and record, per touchpoint, what they saw and how it felt (Observation)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaiku.journeys.models import Journey, Touchpoint
from kaiku.loop.models import Action
from kaiku.organisations.models import Organisation
from kaiku.surveys.models import CURVE_RANGE, Emotion

NOTE_MAX = 4000


class WalkthroughStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Walkthrough(models.Model):
    """One walk of a journey by the assigned staff (the walkers) on a planned day."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="walkthroughs"
    )
    journey = models.ForeignKey(
        Journey, on_delete=models.CASCADE, related_name="walkthroughs", verbose_name=_("journey")
    )
    title = models.CharField(_("title"), max_length=settings.KAIKU_NAME_MAX)
    planned_for = models.DateField(_("planned for"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=WalkthroughStatus.choices,
        default=WalkthroughStatus.PLANNED,
    )
    walkers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="walkthroughs",
        verbose_name=_("walkers"),
    )  # fmt: skip
    instructions = models.TextField(_("instructions"), max_length=NOTE_MAX, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-planned_for", "-id"]
        verbose_name = _("walkthrough")
        verbose_name_plural = _("walkthroughs")

    def __str__(self) -> str:
        return self.title


class ObservationCategory(models.TextChoices):
    SIGNS = "signs", _("Missing or unclear signs")
    DIGITAL = "digital", _("Poor web or digital service")
    PREMISES = "premises", _("Untidy premises")
    OFFER = "offer", _("Sloppy or unclear offer")
    INFORMATION = "information", _("Unclear information")
    WAITING = "waiting", _("Waiting")
    ACCESSIBILITY = "accessibility", _("Accessibility")
    STAFF = "staff", _("Staff encounter")
    OTHER = "other", _("Other")


class Severity(models.IntegerChoices):
    MINOR = 1, _("Minor")
    NOTABLE = 2, _("Notable")
    SERIOUS = 3, _("Serious")


def _photo_path(observation: Observation, filename: str) -> str:
    # Kept apart per organisation under a random name that reveals nothing; the suffix
    # is the format Kaiku re-encoded the photo to, never the name that was uploaded.
    suffix = "png" if filename.lower().endswith(".png") else "jpg"
    return f"walkthroughs/{observation.walkthrough.organisation_id}/{uuid.uuid4().hex}.{suffix}"


class Observation(models.Model):
    """What a walker saw at one touchpoint, how it felt (−3…+3, as on the survey's
    emotion curve), how serious it is, and an optional photo without its metadata."""

    walkthrough = models.ForeignKey(
        Walkthrough, on_delete=models.CASCADE, related_name="observations"
    )
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.CASCADE, related_name="walkthrough_observations",
        verbose_name=_("touchpoint"),
    )  # fmt: skip
    category = models.CharField(_("category"), max_length=16, choices=ObservationCategory.choices)
    note = models.TextField(_("what you saw"), max_length=NOTE_MAX)
    feeling = models.SmallIntegerField(_("how it felt"))
    emotion = models.CharField(_("emotion"), max_length=16, choices=Emotion.choices, blank=True)
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.NOTABLE
    )
    photo = models.FileField(_("photo"), upload_to=_photo_path, max_length=300, blank=True)
    photo_width = models.PositiveIntegerField(null=True, blank=True)
    photo_height = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    # The improvement action started from this observation, if one was.
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="observations"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(feeling__gte=CURVE_RANGE[0], feeling__lte=CURVE_RANGE[1]),
                name="observation_feeling_range",
            ),
            models.CheckConstraint(
                condition=models.Q(severity__gte=1, severity__lte=3),
                name="observation_severity_1_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.note[:60]}"
