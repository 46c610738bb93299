"""Alert rule conditions: what they may say, and whether a response meets them.

A rule's conditions are a list of small JSON objects, all of which must hold:

    {"measure": "nps", "op": "lte", "value": 6}           a score (nps, csat, ease,
                                                          effectiveness, overall) or the
                                                          valence (−1…1) of the comments
    {"measure": "emotion", "emotion": "anger", "op": "gte", "value": 0.6}
                                                          an emotion's probability in a
                                                          comment, or 1 if the respondent
                                                          picked it
    {"measure": "flag", "any_of": ["crisis"]}             a flag the analysis raised
                                                          ("crisis" stands for every
                                                          crisis or life-event signal)
    {"measure": "theme", "any_of": ["waiting_time"]}
    {"measure": "touchpoint" | "segment" | "journey", "any_of": [12, 13]}
    {"measure": "channel" | "language", "any_of": ["phone"]}

A response that lacks the measure (no NPS answer, say) does not meet the condition.
Checking is kept apart from the database: `Subject` is what a response says, built by
the services, so that rules can be tested and explained on plain data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from kaiku.surveys.models import Emotion

SCORES = (
    *("nps", "csat", "ease", "effectiveness", "overall"),
    # A sensitive service's care measures (1–5).
    *("heard", "supported", "respected", "informed"),
)
NUMBERS = (*SCORES, "valence")
EMOTIONS = tuple(sorted(Emotion.values))
CRISIS_FLAGS = ("death_grief", "serious_illness", "financial_crisis", "violence", "self_harm")
FLAGS = ("difficult_emotion", *CRISIS_FLAGS, "crisis")
SETS = ("flag", "theme", "touchpoint", "segment", "journey", "channel", "language")
OPS: dict[str, Callable[[float, float], bool]] = {
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "eq": lambda a, b: a == b,
    "gte": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
}
MAX_CONDITIONS = 20


@dataclass
class Subject:
    """What one response says, as the rules read it."""

    scores: dict[str, float] = field(default_factory=dict)
    valence: float | None = None
    emotions: dict[str, float] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    themes: set[str] = field(default_factory=set)
    touchpoint: int | None = None
    segment: int | None = None
    journey: int | None = None
    channel: str = ""
    language: str = ""
    # Asked by a sensitive service: its cases go to trained handlers whatever the text.
    sensitive_service: bool = False

    @property
    def crisis(self) -> bool:
        return bool(self.flags & set(CRISIS_FLAGS))

    def number(self, measure: str) -> float | None:
        return self.valence if measure == "valence" else self.scores.get(measure)

    def values(self, measure: str) -> set[Any]:
        if measure == "flag":
            return self.flags | ({"crisis"} if self.crisis else set())
        if measure == "theme":
            return self.themes
        single = getattr(self, measure)
        return {single} if single not in (None, "") else set()


def meets(conditions: Sequence[Mapping[str, Any]], subject: Subject) -> bool:
    """Whether the subject meets every condition (an empty list meets nothing: a rule
    without conditions would open a case for every response)."""
    return bool(conditions) and all(_holds(c, subject) for c in conditions)


def _holds(condition: Mapping[str, Any], subject: Subject) -> bool:
    measure = condition["measure"]
    if measure in SETS:
        return bool(subject.values(measure) & set(condition["any_of"]))
    if measure == "emotion":
        value: float | None = subject.emotions.get(condition["emotion"])
    else:
        value = subject.number(measure)
    return value is not None and OPS[condition["op"]](value, float(condition["value"]))


def problems(conditions: Any) -> list[tuple[str, str]]:
    """What is wrong with a list of conditions, as (path, reason) pairs; none if it
    is fine. Checked at the edge, so that `meets` can trust what it is given."""
    if not isinstance(conditions, list) or not conditions:
        return [("conditions", _("Give at least one condition."))]
    if len(conditions) > MAX_CONDITIONS:
        return [("conditions", _("At most %(n)d conditions.") % {"n": MAX_CONDITIONS})]
    found: list[tuple[str, str]] = []
    for index, condition in enumerate(conditions):
        path = f"conditions.{index}"
        if not isinstance(condition, dict):
            found.append((path, _("A condition is an object.")))
            continue
        found += [(f"{path}.{key}", reason) for key, reason in _problems_of(condition)]
    return found


def _problems_of(condition: Mapping[str, Any]) -> list[tuple[str, str]]:
    measure = condition.get("measure")
    if measure in SETS:
        chosen = condition.get("any_of")
        if not isinstance(chosen, list) or not chosen:
            return [("any_of", _("Choose at least one."))]
        if measure in ("touchpoint", "segment", "journey"):
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in chosen):
                return [("any_of", _("Give ids (whole numbers)."))]
        elif not all(isinstance(v, str) and v for v in chosen):
            return [("any_of", _("Give names."))]
        if measure == "flag" and set(chosen) - set(FLAGS):
            return [("any_of", _("Unknown flag; use one of: %(v)s.") % {"v": ", ".join(FLAGS)})]
        return []
    if measure not in (*NUMBERS, "emotion"):
        return [("measure", _("Unknown measure %(v)r.") % {"v": measure})]
    found = []
    if measure == "emotion" and condition.get("emotion") not in EMOTIONS:
        found.append(
            ("emotion", _("Unknown emotion; use one of: %(v)s.") % {"v": ", ".join(EMOTIONS)})
        )
    if condition.get("op") not in OPS:
        found.append(("op", _("Use one of: %(v)s.") % {"v": ", ".join(OPS)}))
    value = condition.get("value")
    if not isinstance(value, int | float) or isinstance(value, bool):
        found.append(("value", _("Give a number.")))
    return found


def describe(conditions: Sequence[Mapping[str, Any]]) -> str:
    """The conditions in a line a person reads ("nps ≤ 6 and anger ≥ 0.6")."""
    signs = {"lt": "<", "lte": "≤", "eq": "=", "gte": "≥", "gt": ">"}
    parts = []
    for c in conditions:
        if c["measure"] in SETS:
            parts.append(f"{c['measure']} ∈ {{{', '.join(str(v) for v in c['any_of'])}}}")
        else:
            name = c["emotion"] if c["measure"] == "emotion" else c["measure"]
            parts.append(f"{name} {signs[c['op']]} {c['value']}")
    return f" {_('and')} ".join(parts)
