"""Forms for journeys, stages, touchpoints, segments and journey import."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kaiku.journeys.models import Channel, Layer, Stage
from kaiku.organisations.models import Team

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class NamedForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=settings.KAIKU_NAME_MAX)
    description = forms.CharField(
        label=_("Description"),
        max_length=settings.KAIKU_DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class JourneyForm(NamedForm):
    sensitive = forms.BooleanField(
        label=_("Sensitive service (grief, illness, crisis)"),
        required=False,
        help_text=_(
            "Its surveys use gentle wording, ask no recommendation question and show "
            "support information; feedback is followed up by trained handlers."
        ),
    )


class TouchpointForm(NamedForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    layer = forms.ChoiceField(label=_("Blueprint layer"), choices=Layer.choices)
    owner_team_id = forms.TypedChoiceField(
        label=_("Owner team"), coerce=int, required=False, empty_value=None
    )
    stage_id = forms.TypedChoiceField(
        label=_("Stage"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        teams: QuerySet[Team],
        stages: QuerySet[Stage] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner_team_id"]
        assert isinstance(owner_field, forms.ChoiceField)
        owner_field.choices = [("", "—")] + [(t.pk, t.name) for t in teams]
        if stages is None:
            del self.fields["stage_id"]
        else:
            stage_field = self.fields["stage_id"]
            assert isinstance(stage_field, forms.ChoiceField)
            stage_field.choices = [(s.pk, f"{s.journey.name} › {s.name}") for s in stages]


class JourneyImportForm(forms.Form):
    file = forms.FileField(label=_("Journey file (JSON)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise forms.ValidationError(
                _("The file is not valid JSON: %(e)s") % {"e": exc}
            ) from exc
