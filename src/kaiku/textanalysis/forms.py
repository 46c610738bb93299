"""Forms of the analysis settings pages."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaiku.analysis.lexicon import LANGUAGES
from kaiku.organisations.models import PiiRedaction

LANGUAGE_NAMES = {"fi": _("Finnish"), "sv": _("Swedish"), "en": _("English")}
_SEPARATOR = re.compile(r"[,\n]")


class RedactionForm(forms.Form):
    pii_redaction = forms.ChoiceField(
        label=_("Personal data in free text"),
        choices=PiiRedaction.choices,
        widget=forms.RadioSelect,
    )


class ThemeForm(forms.Form):
    key = forms.SlugField(
        label=_("Key"),
        max_length=64,
        help_text=_("A short name for the API and exports, e.g. parking."),
    )
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["key"].disabled = True
        for language in LANGUAGES:
            self.fields[f"name_{language}"] = forms.CharField(
                label=_("Name (%(language)s)") % {"language": LANGUAGE_NAMES[language]},
                max_length=80,
                required=False,
            )
        for language in LANGUAGES:
            self.fields[f"terms_{language}"] = forms.CharField(
                label=_("Terms (%(language)s)") % {"language": LANGUAGE_NAMES[language]},
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                help_text=_(
                    "Separated by commas. A term is a word's beginning: jono finds jonossa and "
                    "jonotusaika; *palvelu also ends a compound; sana= is the whole word only."
                ),
            )

    def names(self) -> dict[str, str]:
        return {lang: self.cleaned_data[f"name_{lang}"] for lang in LANGUAGES}

    def terms(self) -> dict[str, list[str]]:
        return {
            lang: [
                t.strip() for t in _SEPARATOR.split(self.cleaned_data[f"terms_{lang}"]) if t.strip()
            ]
            for lang in LANGUAGES
        }

    @staticmethod
    def initial_for(
        key: str, names: dict[str, str], terms: dict[str, list[str]], active: bool
    ) -> dict:
        initial: dict = {"key": key, "active": active}
        for lang in LANGUAGES:
            initial[f"name_{lang}"] = names.get(lang, "")
            initial[f"terms_{lang}"] = ", ".join(terms.get(lang, []))
        return initial
