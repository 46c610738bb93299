"""Employee pulse answers, kept apart from customer responses and with nothing in
them that could tell who answered: the team the person chose and the month, no user,
no time of day, no address, no key."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaiku.organisations.models import Organisation, Team
from kaiku.surveys.models import Question, QuestionKind, Survey


class PulseResponse(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="pulse_responses"
    )
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="pulse_responses")
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="pulse_responses"
    )
    month = models.DateField(help_text=_("The first day of the month the answer came in."))
    language = models.CharField(max_length=8)
    is_demo = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["survey", "month"])]

    def __str__(self) -> str:
        return f"{self.survey} {self.month:%Y-%m}"


class PulseAnswer(models.Model):
    """One answer: `number` for scales, `text` (redacted once analysed) with what the
    analysis found, `choices` for choice and emotion questions."""

    response = models.ForeignKey(PulseResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    number = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True)
    analysed = models.BooleanField(default=False)
    polarity = models.CharField(max_length=8, blank=True)
    valence = models.FloatField(null=True, blank=True)
    labels = models.JSONField(default=list, blank=True)
    themes = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="pulse_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}"
