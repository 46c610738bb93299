"""API schemas for responses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from kaiku.core.schemas import Id
from kaiku.journeys.models import Channel


class ContactIn(Schema):
    email: str = Field("", max_length=254)
    name: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)


class ResponseIn(Schema):
    survey_id: Id
    answers: dict[str, Any] = Field(
        description="By question key; see docs/api.md for the value of each kind."
    )
    touchpoint_id: Id | None = None
    language: str = Field("", max_length=8)
    channel: Channel | None = None
    segment_id: Id | None = None
    served_by_id: Id | None = Field(None, description="The user id of the staff member.")
    team_id: Id | None = None
    experienced_at: datetime | None = None
    metadata: dict[str, Any] = {}
    respondent_ref: str = Field("", max_length=200, description="Your id for the person.")
    contact: ContactIn | None = None


class BatchItemIn(ResponseIn):
    idempotency_key: str = Field("", max_length=200)


class BatchIn(Schema):
    responses: list[BatchItemIn] = Field(min_length=1, max_length=500)


class PublicResponseIn(Schema):
    """A respondent's own submission through a survey's public link."""

    answers: dict[str, Any]
    touchpoint_id: Id | None = None
    language: str = Field("", max_length=8)


class SubmittedOut(Schema):
    id: int
    created: bool


class BatchItemOut(Schema):
    index: int
    id: int | None
    status: str = Field(description="created, duplicate or rejected")
    errors: list[dict[str, Any]] = []


class BatchOut(Schema):
    created: int
    duplicates: int
    rejected: int
    results: list[BatchItemOut]


class AnswerOut(Schema):
    question: str
    kind: str
    number: int | None
    text: str
    choices: list[str]
    emotions: list[dict[str, Any]]
    curve: list[dict[str, Any]]
    analysis_state: str


class ResponseOut(Schema):
    id: int
    survey_id: int
    touchpoint_id: int | None
    source: str
    channel: str
    language: str
    segment_id: int | None
    team_id: int | None
    # No served_by: a single response never names the staff member (see
    # kaiku.analytics.staff for the per-person feedback behind the threshold).
    respondent: str | None
    experienced_at: datetime | None
    submitted_at: datetime
    metadata: dict[str, Any]
    answers: list[AnswerOut]


class ImportStartIn(Schema):
    mapping: dict[str, str] = Field(
        default_factory=dict,
        description="Target (a field or a question key) → column name. Default: the "
        "columns named like a target.",
    )
    dry_run: bool = Field(True, description="Check every row and save nothing.")


class ImportJobOut(Schema):
    id: int
    survey_id: int
    filename: str
    size: int
    header: list[str]
    mapping: dict[str, str]
    dry_run: bool
    status: str
    rows_done: int
    percent: int | None
    report: dict[str, Any] | None = Field(
        description="rows, imported, duplicates, rejected, errors (row, column, reason: the "
        "first 200), ignored_columns, preview"
    )
    error: str
