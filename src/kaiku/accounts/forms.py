"""The code form of two-step sign-in."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=9,
        validators=[RegexValidator(r"^\s*\d{3}\s?\d{3}\s*$", _("Enter the six digits."))],
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"[0-9 ]*",
                "autofocus": True,
                "size": 8,
            }
        ),
        help_text=_("From the authenticator app on your phone."),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())
