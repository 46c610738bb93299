"""What the analysis engine read in one free-text answer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaiku.organisations.models import Organisation
from kaiku.responses.models import Answer, Response


class Polarity(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    MIXED = "mixed", _("Mixed")


class Status(models.TextChoices):
    OK = "ok", _("Analysed")
    EMPTY = "empty", _("Empty")
    NO_WORDS = "no_words", _("No words (emoji, digits or punctuation only)")


class TextAnalysis(models.Model):
    """One answer's analysis; replaced whole when the answer is analysed again."""

    answer = models.OneToOneField(
        Answer, on_delete=models.CASCADE, primary_key=True, related_name="analysis"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="text_analyses")
    status = models.CharField(max_length=16, choices=Status.choices)
    language = models.CharField(max_length=8)
    text = models.TextField(help_text=_("The answer as analysed, personal data redacted."))
    truncated = models.BooleanField(default=False)
    redactions = models.JSONField(default=list, blank=True)
    emotions = models.JSONField(default=dict, blank=True)
    labels = models.JSONField(default=list, blank=True)
    valence = models.FloatField(null=True, blank=True)
    polarity = models.CharField(max_length=8, choices=Polarity.choices, blank=True)
    intensity = models.FloatField(null=True, blank=True)
    themes = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=list, blank=True)
    urgent = models.BooleanField(default=False)
    model_version = models.CharField(max_length=32)
    analysed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("text analysis")
        verbose_name_plural = _("text analyses")
        indexes = [
            models.Index(fields=["organisation", "model_version"], name="analysis_org_version"),
            # Urgent answers are few and must be found at once.
            models.Index(
                fields=["organisation"], condition=models.Q(urgent=True), name="analysis_urgent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer_id} {self.polarity}"

    @property
    def flag_kinds(self) -> list[str]:
        return [flag["kind"] for flag in self.flags]

    @property
    def theme_keys(self) -> list[str]:
        return list(dict.fromkeys(theme["key"] for theme in self.themes))


class TextTheme(models.Model):
    """A theme an analysis found, one row per theme: what lists and counts filter and
    group by. The spans stay in `TextAnalysis.themes` for display."""

    analysis = models.ForeignKey(TextAnalysis, on_delete=models.CASCADE, related_name="theme_rows")
    key = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["analysis", "key"], name="text_theme_once"),
        ]

    def __str__(self) -> str:
        return self.key


class TextFlag(models.Model):
    """A flag an analysis raised, one row per kind, for lists and alert rules."""

    analysis = models.ForeignKey(TextAnalysis, on_delete=models.CASCADE, related_name="flag_rows")
    kind = models.CharField(max_length=32, db_index=True)
    urgent = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["analysis", "kind"], name="text_flag_once"),
        ]

    def __str__(self) -> str:
        return self.kind


class OrganisationModel(models.Model):
    """An organisation's own polarity layer, learnt from its comments and scores
    (`kaiku train --organisation`), and how it compared with the base model."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="analysis_model"
    )
    base_version = models.CharField(max_length=32)
    trained_at = models.DateTimeField()
    kept = models.BooleanField(
        default=False, help_text=_("Whether the adapted layer is used: only if it did no worse.")
    )
    adapter = models.BinaryField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("organisation's analysis model")

    def __str__(self) -> str:
        return f"{self.organisation} {self.version}"

    @property
    def version(self) -> str:
        """The model version its analyses carry: the base, and the layer if used."""
        if not self.kept:
            return self.base_version
        return f"{self.base_version}+org{self.trained_at:%Y%m%d%H%M%S}"


class OrganisationTheme(models.Model):
    """An organisation's change to the default themes: a theme of its own, or a
    default theme (same key) with other names and terms, or switched off."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="themes")
    key = models.SlugField(_("key"), max_length=64)
    names = models.JSONField(_("names"), default=dict, help_text=_("By language: fi, sv, en."))
    terms = models.JSONField(_("terms"), default=dict, help_text=_("Term lists by language."))
    active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="theme_key_once"),
        ]
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class Correction(models.Model):
    """A person's reading of a comment where the analysis got it wrong: shown beside
    the analysis, kept when the comment is analysed again, and a strong label when the
    organisation's model is trained."""

    answer = models.OneToOneField(
        Answer, on_delete=models.CASCADE, primary_key=True, related_name="analysis_correction"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    polarity = models.CharField(max_length=8, choices=Polarity.choices, blank=True)
    labels = models.JSONField(default=list, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    corrected_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.answer_id} {self.polarity}"
