"""Forms for cases, alert rules and webhooks.

The rule form offers the common conditions as plain fields (an NPS at most, an
emotion at least, flags, themes, touchpoints) and writes them as the rule's list
of conditions; the API takes the list itself.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kaiku.journeys.models import Touchpoint
from kaiku.loop.models import (
    ActionState,
    AlertRule,
    ContactMethod,
    ContactOutcome,
    Priority,
    Webhook,
    WebhookFormat,
)
from kaiku.loop.rules import CRISIS_FLAGS, EMOTIONS
from kaiku.organisations.models import Team

FLAG_CHOICES = [
    ("difficult_emotion", _("Difficult emotion")),
    ("crisis", _("Any crisis or life event")),
    ("death_grief", _("Death and grief")),
    ("serious_illness", _("Serious illness")),
    ("financial_crisis", _("Financial crisis")),
    ("violence", _("Violence")),
    ("self_harm", _("Self-harm")),
]
assert {key for key, _label in FLAG_CHOICES} >= set(CRISIS_FLAGS)
SCORE_FIELDS = (
    ("nps_at_most", "nps", "lte"),
    ("csat_at_most", "csat", "lte"),
    ("ease_at_most", "ease", "lte"),
    ("valence_at_most", "valence", "lte"),
)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note for the case"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ContactForm(forms.Form):
    method = forms.ChoiceField(label=_("How"), choices=ContactMethod.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ContactOutcome.choices)
    text = forms.CharField(
        label=_("What was said"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    customer_initiated = forms.BooleanField(
        label=_("The customer got in touch themselves"), required=False
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How it was resolved"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    root_cause = forms.CharField(
        label=_("Root cause"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    touchpoint = forms.ModelChoiceField(
        label=_("Touchpoint of the cause"), queryset=Touchpoint.objects.none(), required=False
    )

    def __init__(self, *args: Any, touchpoints: QuerySet[Touchpoint], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["touchpoint"].queryset = touchpoints  # type: ignore[attr-defined]


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    nps_at_most = forms.IntegerField(
        label=_("NPS at most"), min_value=0, max_value=10, required=False
    )
    csat_at_most = forms.IntegerField(
        label=_("CSAT at most"), min_value=1, max_value=5, required=False
    )
    ease_at_most = forms.IntegerField(
        label=_("Ease at most"), min_value=1, max_value=7, required=False
    )
    valence_at_most = forms.FloatField(
        label=_("Valence of the comments at most"), min_value=-1, max_value=1, required=False,
        help_text=_("−1 very negative … +1 very positive"),
    )  # fmt: skip
    emotion = forms.ChoiceField(
        label=_("Emotion"), required=False,
        choices=[("", "—"), *((e, e) for e in EMOTIONS)],
    )  # fmt: skip
    emotion_at_least = forms.FloatField(
        label=_("with a probability of at least"), min_value=0, max_value=1, required=False
    )
    flags = forms.MultipleChoiceField(
        label=_("Flags"), choices=FLAG_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    themes = forms.MultipleChoiceField(label=_("Themes"), choices=[], required=False)
    touchpoints = forms.ModelMultipleChoiceField(
        label=_("Touchpoints"), queryset=Touchpoint.objects.none(), required=False
    )
    open_case = forms.BooleanField(label=_("Open a case"), required=False, initial=True)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial="normal")
    assign_team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False,
        help_text=_("Empty: the touchpoint's owner team. Cases go round the team's handlers."),
    )  # fmt: skip
    deadline_hours = forms.IntegerField(
        label=_("Deadline in business hours"), min_value=1, max_value=2000, required=False,
        help_text=_("Monday to Friday, Finnish public holidays excluded."),
    )  # fmt: skip
    notify_assignee = forms.BooleanField(
        label=_("E-mail the handler"), required=False, initial=True
    )
    notify_emails = forms.CharField(
        label=_("Also e-mail"), required=False, help_text=_("Addresses separated by commas.")
    )
    webhooks = forms.ModelMultipleChoiceField(
        label=_("Webhooks"), queryset=Webhook.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(
        self,
        *args: Any,
        teams: QuerySet[Team],
        touchpoints: QuerySet[Touchpoint],
        webhooks: QuerySet[Webhook],
        themes: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assign_team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["touchpoints"].queryset = touchpoints  # type: ignore[attr-defined]
        self.fields["webhooks"].queryset = webhooks  # type: ignore[attr-defined]
        self.fields["themes"].choices = themes  # type: ignore[attr-defined]

    def clean_notify_emails(self) -> list[str]:
        raw = self.cleaned_data.get("notify_emails") or ""
        addresses = [a.strip() for a in raw.replace(";", ",").split(",") if a.strip()]
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("%(v)s is not an e-mail address.") % {"v": address}
                ) from None
        return addresses

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("emotion") and data.get("emotion_at_least") is None:
            self.add_error("emotion_at_least", _("Give the probability too."))
        if not self.conditions():
            raise forms.ValidationError(_("Give at least one condition."))
        return data

    def conditions(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        found: list[dict[str, Any]] = []
        for name, measure, op in SCORE_FIELDS:
            if data.get(name) is not None:
                found.append({"measure": measure, "op": op, "value": data[name]})
        if data.get("emotion") and data.get("emotion_at_least") is not None:
            found.append(
                {"measure": "emotion", "emotion": data["emotion"], "op": "gte",
                 "value": data["emotion_at_least"]}
            )  # fmt: skip
        for field, measure in (("flags", "flag"), ("themes", "theme")):
            if data.get(field):
                found.append({"measure": measure, "any_of": list(data[field])})
        if data.get("touchpoints"):
            found.append({"measure": "touchpoint", "any_of": [t.pk for t in data["touchpoints"]]})
        return found

    @staticmethod
    def initial_from(rule: AlertRule) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": rule.name, "active": rule.active, "open_case": rule.open_case,
            "priority": rule.priority, "assign_team": rule.assign_team_id,
            "deadline_hours": rule.deadline_hours, "notify_assignee": rule.notify_assignee,
            "notify_emails": ", ".join(rule.notify_emails),
            "webhooks": list(rule.webhooks.all()),
        }  # fmt: skip
        for condition in rule.conditions:
            measure = condition.get("measure")
            for name, score, _op in SCORE_FIELDS:
                if measure == score:
                    initial[name] = condition["value"]
            if measure == "emotion":
                initial["emotion"], initial["emotion_at_least"] = (
                    condition["emotion"], condition["value"],
                )  # fmt: skip
            elif measure == "flag":
                initial["flags"] = condition["any_of"]
            elif measure == "theme":
                initial["themes"] = condition["any_of"]
            elif measure == "touchpoint":
                initial["touchpoints"] = condition["any_of"]
        return initial


class WebhookForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    format = forms.ChoiceField(label=_("Format"), choices=WebhookFormat.choices)


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    problem = forms.CharField(
        label=_("Problem"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What hurts, for whom, and what the feedback says."),
    )  # fmt: skip
    touchpoints = forms.ModelMultipleChoiceField(
        label=_("Touchpoints"), queryset=Touchpoint.objects.none(), required=False,
        help_text=_("Its effect is measured on these touchpoints' feedback."),
    )  # fmt: skip
    themes = forms.MultipleChoiceField(label=_("Themes"), choices=[], required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    state = forms.ChoiceField(label=_("State"), choices=ActionState.choices, initial="planned")
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    window_days = forms.IntegerField(
        label=_("Days before and after"), min_value=7, max_value=365, initial=30,
        help_text=_("The effect compares this many days after the action was done with as "
                    "many before it."),
    )  # fmt: skip

    def __init__(
        self,
        *args: Any,
        teams: QuerySet[Team],
        touchpoints: QuerySet[Touchpoint],
        members: QuerySet[User],
        themes: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["touchpoints"].queryset = touchpoints  # type: ignore[attr-defined]
        self.fields["owner"].queryset = members  # type: ignore[attr-defined]
        self.fields["themes"].choices = themes  # type: ignore[attr-defined]


class AnnouncementForm(forms.Form):
    subject_fi = forms.CharField(label=_("Subject (Finnish)"), max_length=300)
    body_fi = forms.CharField(
        label=_("Message (Finnish)"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )
    subject_sv = forms.CharField(label=_("Subject (Swedish)"), max_length=300)
    body_sv = forms.CharField(
        label=_("Message (Swedish)"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )
    subject_en = forms.CharField(label=_("Subject (English)"), max_length=300)
    body_en = forms.CharField(
        label=_("Message (English)"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def texts(self) -> tuple[dict[str, str], dict[str, str]]:
        data = self.cleaned_data
        languages = ("fi", "sv", "en")
        return (
            {lang: data[f"subject_{lang}"] for lang in languages},
            {lang: data[f"body_{lang}"] for lang in languages},
        )
