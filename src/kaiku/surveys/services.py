"""Writes for surveys: the builder (survey, questions, touchpoints) and its status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kaiku.audit.services import record, snapshot
from kaiku.core.validation import Errors
from kaiku.journeys.models import Journey, Touchpoint
from kaiku.organisations.actors import Actor
from kaiku.surveys.models import (
    CHOICE_KINDS,
    LANGUAGES,
    NOT_IN_PULSE,
    NOT_IN_SENSITIVE,
    PULSE_KINDS,
    Kiosk,
    Question,
    QuestionKind,
    Survey,
    SurveyMode,
    SurveyStatus,
)

MAX_QUESTIONS = 60
MAX_OPTIONS = 30
MAX_TEXT = 1000
CONDITION_OPS = {"eq", "lte", "gte", "in"}


@dataclass
class QuestionSpec:
    kind: str
    text: Mapping[str, str]
    key: str = ""
    help_text: Mapping[str, str] = field(default_factory=dict)
    required: bool = False
    options: Sequence[Mapping[str, Any]] = ()
    condition: Mapping[str, Any] | None = None
    max_length: int = 2000


@dataclass
class SurveySpec:
    name: str
    journey_id: int
    languages: Sequence[str] = ("fi",)
    title: Mapping[str, str] = field(default_factory=dict)
    intro: Mapping[str, str] = field(default_factory=dict)
    thanks: Mapping[str, str] = field(default_factory=dict)
    mode: str = SurveyMode.CUSTOMER
    sensitive: bool = False
    support_text: Mapping[str, str] = field(default_factory=dict)
    touchpoint_ids: Sequence[int] = ()
    questions: Sequence[QuestionSpec] = ()


@transaction.atomic
def create_survey(*, actor: Actor, spec: SurveySpec) -> Survey:
    """A survey with its questions and touchpoints, all saved or none (a draft)."""
    errors = Errors()
    journey = Journey.objects.filter(organisation=actor.organisation, pk=spec.journey_id).first()
    if journey is None:
        errors.add("journey_id", _("No such journey in this organisation."))
    survey = Survey(
        organisation=actor.organisation,
        journey=journey,
        name=spec.name.strip(),
        mode=spec.mode,
        sensitive=spec.sensitive,
        languages=list(spec.languages),
        title=dict(spec.title),
        intro=dict(spec.intro),
        thanks=dict(spec.thanks),
        support_text=dict(spec.support_text),
    )
    _check_survey_fields(survey, errors)
    touchpoints = _touchpoints(journey, spec.touchpoint_ids, errors) if journey else []
    questions = _plan_questions(survey, spec.questions, errors)
    if journey is not None:
        _check_kinds(survey, questions, "questions", errors)
    errors.raise_if_any()
    survey.save()
    survey.touchpoints.set(touchpoints)
    for question in questions:
        question.survey = survey
    Question.objects.bulk_create(questions)
    record(
        actor=actor,
        action="survey.create",
        obj=survey,
        after={**snapshot(survey), "questions": len(questions)},
    )
    return survey


@transaction.atomic
def update_survey(
    *,
    actor: Actor,
    survey: Survey,
    name: str | None = None,
    languages: Sequence[str] | None = None,
    title: Mapping[str, str] | None = None,
    intro: Mapping[str, str] | None = None,
    thanks: Mapping[str, str] | None = None,
    support_text: Mapping[str, str] | None = None,
    sensitive: bool | None = None,
    touchpoint_ids: Sequence[int] | None = None,
) -> Survey:
    _check_owned(actor, survey)
    before = snapshot(survey)
    errors = Errors()
    if name is not None:
        survey.name = name.strip()
    if languages is not None:
        survey.languages = list(languages)
    texts = (("title", title), ("intro", intro), ("thanks", thanks), ("support_text", support_text))
    for attribute, value in texts:
        if value is not None:
            setattr(survey, attribute, dict(value))
    if sensitive is not None:
        survey.sensitive = sensitive
    _check_survey_fields(survey, errors)
    _check_kinds(survey, list(survey.questions.all()), "sensitive", errors)
    touchpoints = (
        _touchpoints(survey.journey, touchpoint_ids, errors) if touchpoint_ids is not None else None
    )
    for question in survey.questions.all():
        _check_texts(question.text, survey.languages, f"questions.{question.key}.text", errors)
    errors.raise_if_any()
    survey.save()
    if touchpoints is not None:
        survey.touchpoints.set(touchpoints)
    record(actor=actor, action="survey.update", obj=survey, before=before, after=snapshot(survey))
    return survey


@transaction.atomic
def set_status(*, actor: Actor, survey: Survey, status: str) -> Survey:
    """Open, pause or close a survey; opening needs questions and a title."""
    _check_owned(actor, survey)
    if status not in SurveyStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == SurveyStatus.OPEN and not survey.questions.exists():
        raise ValidationError({"status": _("A survey needs questions before it opens.")})
    before = {"status": survey.status}
    survey.status = status
    survey.save(update_fields=["status", "updated_at"])
    record(actor=actor, action="survey.status", obj=survey, before=before, after={"status": status})
    return survey


@transaction.atomic
def add_question(*, actor: Actor, survey: Survey, spec: QuestionSpec) -> Question:
    """A question at the end of the survey."""
    _check_owned(actor, survey)
    errors = Errors()
    existing = list(survey.questions.select_for_update())
    question = _plan_question(survey, spec, len(existing), {q.key for q in existing}, "", errors)
    _check_kinds(survey, [question], "kind", errors)
    errors.raise_if_any()
    question.survey = survey
    question.position = len(existing) + 1
    question.save()
    record(actor=actor, action="question.create", obj=question, after=snapshot(question))
    _touch(survey)
    return question


@transaction.atomic
def update_question(*, actor: Actor, question: Question, spec: QuestionSpec) -> Question:
    """Change a question's texts, options, condition; its kind and key stay."""
    survey = question.survey
    _check_owned(actor, survey)
    before = snapshot(question)
    errors = Errors()
    if spec.kind != question.kind:
        errors.add("kind", _("A question's kind cannot change; add a new question."))
    earlier = set(
        survey.questions.filter(position__lt=question.position).values_list("key", flat=True)
    )
    planned = _plan_question(
        survey,
        QuestionSpec(**{**spec.__dict__, "key": question.key}),
        0,
        set(),
        "",
        errors,
        earlier,
    )
    errors.raise_if_any()
    for attribute in ("text", "help_text", "required", "options", "condition", "max_length"):
        setattr(question, attribute, getattr(planned, attribute))
    question.save()
    record(
        actor=actor, action="question.update", obj=question, before=before, after=snapshot(question)
    )
    _touch(survey)
    return question


