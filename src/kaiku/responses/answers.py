"""Checking raw answers against a survey's questions: the typed values, or why not.

Raw answers come as {question key: value} from the JSON API, the HTML form (after
`raw_from_form`), the kiosk and imports. Values by kind:
  scales          an integer within the question's scale
  emotion         [{"emotion": "joy", "intensity": 1-3}, ...] or {"joy": 2, ...}
  emotion_curve   [{"stage_id": id, "score": -3..3, "word": "..."}, ...]
  text            a string up to the question's max_length
  single_choice   one option value; multiple_choice: a list of option values
  consent         true / false
A question whose condition does not hold is skipped, and an answer given to it
is ignored; an unknown key is an error, so that nothing is silently lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kaiku.surveys.models import (
    CHOICE_KINDS,
    CONSENT_KINDS,
    CURVE_RANGE,
    INTENSITY_RANGE,
    Emotion,
    Question,
    QuestionKind,
)

MAX_WORD = 60
EMOTIONS = frozenset(Emotion.values)


@dataclass(slots=True)
class CleanAnswer:
    question: Question
    number: int | None = None
    text: str = ""
    # Tuples, not lists: an import makes a million answers, most with none of these.
    choices: tuple[str, ...] = ()
    emotions: tuple[tuple[str, int], ...] = ()
    curve: tuple[tuple[int, int, str], ...] = ()  # stage id, score, word

    @property
    def value(self) -> Any:
        """The plain value, as conditions compare it."""
        kind = self.question.kind
        if kind in CHOICE_KINDS:
            return self.choices[0] if kind == QuestionKind.SINGLE_CHOICE else list(self.choices)
        if kind == QuestionKind.TEXT:
            return self.text
        if kind == QuestionKind.EMOTION:
            return [e for e, _i in self.emotions]
        if kind in CONSENT_KINDS:
            return bool(self.number)
        return self.number


class AnswerError(ValueError):
    pass


def clean_answers(
    questions: Sequence[Question], raw: Mapping[str, Any], stage_ids: Iterable[int]
) -> tuple[list[CleanAnswer], dict[str, str]]:
    """The typed answers and, by question key, what was wrong with the others."""
    return AnswerChecker(questions, stage_ids).clean(raw)


class AnswerChecker:
    """A survey's questions made ready once to check many submissions: an import checks
    a million rows against the same questions."""

    def __init__(self, questions: Sequence[Question], stage_ids: Iterable[int]) -> None:
        self.keys = frozenset(q.key for q in questions)
        stages = frozenset(stage_ids)
        self.steps = [
            (q, q.key, q.condition or None, q.required, _cleaner(q, stages)) for q in questions
        ]

    def clean(self, raw: Mapping[str, Any]) -> tuple[list[CleanAnswer], dict[str, str]]:
        errors = {key: _("No such question in this survey.") for key in raw if key not in self.keys}
        cleaned: dict[str, CleanAnswer] = {}
        for question, key, condition, required, clean in self.steps:
            if condition is not None and not _condition_holds(condition, cleaned):
                continue
            value = raw.get(key)
            if value is None or value == "" or value == [] or value == {}:
                if required:
                    errors[key] = _("This question needs an answer.")
                continue
            try:
                cleaned[key] = clean(question, value)
            except AnswerError as exc:
                errors[key] = str(exc)
        return list(cleaned.values()), errors


def _condition_holds(condition: Mapping[str, Any], cleaned: Mapping[str, CleanAnswer]) -> bool:
    earlier = cleaned.get(condition.get("question", ""))
    if earlier is None:
        return False
    value, target, op = earlier.value, condition.get("value"), condition.get("op", "eq")
    try:
        if op == "lte":
            return value is not None and value <= target
        if op == "gte":
            return value is not None and value >= target
        if op == "in":
            values = value if isinstance(value, list) else [value]
            return isinstance(target, list) and any(v in target for v in values)
        return bool(value == target or (isinstance(value, list) and target in value))
    except TypeError:
        return False


Cleaner = Callable[[Question, Any], CleanAnswer]


def _cleaner(question: Question, stages: frozenset[int]) -> Cleaner:
    """The function that turns a raw value into this question's typed answer."""
    kind = question.kind
    if question.scale is not None:
        low, high = question.scale
        return lambda q, value: CleanAnswer(q, number=_integer(value, low, high))
    if kind in CONSENT_KINDS:
        return lambda q, value: CleanAnswer(q, number=int(_boolean(value)))
    if kind == QuestionKind.TEXT:
        limit = question.max_length
        return lambda q, value: CleanAnswer(q, text=_text(value, limit))
    if kind in CHOICE_KINDS:
        allowed = frozenset(o["value"] for o in question.options)
        single = kind == QuestionKind.SINGLE_CHOICE
        return lambda q, value: CleanAnswer(q, choices=_choices(allowed, single, value))
    if kind == QuestionKind.EMOTION:
        return lambda q, value: CleanAnswer(q, emotions=_emotions(value))
    if kind == QuestionKind.EMOTION_CURVE:
        return lambda q, value: CleanAnswer(q, curve=_curve(value, stages))
    raise ValueError(f"no cleaner for question kind {kind!r}")


