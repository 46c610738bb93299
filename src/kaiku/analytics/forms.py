from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaiku.analytics.selectors import Filters
from kaiku.journeys.models import Channel, Segment
from kaiku.organisations.models import Organisation, Team

LANGUAGES = [("", _("All languages")), ("fi", "suomi"), ("sv", "svenska"), ("en", "English")]


class MapFilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    segment = forms.ModelChoiceField(
        label=_("Segment"),
        queryset=Segment.objects.none(),
        required=False,
        empty_label=_("All segments"),
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices]
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All teams")
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=LANGUAGES)

    def __init__(self, organisation: Organisation, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["segment"].queryset = Segment.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation, archived_at__isnull=True
        )
        self.fields["team"].queryset = Team.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation
        )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end comes before the start."))
        return cleaned

    def filters(self) -> Filters:
        """The filters chosen; an invalid field counts as not chosen."""
        data = self.cleaned_data if self.is_valid() else {}
        segment, team = data.get("segment"), data.get("team")
        return Filters(
            start=data.get("start"),
            end=data.get("end"),
            segment_id=segment.pk if segment else None,
            channel=data.get("channel", ""),
            team_id=team.pk if team else None,
            language=data.get("language", ""),
        )
