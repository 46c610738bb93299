"""API schemas for surveys and their questions."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema

from kaiku.core.schemas import Id
from kaiku.surveys.models import QuestionKind, SurveyMode, SurveyStatus

Language = Literal["fi", "sv", "en"]
Texts = dict[Language, str]


class OptionIn(Schema):
    value: str = Field(min_length=1, max_length=100)
    label: Texts


class ConditionIn(Schema):
    question: str = Field(description="The key of an earlier question.")
    op: Literal["eq", "lte", "gte", "in"] = "eq"
    value: Any


class QuestionIn(Schema):
    kind: QuestionKind
    key: str = Field("", max_length=50, description="Stable name; made from the kind if empty.")
    text: Texts
    help_text: Texts = {}
    required: bool = False
    options: list[OptionIn] = []
    condition: ConditionIn | None = None
    max_length: int = Field(2000, ge=1, le=10_000)


class SurveyIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    journey_id: Id
    mode: SurveyMode = SurveyMode.CUSTOMER
    sensitive: bool = False
    languages: list[Language] = Field(["fi"], min_length=1)
    title: Texts
    intro: Texts = {}
    thanks: Texts = {}
    support_text: Texts = Field({}, description="Shown to respondents, e.g. a crisis helpline.")
    touchpoint_ids: list[Id] = []
    questions: list[QuestionIn] = Field([], max_length=60)


class SurveyPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    languages: list[Language] | None = None
    title: Texts | None = None
    intro: Texts | None = None
    thanks: Texts | None = None
    support_text: Texts | None = None
    sensitive: bool | None = None
    touchpoint_ids: list[Id] | None = None


class StatusIn(Schema):
    status: SurveyStatus


class MoveIn(Schema):
    offset: int = Field(description="-1 moves the question earlier, 1 later.")


class QuestionOut(Schema):
    id: int
    key: str
    kind: QuestionKind
    position: int
    text: dict[str, str]
    help_text: dict[str, str]
    required: bool
    options: list[dict[str, Any]]
    condition: dict[str, Any] | None
    max_length: int


class SurveyOut(Schema):
    id: int
    name: str
    journey_id: int
    mode: SurveyMode
    sensitive: bool
    sensitive_service: bool = Field(
        description="Sensitive itself or through its journey: what the respondent sees."
    )
    status: SurveyStatus
    languages: list[str]
    title: dict[str, str]
    intro: dict[str, str]
    thanks: dict[str, str]
    support_text: dict[str, str]
    touchpoint_ids: list[int]
    public_url: str
    questions: list[QuestionOut]


class SurveySummary(Schema):
    id: int
    name: str
    journey_id: int
    status: SurveyStatus
    response_count: int


class KioskIn(Schema):
    name: str = Field(max_length=200)
    touchpoint_id: Id | None = None
    language: Language | None = None


class KioskActiveIn(Schema):
    active: bool


class KioskOut(Schema):
    id: int
    name: str
    survey_id: int
    touchpoint_id: int | None
    language: str
    active: bool
    reset_seconds: int
    url: str = Field(description="The page to open full screen on the device.")
