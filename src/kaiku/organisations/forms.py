"""Forms for members, teams and API keys."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kaiku.organisations.models import ApiKeyScope, Role


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)


class MemberEditForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, teams=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams  # type: ignore[attr-defined]


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("What the key is for."))
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiKeyScope.choices, initial="read")