@transaction.atomic
def delete_question(*, actor: Actor, question: Question) -> None:
    survey = question.survey
    _check_owned(actor, survey)
    if question.answers.exists():
        raise ValidationError(_("This question has answers; close the survey and make a new one."))
    if survey.questions.filter(condition__question=question.key).exists():
        raise ValidationError(_("Another question's condition depends on this question."))
    record(actor=actor, action="question.delete", obj=question, before=snapshot(question))
    question.delete()
    _renumber(survey)
    _touch(survey)


@transaction.atomic
def move_question(*, actor: Actor, question: Question, offset: int) -> None:
    survey = question.survey
    _check_owned(actor, survey)
    ordered = list(survey.questions.select_for_update().order_by("position"))
    index = ordered.index(question)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    keys_so_far: set[str] = set()
    for q in ordered:
        if q.condition and q.condition.get("question") not in keys_so_far:
            raise ValidationError(_("A question must come after the question its condition reads."))
        keys_so_far.add(q.key)
    _renumber(survey, ordered)
    _touch(survey)


def _renumber(survey: Survey, ordered: list[Question] | None = None) -> None:
    ordered = ordered or list(survey.questions.order_by("position"))
    # Park the rows above the range first so that the unique (survey, position)
    # constraint holds at every step.
    parked = len(ordered) + 1000
    for number, q in enumerate(ordered, start=1):
        Question.objects.filter(pk=q.pk).update(position=parked + number)
    for number, q in enumerate(ordered, start=1):
        Question.objects.filter(pk=q.pk).update(position=number)


def _touch(survey: Survey) -> None:
    # updated_at keys the cached survey structure that submissions are checked against.
    survey.save(update_fields=["updated_at"])


def _check_owned(actor: Actor, survey: Survey) -> None:
    if survey.organisation_id != actor.organisation.pk:
        raise ValidationError({"survey": _("No such survey in this organisation.")})


