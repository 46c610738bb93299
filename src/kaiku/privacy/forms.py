"""Forms of the privacy pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaiku.privacy import identifiers
from kaiku.privacy.models import RetentionPolicy
from kaiku.privacy.processing import PROCESSORS_MAX
from kaiku.privacy.retention import MAX_DAYS, MAX_MONTHS, POLICY_FIELDS

IDENTIFIER_TYPES = [
    (identifiers.AUTO, _("Recognise from the value")),
    (identifiers.EMAIL, _("E-mail address")),
    (identifiers.PHONE, _("Phone number")),
    (identifiers.RESPONDENT, _("Respondent pseudonym or external reference")),
    (identifiers.TOKEN, _("Invitation link token")),
]


class RequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("E-mail, phone, respondent or invitation token"),
        max_length=identifiers.MAX_LENGTH,
    )
    identifier_type = forms.ChoiceField(
        label=_("Kind"), choices=IDENTIFIER_TYPES, initial=identifiers.AUTO, required=False
    )

    def cleaned_type(self) -> str:
        return self.cleaned_data.get("identifier_type") or identifiers.AUTO


class EraseForm(RequestForm):
    delete_responses = forms.BooleanField(
        label=_("Delete the responses entirely (scores too; the dashboards lose them)"),
        required=False,
    )
    delete_import_files = forms.BooleanField(
        label=_("Delete the import files their imported answers came from"), required=False
    )
    confirmed = forms.BooleanField(
        label=_("I understand that this cannot be undone."), required=False
    )


class RetentionForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = list(POLICY_FIELDS)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # The service checks the range; the browser is told it too.
        for name, field in self.fields.items():
            limit = MAX_DAYS if name == "import_file_days" else MAX_MONTHS
            field.widget.attrs.update(min=1, max=limit, placeholder=_("for good"))


class ProcessorsForm(forms.Form):
    text = forms.CharField(
        label=_("Processors"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=PROCESSORS_MAX,
        required=False,
        help_text=_(
            "Who processes the data on your behalf: hosting, e-mail delivery, backups. "
            "One a line, with their country."
        ),
    )
