"""Forms for members, teams and API keys."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kaiku.organisations.models import ApiKeyScope, Role, Team


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)


class MemberEditForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    leads = forms.ModelMultipleChoiceField(
        label=_("Leads teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A team's lead sees what customers tell each member of the team, "
            "behind the anonymity threshold."
        ),
    )

    handles_sensitive = forms.BooleanField(
        label=_("Handles sensitive cases"),
        required=False,
        help_text=_(
            "Trained to follow up on feedback that tells of grief, illness or crisis: such "
            "cases go only to these people."
        ),
    )

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("teams", "leads"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = teams


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("What the key is for."))
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiKeyScope.choices, initial="read")