def _check_survey_fields(survey: Survey, errors: Errors) -> None:
    errors.check_model(survey, "", exclude=["journey", "organisation", "public_token"])
    if survey.journey_id is None and "journey_id" not in errors.by_path:
        errors.add("journey_id", _("Choose a journey."))
    if not survey.languages or any(lang not in LANGUAGES for lang in survey.languages):
        errors.add("languages", _("Choose one or more of: %(l)s.") % {"l": ", ".join(LANGUAGES)})
    elif len(set(survey.languages)) != len(survey.languages):
        errors.add("languages", _("A language is listed twice."))
    if survey.mode not in SurveyMode.values:
        errors.add("mode", _("Unknown mode."))
    _check_texts(survey.title, survey.languages, "title", errors, required=True)
    _check_texts(survey.intro, survey.languages, "intro", errors, required=False)
    _check_texts(survey.thanks, survey.languages, "thanks", errors, required=False)
    _check_texts(survey.support_text, survey.languages, "support_text", errors, required=False)


def _check_kinds(survey: Survey, questions: Sequence[Question], path: str, errors: Errors) -> None:
    """What a survey's mode allows it to ask: a sensitive service asks nobody to
    recommend it; an anonymous employee pulse has its own measures and no consent to
    contact (nobody is known); a customer survey asks no pulse questions."""
    kinds = {q.kind for q in questions}
    if survey.is_pulse:
        refused = kinds & NOT_IN_PULSE
        message = _(
            "An employee pulse is anonymous: it cannot ask for consent to contact, and it "
            "asks eNPS instead of NPS. Remove: %(kinds)s."
        )
    else:
        refused = kinds & set(PULSE_KINDS)
        message = _("Only an employee pulse asks these questions: %(kinds)s.")
        if survey.is_sensitive and kinds & NOT_IN_SENSITIVE:
            refused = kinds & (set(PULSE_KINDS) | NOT_IN_SENSITIVE)
            message = _(
                "A sensitive service does not ask how likely people are to recommend it: to "
                "someone grieving, ill or in crisis the question hurts, and its answer says "
                "little about the care. Ask whether they felt heard, supported and "
                "respected instead. Remove: %(kinds)s."
            )
    if refused:
        labels = sorted(str(QuestionKind(kind).label) for kind in refused)
        errors.add(path, message % {"kinds": ", ".join(labels)})


def _check_texts(
    texts: Any, languages: Sequence[str], path: str, errors: Errors, required: bool = True
) -> None:
    """Texts are {language: text}; the survey's first language must have one."""
    if not isinstance(texts, Mapping) or any(not isinstance(v, str) for v in texts.values()):
        errors.add(path, _("Give the text as {language: text}."))
        return
    unknown = [lang for lang in texts if lang not in LANGUAGES]
    if unknown:
        errors.add(path, _("Unknown language %(l)s.") % {"l": ", ".join(unknown)})
    if any(len(v) > MAX_TEXT for v in texts.values()):
        errors.add(path, _("At most %(n)d characters.") % {"n": MAX_TEXT})
    if required and languages and not texts.get(languages[0], "").strip():
        errors.add(path, _("The text is missing in %(l)s.") % {"l": languages[0]})


def _touchpoints(journey: Journey | None, ids: Sequence[int], errors: Errors) -> list[Touchpoint]:
    found = {
        t.pk: t
        for t in Touchpoint.objects.filter(
            stage__journey=journey, pk__in=ids, archived_at__isnull=True
        )
    }
    missing = [i for i in ids if i not in found]
    if missing:
        errors.add(
            "touchpoint_ids",
            _("Not touchpoints of this journey: %(ids)s.") % {"ids": ", ".join(map(str, missing))},
        )
    return list(found.values())


def _plan_questions(
    survey: Survey, specs: Sequence[QuestionSpec], errors: Errors
) -> list[Question]:
    if len(specs) > MAX_QUESTIONS:
        errors.add("questions", _("At most %(n)d questions.") % {"n": MAX_QUESTIONS})
    keys: set[str] = set()
    questions = []
    for i, spec in enumerate(specs):
        question = _plan_question(survey, spec, i, keys, f"questions.{i}.", errors, set(keys))
        question.position = i + 1
        keys.add(question.key)
        questions.append(question)
    return questions


