"""Back-office forms of the survey builder; texts per language become {lang: text}."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kaiku.journeys.models import Journey, Touchpoint
from kaiku.surveys.models import LANGUAGES, Question, QuestionKind, Survey
from kaiku.surveys.starters import PULSE, SENSITIVE

LANGUAGE_NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}


def _text_fields(
    form: forms.Form, name: str, label: str, widget: Any = None, required_first: bool = False
) -> None:
    for lang in LANGUAGES:
        form.fields[f"{name}_{lang}"] = forms.CharField(
            label=f"{label} ({LANGUAGE_NAMES[lang]})",
            required=False,
            max_length=1000,
            widget=widget or forms.TextInput,
        )


def texts_from(cleaned: dict[str, Any], name: str) -> dict[str, str]:
    return {
        lang: cleaned[f"{name}_{lang}"].strip()
        for lang in LANGUAGES
        if cleaned.get(f"{name}_{lang}", "").strip()
    }


def initial_texts(texts: dict[str, str], name: str) -> dict[str, str]:
    return {f"{name}_{lang}": text for lang, text in texts.items()}


class SurveyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    journey_id = forms.TypedChoiceField(label=_("Journey"), coerce=int)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=[(lang, LANGUAGE_NAMES[lang]) for lang in LANGUAGES],
        widget=forms.CheckboxSelectMultiple,
        initial=["fi"],
        help_text=_("The first checked language is the survey's main language."),
    )

    start = forms.ChoiceField(
        label=_("Start from"),
        required=False,
        choices=[
            ("", _("An empty customer survey")),
            (SENSITIVE, _("A sensitive service: gentle wording and care measures")),
            (PULSE, _("An employee pulse: anonymous, by team")),
        ],
        help_text=_("A ready-made survey fills in the texts and questions; edit them after."),
    )
    sensitive = forms.BooleanField(
        label=_("Sensitive service (grief, illness, crisis)"),
        required=False,
        help_text=_(
            "Gentle wording, no recommendation question, the respondent may ask not to be "
            "contacted, and the support text below is shown."
        ),
    )

    def __init__(
        self, *args: Any, journeys: QuerySet[Journey] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        journey_field = self.fields["journey_id"]
        assert isinstance(journey_field, forms.ChoiceField)
        if journeys is None:
            del self.fields["journey_id"]
            del self.fields["start"]
        else:
            journey_field.choices = [(j.pk, j.name) for j in journeys]
        _text_fields(self, "title", str(_("Title")))
        _text_fields(self, "intro", str(_("Introduction")), forms.Textarea(attrs={"rows": 2}))
        _text_fields(self, "thanks", str(_("Thank-you text")), forms.Textarea(attrs={"rows": 2}))
        _text_fields(
            self,
            "support",
            str(_("Support information, e.g. a crisis helpline")),
            forms.Textarea(attrs={"rows": 2}),
        )

    def clean_languages(self) -> list[str]:
        chosen = self.cleaned_data["languages"]
        return [lang for lang in LANGUAGES if lang in chosen]


class TouchpointsForm(forms.Form):
    touchpoints = forms.ModelMultipleChoiceField(
        label=_("Asked at these touchpoints"),
        queryset=Touchpoint.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["touchpoints"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Touchpoint.objects.filter(
            stage__journey_id=survey.journey_id, archived_at__isnull=True
        ).select_related("stage")
        field.label_from_instance = lambda obj: f"{obj.stage.name} › {obj.name}"  # type: ignore[method-assign]


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    key = forms.SlugField(
        label=_("Key"),
        max_length=50,
        required=False,
        help_text=_("A short stable name for the API and conditions; made from the kind if empty."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Choice questions: one option a line, as value | suomeksi | på svenska | in English."
        ),
    )
    condition_question = forms.ChoiceField(label=_("Ask only if the answer to"), required=False)
    condition_op = forms.ChoiceField(
        label=_("is"),
        required=False,
        choices=[("lte", _("at most")), ("gte", _("at least")), ("eq", _("exactly"))],
    )
    condition_value = forms.CharField(label=_("this value"), required=False, max_length=100)
    max_length = forms.IntegerField(
        label=_("Longest answer (characters)"), initial=2000, min_value=1, max_value=10_000
    )

    def __init__(self, *args: Any, earlier: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _text_fields(self, "text", str(_("Question")))
        _text_fields(self, "help", str(_("Help text")))
        field = self.fields["condition_question"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—")] + [(q.key, f"{q.key}: {q.main_label}") for q in earlier]

    def clean_options(self) -> list[dict[str, Any]]:
        options = []
        for number, line in enumerate(self.cleaned_data["options"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 2:
                raise forms.ValidationError(_("Line %(n)d: write value | label.") % {"n": number})
            labels = {lang: text for lang, text in zip(LANGUAGES, parts[1:], strict=False) if text}
            options.append({"value": parts[0], "label": labels})
        return options

    def condition(self) -> dict[str, Any] | None:
        key = self.cleaned_data.get("condition_question")
        if not key:
            return None
        raw = self.cleaned_data.get("condition_value", "")
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        return {
            "question": key,
            "op": self.cleaned_data.get("condition_op") or "eq",
            "value": value,
        }


def question_initial(question: Question) -> dict[str, Any]:
    condition = question.condition or {}
    lines = [
        " | ".join([o["value"], *(o.get("label", {}).get(lang, "") for lang in LANGUAGES)]).rstrip(
            " |"
        )
        for o in question.options
    ]
    return {
        "kind": question.kind,
        "key": question.key,
        "required": question.required,
        "options": "\n".join(lines),
        "condition_question": condition.get("question", ""),
        "condition_op": condition.get("op", "eq"),
        "condition_value": json.dumps(condition["value"]) if "value" in condition else "",
        "max_length": question.max_length,
        **initial_texts(question.text, "text"),
        **initial_texts(question.help_text, "help"),
    }
