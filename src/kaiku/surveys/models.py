"""Surveys: typed questions in fi/sv/en, asked at the touchpoints of one journey."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaiku.journeys.models import Journey, Touchpoint
from kaiku.organisations.models import Organisation

LANGUAGES = ("fi", "sv", "en")


class QuestionKind(models.TextChoices):
    NPS = "nps", _("Likelihood to recommend (NPS 0–10)")
    CSAT = "csat", _("Satisfaction (CSAT 1–5)")
    EASE = "ease", _("Ease (CES 1–7)")
    EFFECTIVENESS = "effectiveness", _("Effectiveness (1–7)")
    OVERALL = "overall", _("Overall satisfaction (1–5)")
    EMOTION = "emotion", _("Emotions with intensity")
    EMOTION_CURVE = "emotion_curve", _("Emotion along the journey")
    TEXT = "text", _("Free text")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    CONSENT_CONTACT = "consent_contact", _("Consent: may we contact you")
    CONSENT_UPDATES = "consent_updates", _("Consent: may we tell you what changed")
    # Care measures, for sensitive services (agreement 1–5).
    HEARD = "heard", _("I felt heard (1–5)")
    SUPPORTED = "supported", _("I felt supported (1–5)")
    RESPECTED = "respected", _("I was treated with respect (1–5)")
    INFORMED = "informed", _("I got the information I needed (1–5)")
    # Employee pulse (agreement 1–5 unless said otherwise).
    ENPS = "enps", _("Employee NPS: recommend as a place to work (0–10)")
    WELLBEING = "wellbeing", _("Wellbeing at work (1–5)")
    WORKLOAD = "workload", _("Workload is manageable (1–5)")
    GOALS = "goals", _("I can meet the goals set for my work (1–5)")
    VALUES = "values", _("The organisation's values match my own (1–5)")
    EMOTIONAL_LOAD = "emotional_load", _("Difficult encounters weigh on me (1–5)")


# The numeric scale of each scored kind: (lowest, highest).
SCALES: dict[str, tuple[int, int]] = {
    QuestionKind.NPS: (0, 10),
    QuestionKind.CSAT: (1, 5),
    QuestionKind.EASE: (1, 7),
    QuestionKind.EFFECTIVENESS: (1, 7),
    QuestionKind.OVERALL: (1, 5),
    QuestionKind.HEARD: (1, 5),
    QuestionKind.SUPPORTED: (1, 5),
    QuestionKind.RESPECTED: (1, 5),
    QuestionKind.INFORMED: (1, 5),
    QuestionKind.ENPS: (0, 10),
    QuestionKind.WELLBEING: (1, 5),
    QuestionKind.WORKLOAD: (1, 5),
    QuestionKind.GOALS: (1, 5),
    QuestionKind.VALUES: (1, 5),
    QuestionKind.EMOTIONAL_LOAD: (1, 5),
}
CARE_KINDS = (
    QuestionKind.HEARD,
    QuestionKind.SUPPORTED,
    QuestionKind.RESPECTED,
    QuestionKind.INFORMED,
)
PULSE_KINDS = (
    QuestionKind.ENPS,
    QuestionKind.WELLBEING,
    QuestionKind.WORKLOAD,
    QuestionKind.GOALS,
    QuestionKind.VALUES,
    QuestionKind.EMOTIONAL_LOAD,
)
# Asking someone in grief or crisis whether they would recommend you hurts, and the
# answer says nothing true about the service.
NOT_IN_SENSITIVE = frozenset({QuestionKind.NPS, QuestionKind.ENPS})
# An anonymous pulse has no one to contact, no journey to chart, and its own eNPS.
NOT_IN_PULSE = frozenset(
    {
        QuestionKind.NPS,
        QuestionKind.CONSENT_CONTACT,
        QuestionKind.CONSENT_UPDATES,
        QuestionKind.EMOTION_CURVE,
    }
)
CHOICE_KINDS = {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE}
CONSENT_KINDS = {QuestionKind.CONSENT_CONTACT, QuestionKind.CONSENT_UPDATES}
CURVE_RANGE = (-3, 3)
INTENSITY_RANGE = (1, 3)


class Emotion(models.TextChoices):
    """Plutchik's eight, plus neutral."""

    JOY = "joy", _("Joy")
    TRUST = "trust", _("Trust")
    FEAR = "fear", _("Fear")
    SURPRISE = "surprise", _("Surprise")
    SADNESS = "sadness", _("Sadness")
    DISGUST = "disgust", _("Disgust")
    ANGER = "anger", _("Anger")
    ANTICIPATION = "anticipation", _("Anticipation")
    NEUTRAL = "neutral", _("Neutral")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class SurveyMode(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    EMPLOYEE = "employee", _("Employee")


def _public_token() -> str:
    return secrets.token_urlsafe(9)


class Survey(models.Model):
    """What is asked at some touchpoints of one journey; texts are {language: text}."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="surveys")
    journey = models.ForeignKey(Journey, on_delete=models.PROTECT, related_name="surveys")
    touchpoints = models.ManyToManyField(Touchpoint, related_name="surveys")
    name = models.CharField(_("name"), max_length=settings.KAIKU_NAME_MAX)
    mode = models.CharField(max_length=16, choices=SurveyMode.choices, default=SurveyMode.CUSTOMER)
    status = models.CharField(
        max_length=16, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    languages = models.JSONField(default=list)
    title = models.JSONField(default=dict)
    intro = models.JSONField(default=dict, blank=True)
    thanks = models.JSONField(default=dict, blank=True)
    # Grief, illness or crisis: gentle wording, no recommendation question, the
    # respondent may ask not to be contacted, and support information is shown.
    sensitive = models.BooleanField(_("sensitive service"), default=False)
    support_text = models.JSONField(default=dict, blank=True)
    public_token = models.CharField(max_length=32, unique=True, default=_public_token)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == SurveyStatus.OPEN

    @property
    def is_sensitive(self) -> bool:
        """Sensitive itself, or asked on a journey through a sensitive service."""
        return self.sensitive or self.journey.sensitive

    @property
    def is_pulse(self) -> bool:
        return self.mode == SurveyMode.EMPLOYEE

    def text(self, field: str, language: str) -> str:
        return localised(getattr(self, field), language, self.languages)


class Question(models.Model):
    """One question; `key` names it in the API and in conditions.

    `options` holds choices for choice kinds: [{"value": "...", "label": {"fi": ...}}].
    `condition` shows the question only when an earlier answer matches:
    {"question": key, "op": "lte" | "gte" | "eq" | "in", "value": ...}.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=50)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    position = models.PositiveIntegerField()
    text = models.JSONField(default=dict)
    help_text = models.JSONField(default=dict, blank=True)
    required = models.BooleanField(default=False)
    options = models.JSONField(default=list, blank=True)
    condition = models.JSONField(null=True, blank=True)
    max_length = models.PositiveIntegerField(default=2000)

    class Meta:
        ordering = ["survey_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "key"], name="question_unique_key"),
            models.UniqueConstraint(fields=["survey", "position"], name="question_unique_position"),
        ]

    def __str__(self) -> str:
        return self.key

    def label(self, language: str) -> str:
        return localised(self.text, language, self.survey.languages)

    @property
    def main_label(self) -> str:
        """The question in the survey's main language, for the back office."""
        return self.label(self.survey.languages[0] if self.survey.languages else "fi")

    def option_label(self, value: str, language: str) -> str:
        for option in self.options:
            if option["value"] == value:
                return localised(option.get("label", {}), language, self.survey.languages)
        return value

    @property
    def scale(self) -> tuple[int, int] | None:
        return SCALES.get(self.kind)


def localised(texts: dict[str, str], language: str, fallbacks: list[str] | tuple[str, ...]) -> str:
    """The text in `language`, else in the survey's first language that has one."""
    if texts.get(language):
        return texts[language]
    for other in [*fallbacks, *LANGUAGES]:
        if texts.get(other):
            return texts[other]
    return ""


def _kiosk_token() -> str:
    return secrets.token_urlsafe(12)


class Kiosk(models.Model):
    """A shared device (tablet at the door) answering one survey at one touchpoint."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="kiosks")
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="kiosks"
    )
    name = models.CharField(_("name"), max_length=settings.KAIKU_NAME_MAX)
    token = models.CharField(max_length=32, unique=True, default=_kiosk_token)
    language = models.CharField(max_length=8, default="fi")
    reset_seconds = models.PositiveSmallIntegerField(default=6)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def tap_question(self) -> Question | None:
        """The first scored question: the one a passer-by answers with one tap."""
        return next((q for q in self.survey.questions.all() if q.scale is not None), None)
