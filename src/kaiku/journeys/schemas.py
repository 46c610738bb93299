"""API schemas for service paths (django-ninja / pydantic)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from kaiku.core.schemas import Id
from kaiku.journeys.models import Channel, ExportStatus, Layer

NAME = Field(min_length=1, max_length=200)
DESCRIPTION = Field("", max_length=2000)


class TouchpointIn(Schema):
    name: str = NAME
    description: str = DESCRIPTION
    channel: Channel
    layer: Layer
    owner_team_id: Id | None = None
    position: int | None = Field(None, ge=1)


class StageIn(Schema):
    name: str = NAME
    description: str = DESCRIPTION
    position: int | None = Field(None, ge=1)
    touchpoints: list[TouchpointIn] = []


class JourneyIn(Schema):
    name: str = NAME
    description: str = DESCRIPTION
    sensitive: bool = False
    stages: list[StageIn] = []


class JourneyPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)


class JourneyChange(JourneyPatch):
    sensitive: bool | None = None


class StageCreate(Schema):
    name: str = NAME
    description: str = DESCRIPTION


class StagePatch(JourneyPatch):
    pass


class TouchpointCreate(Schema):
    name: str = NAME
    description: str = DESCRIPTION
    channel: Channel
    layer: Layer
    owner_team_id: Id | None = None


class TouchpointPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    channel: Channel | None = None
    layer: Layer | None = None
    owner_team_id: Id | None = None
    stage_id: Id | None = Field(None, description="Move the touchpoint to this stage's end.")


class StageOrder(Schema):
    stage_ids: list[Id]


class TouchpointOrder(Schema):
    touchpoint_ids: list[Id]


class TouchpointOut(Schema):
    id: int
    name: str
    description: str
    channel: Channel
    layer: Layer
    owner_team_id: int | None
    position: int | None
    archived: bool = Field(alias="is_archived")


class StageOut(Schema):
    id: int
    name: str
    description: str
    position: int | None
    archived: bool = Field(alias="is_archived")
    touchpoints: list[TouchpointOut] = Field(alias="active_touchpoints", default=[])


class JourneyOut(Schema):
    id: int
    name: str
    description: str
    sensitive: bool
    archived: bool = Field(alias="is_archived")
    created_at: datetime
    updated_at: datetime
    stages: list[StageOut] = Field(alias="active_stages", default=[])


class JourneySummary(Schema):
    id: int
    name: str
    description: str
    sensitive: bool
    archived: bool = Field(alias="is_archived")
    stage_count: int
    touchpoint_count: int
    updated_at: datetime


class SegmentIn(Schema):
    name: str = NAME
    description: str = DESCRIPTION


class SegmentOut(Schema):
    id: int
    name: str
    description: str
    archived: bool


class ExportOut(Schema):
    id: int
    journey_id: int
    status: ExportStatus
    created_at: datetime
    finished_at: datetime | None
    document: dict[str, Any] | None