def _integer(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise AnswerError(_("Expected a whole number."))
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise AnswerError(_("Expected a whole number.")) from None
    if isinstance(value, float) and value != number:
        raise AnswerError(_("Expected a whole number."))
    if not low <= number <= high:
        raise AnswerError(
            _("Expected a number from %(low)d to %(high)d.") % {"low": low, "high": high}
        )
    return number


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in {"1", "true", "yes", "on", "kyllä", "ja"}:
        return True
    if str(value).strip().lower() in {"0", "false", "no", "off", "ei", "nej"}:
        return False
    raise AnswerError(_("Expected yes or no."))


def _text(value: Any, max_length: int) -> str:
    if not isinstance(value, str):
        raise AnswerError(_("Expected text."))
    text = value.replace("\x00", "").strip()
    if len(text) > max_length:
        raise AnswerError(_("At most %(n)d characters.") % {"n": max_length})
    return text


def _choices(allowed: frozenset[str], single: bool, value: Any) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    if single and len(values) != 1:
        raise AnswerError(_("Choose one option."))
    chosen = []
    for item in values:
        if not isinstance(item, str) or item not in allowed:
            raise AnswerError(_("Unknown option %(v)r.") % {"v": item})
        if item not in chosen:
            chosen.append(item)
    return tuple(chosen)


def _emotions(value: Any) -> tuple[tuple[str, int], ...]:
    items: list[Mapping[str, Any]]
    if isinstance(value, Mapping):
        items = [{"emotion": k, "intensity": v} for k, v in value.items()]
    elif isinstance(value, list):
        items = [v if isinstance(v, Mapping) else {"emotion": v} for v in value]
    else:
        raise AnswerError(_("Expected a list of emotions."))
    emotions: dict[str, int] = {}
    for item in items:
        name = item.get("emotion")
        if name not in EMOTIONS:
            raise AnswerError(_("Unknown emotion %(v)r.") % {"v": name})
        emotions[name] = _integer(item.get("intensity", 2), *INTENSITY_RANGE)
    if Emotion.NEUTRAL in emotions and len(emotions) > 1:
        raise AnswerError(_("Neutral cannot be chosen together with other emotions."))
    return tuple(emotions.items())


def _curve(value: Any, stages: frozenset[int]) -> tuple[tuple[int, int, str], ...]:
    if not isinstance(value, list):
        raise AnswerError(_("Expected a list of stages with scores."))
    points: dict[int, tuple[int, int, str]] = {}
    for item in value:
        if not isinstance(item, Mapping):
            raise AnswerError(_("Expected a list of stages with scores."))
        try:
            stage_id = int(item.get("stage_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise AnswerError(_("Each point needs a stage_id.")) from None
        if stage_id not in stages:
            raise AnswerError(_("Stage %(id)s is not on this journey.") % {"id": stage_id})
        score = _integer(item.get("score"), *CURVE_RANGE)
        word = _text(item.get("word") or "", MAX_WORD)
        points[stage_id] = (stage_id, score, word)
    return tuple(points.values())
