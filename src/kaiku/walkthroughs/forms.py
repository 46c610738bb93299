"""Forms for planning a walkthrough and recording an observation on a phone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kaiku.journeys.models import Journey
from kaiku.surveys.models import CURVE_RANGE, Emotion
from kaiku.walkthroughs.models import NOTE_MAX, ObservationCategory, Severity

PHOTO_TYPES = "image/jpeg,image/png,image/webp"


class WalkerChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.email or obj.get_username()


class WalkthroughForm(forms.Form):
    journey = forms.ModelChoiceField(label=_("Service path"), queryset=Journey.objects.none())
    title = forms.CharField(label=_("Title"), max_length=settings.KAIKU_NAME_MAX)
    planned_for = forms.DateField(
        label=_("Planned for"), widget=forms.DateInput(attrs={"type": "date"})
    )
    walkers = WalkerChoice(
        label=_("Walkers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The staff who walk the path as a new customer would. Whatever their role, "
            "they can record observations on this walkthrough."
        ),
    )
    instructions = forms.CharField(
        label=_("Instructions for the walkers"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: start from the web search, come by bus, ask at the desk."),
    )

    def __init__(
        self,
        *args: Any,
        journeys: QuerySet[Journey],
        members: QuerySet[User],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        journey_field: forms.ModelChoiceField = self.fields["journey"]  # type: ignore[assignment]
        journey_field.queryset = journeys
        walker_field: WalkerChoice = self.fields["walkers"]  # type: ignore[assignment]
        walker_field.queryset = members
        if editing:
            # The observations hang on the journey's touchpoints: it stays.
            journey_field.disabled = True


def _feeling_choices() -> list[tuple[int, str]]:
    low, high = CURVE_RANGE
    return [(n, f"+{n}" if n > 0 else str(n).replace("-", "−")) for n in range(low, high + 1)]


class ObservationForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What did you notice?"),
        choices=ObservationCategory.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What you saw"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("As a new customer would see it: what was missing, unclear or untidy."),
    )
    feeling = forms.TypedChoiceField(
        label=_("How did it feel?"),
        choices=_feeling_choices(),
        coerce=int,
        widget=forms.RadioSelect,
    )
    emotion = forms.ChoiceField(
        label=_("Emotion (optional)"),
        choices=[("", _("No particular emotion")), *Emotion.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    severity = forms.TypedChoiceField(
        label=_("How serious is it?"),
        choices=Severity.choices,
        coerce=int,
        initial=Severity.NOTABLE,
        widget=forms.RadioSelect,
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": PHOTO_TYPES, "capture": "environment"}),
        help_text=_("JPEG, PNG or WebP. Location and camera details are removed when it is saved."),
    )