def _plan_question(
    survey: Survey,
    spec: QuestionSpec,
    index: int,
    taken: set[str],
    prefix: str,
    errors: Errors,
    earlier: set[str] | None = None,
) -> Question:
    key = spec.key.strip() or slugify(f"{spec.kind}-{index + 1}")
    question = Question(
        key=key,
        kind=spec.kind,
        position=index + 1,
        text=dict(spec.text) if isinstance(spec.text, Mapping) else spec.text,
        help_text=dict(spec.help_text),
        required=spec.required,
        options=[dict(o) for o in spec.options],
        condition=dict(spec.condition) if spec.condition else None,
        max_length=spec.max_length,
    )
    errors.check_model(question, prefix, exclude=["survey", "text", "help_text", "options"])
    if key in taken:
        errors.add(f"{prefix}key", _("The key %(k)s is used twice.") % {"k": key})
    _check_texts(question.text, survey.languages, f"{prefix}text", errors)
    _check_texts(question.help_text, survey.languages, f"{prefix}help_text", errors, required=False)
    if question.kind in CHOICE_KINDS:
        _check_options(question, survey.languages, f"{prefix}options", errors)
    elif question.options:
        errors.add(f"{prefix}options", _("Only choice questions have options."))
    if question.condition:
        _check_condition(
            question.condition,
            earlier if earlier is not None else taken,
            f"{prefix}condition",
            errors,
        )
    if question.kind == QuestionKind.TEXT and not 1 <= question.max_length <= 10_000:
        errors.add(f"{prefix}max_length", _("Between 1 and 10000 characters."))
    return question


def _check_options(question: Question, languages: Sequence[str], path: str, errors: Errors) -> None:
    options = question.options
    if not 2 <= len(options) <= MAX_OPTIONS:
        errors.add(path, _("Give 2 to %(n)d options.") % {"n": MAX_OPTIONS})
    values = [o.get("value") for o in options]
    if any(not isinstance(v, str) or not v.strip() for v in values):
        errors.add(path, _("Every option needs a value."))
    elif len(set(values)) != len(values):
        errors.add(path, _("An option value is used twice."))
    for i, option in enumerate(options):
        _check_texts(option.get("label", {}), languages, f"{path}.{i}.label", errors)


def _check_condition(
    condition: Mapping[str, Any], earlier: set[str], path: str, errors: Errors
) -> None:
    if condition.get("question") not in earlier:
        errors.add(path, _("A condition reads an earlier question of this survey."))
    if condition.get("op", "eq") not in CONDITION_OPS:
        errors.add(path, _("Unknown operator; use eq, lte, gte or in."))
    if "value" not in condition:
        errors.add(path, _("A condition needs a value."))


@transaction.atomic
def create_kiosk(
    *, actor: Actor, survey: Survey, name: str, touchpoint_id: int | None = None, language: str = ""
) -> Kiosk:
    _check_owned(actor, survey)
    errors = Errors()
    if survey.is_pulse:
        # A shared tablet has no team picker; the pulse link does.
        errors.add("__all__", _("An employee pulse is answered through its link, not a kiosk."))
    touchpoint = None
    if touchpoint_id is not None:
        touchpoint = survey.touchpoints.filter(pk=touchpoint_id).first()
        if touchpoint is None:
            errors.add("touchpoint_id", _("This survey is not asked at that touchpoint."))
    language = language or survey.languages[0]
    if language not in survey.languages:
        errors.add("language", _("The survey has no texts in that language."))
    kiosk = Kiosk(survey=survey, touchpoint=touchpoint, name=name.strip(), language=language)
    errors.check_model(kiosk, "", exclude=["survey", "touchpoint", "token"])
    if not any(q.scale is not None for q in survey.questions.all()):
        errors.add("__all__", _("A kiosk needs a survey with a scale question to tap."))
    errors.raise_if_any()
    kiosk.save()
    record(actor=actor, action="kiosk.create", obj=kiosk, after=snapshot(kiosk))
    return kiosk


@transaction.atomic
def set_kiosk_active(*, actor: Actor, kiosk: Kiosk, active: bool) -> Kiosk:
    _check_owned(actor, kiosk.survey)
    kiosk.active = active
    kiosk.save(update_fields=["active"])
    record(actor=actor, action="kiosk.activate" if active else "kiosk.deactivate", obj=kiosk)
    return kiosk
