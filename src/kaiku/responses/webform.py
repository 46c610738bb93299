"""The respondent's HTML form: what each question looks like, and its POST data
turned into raw answers (the shape `answers.clean_answers` reads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from kaiku.journeys.models import Stage
from kaiku.surveys.models import (
    CARE_KINDS,
    CHOICE_KINDS,
    CONSENT_KINDS,
    CURVE_RANGE,
    PULSE_KINDS,
    Emotion,
    Question,
    QuestionKind,
)

INTENSITIES = [(1, _("a little")), (2, _("clearly")), (3, _("strongly"))]
# Scale ends in words, so that a number is never the only cue.
SCALE_ENDS: dict[str, tuple[Any, Any]] = {
    QuestionKind.NPS: (_("not at all likely"), _("extremely likely")),
    QuestionKind.CSAT: (_("very dissatisfied"), _("very satisfied")),
    QuestionKind.OVERALL: (_("very dissatisfied"), _("very satisfied")),
    QuestionKind.EASE: (_("very difficult"), _("very easy")),
    QuestionKind.EFFECTIVENESS: (_("not at all"), _("completely")),
    QuestionKind.ENPS: (_("not at all likely"), _("extremely likely")),
    **{
        kind: (_("strongly disagree"), _("strongly agree"))
        for kind in (*CARE_KINDS, *PULSE_KINDS)
        if kind != QuestionKind.ENPS
    },
}
CURVE_WORDS = {-3: _("very bad"), 0: _("neutral"), 3: _("very good")}


@dataclass
class ShownQuestion:
    """A question as the template draws it, in the respondent's language."""

    question: Question
    label: str
    help_text: str
    name: str
    points: list[int] = field(default_factory=list)
    ends: tuple[str, str] = ("", "")
    options: list[tuple[str, str]] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    condition_hint: str = ""
    error: str = ""

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def emotions(self) -> list[tuple[str, str]]:
        return [(e.value, str(e.label)) for e in Emotion]

    @property
    def intensities(self) -> list[tuple[int, str]]:
        return [(n, str(label)) for n, label in INTENSITIES]

    @property
    def curve_points(self) -> list[tuple[int, str]]:
        low, high = CURVE_RANGE
        return [(n, str(CURVE_WORDS.get(n, ""))) for n in range(low, high + 1)]


def shown_questions(
    questions: list[Question], stages: list[Stage], language: str, errors: dict[str, str]
) -> list[ShownQuestion]:
    by_key = {q.key: q for q in questions}
    shown = []
    for q in questions:
        item = ShownQuestion(
            question=q,
            label=q.label(language),
            help_text=_text(q.help_text, language),
            name=f"q_{q.key}",
            error=errors.get(q.key, ""),
        )
        if q.scale is not None:
            low, high = q.scale
            item.points = list(range(low, high + 1))
            item.ends = tuple(str(t) for t in SCALE_ENDS[QuestionKind(q.kind)])  # type: ignore[assignment]
        if q.kind in CHOICE_KINDS:
            item.options = [(o["value"], q.option_label(o["value"], language)) for o in q.options]
        if q.kind == QuestionKind.EMOTION_CURVE:
            item.stages = stages
        if q.condition and q.condition.get("question") in by_key:
            item.condition_hint = _condition_hint(
                by_key[q.condition["question"]], q.condition, language
            )
        shown.append(item)
    return shown


def _text(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or next(iter(texts.values()), "") if texts else ""


def _condition_hint(source: Question, condition: dict[str, Any], language: str) -> str:
    value = condition.get("value")
    op = condition.get("op", "eq")
    if isinstance(value, list):
        value = ", ".join(source.option_label(str(v), language) for v in value)
    elif source.kind in CHOICE_KINDS:
        value = source.option_label(str(value), language)
    templates = {
        "lte": _("Answer this if you answered %(v)s or less to “%(q)s”."),
        "gte": _("Answer this if you answered %(v)s or more to “%(q)s”."),
        "eq": _("Answer this if you answered “%(v)s” to “%(q)s”."),
        "in": _("Answer this if you answered “%(v)s” to “%(q)s”."),
    }
    return str(templates.get(op, templates["eq"])) % {"v": value, "q": source.label(language)}


def raw_from_form(questions: list[Question], data: QueryDict) -> dict[str, Any]:
    """POST data → {key: raw value}; unanswered questions are left out."""
    raw: dict[str, Any] = {}
    for q in questions:
        name = f"q_{q.key}"
        if q.kind == QuestionKind.EMOTION:
            chosen = data.getlist(name)
            if chosen:
                raw[q.key] = [
                    {"emotion": e, "intensity": data.get(f"{name}__{e}", "2")} for e in chosen
                ]
        elif q.kind == QuestionKind.EMOTION_CURVE:
            points = []
            prefix = f"{name}__stage_"
            for field_name, value in data.items():
                if field_name.startswith(prefix) and value != "":
                    stage_id = field_name[len(prefix) :]
                    word = data.get(f"{name}__word_{stage_id}", "")
                    points.append({"stage_id": stage_id, "score": value, "word": word})
            if points:
                raw[q.key] = points
        elif q.kind == QuestionKind.MULTIPLE_CHOICE:
            if data.getlist(name):
                raw[q.key] = data.getlist(name)
        elif q.kind in CONSENT_KINDS:
            if name in data:
                raw[q.key] = data.get(name) == "yes"
        elif data.get(name, "") != "":
            raw[q.key] = data.get(name)
    return raw
