"""JSON API for service paths: /api/v1/journeys, stages, touchpoints, segments."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Status

from kaiku.journeys import selectors, services
from kaiku.journeys.models import Journey, Segment, Stage
from kaiku.journeys.schemas import (
    ExportOut,
    JourneyChange,
    JourneyIn,
    JourneyOut,
    JourneySummary,
    SegmentIn,
    SegmentOut,
    StageCreate,
    StageOrder,
    StageOut,
    StagePatch,
    TouchpointCreate,
    TouchpointOrder,
    TouchpointOut,
    TouchpointPatch,
)
from kaiku.organisations.permissions import actor_of, api_editor, api_reader

router = Router(tags=["journeys"])


def _journey_out(request: HttpRequest, journey_id: int) -> Journey:
    return selectors.journey_with_structure(actor_of(request).organisation, journey_id)


def _stage_out(stage: Stage) -> Stage:
    stage.active_touchpoints = list(  # type: ignore[attr-defined]
        stage.touchpoints.active().order_by("position")
    )
    return stage


# Journeys ------------------------------------------------------------------------


@router.get("/journeys", response=list[JourneySummary], auth=api_reader())
def list_journeys(request: HttpRequest, archived: bool = False) -> Any:
    return selectors.journeys(actor_of(request).organisation, archived=archived)


@router.post("/journeys", response={201: JourneyOut}, auth=api_editor())
def create_journey(request: HttpRequest, payload: JourneyIn) -> Any:
    journey = services.create_journey(
        actor=actor_of(request),
        name=payload.name,
        description=payload.description,
        sensitive=payload.sensitive,
        stages=[
            services.StageSpec(
                name=s.name,
                description=s.description,
                position=s.position,
                touchpoints=[services.TouchpointSpec(**t.dict()) for t in s.touchpoints],
            )
            for s in payload.stages
        ],
    )
    return Status(201, _journey_out(request, journey.pk))


@router.post("/journeys/import", response={201: JourneyOut}, auth=api_editor())
def import_journey(request: HttpRequest, document: dict[str, Any] = Body(...)) -> Any:  # noqa: B008
    journey = services.import_journey(actor=actor_of(request), document=document)
    return Status(201, _journey_out(request, journey.pk))


@router.get("/journeys/{journey_id}", response=JourneyOut, auth=api_reader())
def get_journey(request: HttpRequest, journey_id: int) -> Any:
    return _journey_out(request, journey_id)


@router.patch("/journeys/{journey_id}", response=JourneyOut, auth=api_editor())
def update_journey(request: HttpRequest, journey_id: int, payload: JourneyChange) -> Any:
    actor = actor_of(request)
    journey = selectors.journey(actor.organisation, journey_id)
    services.update_journey(
        actor=actor,
        journey=journey,
        name=payload.name if payload.name is not None else journey.name,
        description=payload.description if payload.description is not None else journey.description,
        sensitive=payload.sensitive,
    )
    return _journey_out(request, journey_id)


@router.post("/journeys/{journey_id}/archive", response=JourneyOut, auth=api_editor())
def archive_journey(request: HttpRequest, journey_id: int) -> Any:
    actor = actor_of(request)
    services.archive_journey(actor=actor, journey=selectors.journey(actor.organisation, journey_id))
    return _journey_out(request, journey_id)


@router.post("/journeys/{journey_id}/restore", response=JourneyOut, auth=api_editor())
def restore_journey(request: HttpRequest, journey_id: int) -> Any:
    actor = actor_of(request)
    services.restore_journey(actor=actor, journey=selectors.journey(actor.organisation, journey_id))
    return _journey_out(request, journey_id)


@router.get("/journeys/{journey_id}/document", response=dict[str, Any], auth=api_reader())
def journey_document(request: HttpRequest, journey_id: int) -> Any:
    """The journey as an import/export JSON document."""
    return selectors.journey_document(selectors.journey(actor_of(request).organisation, journey_id))


@router.post("/journeys/{journey_id}/exports", response={202: ExportOut}, auth=api_reader())
def request_export(request: HttpRequest, journey_id: int) -> Any:
    """Export in the background; poll the returned export until its status is `done`."""
    actor = actor_of(request)
    journey = selectors.journey(actor.organisation, journey_id)
    export = services.request_journey_export(actor=actor, journey=journey)
    return Status(202, selectors.journey_export(actor.organisation, export.pk))


@router.get("/exports/{export_id}", response=ExportOut, auth=api_reader())
def get_export(request: HttpRequest, export_id: int) -> Any:
    return selectors.journey_export(actor_of(request).organisation, export_id)


# Stages --------------------------------------------------------------------------


@router.post("/journeys/{journey_id}/stages", response={201: StageOut}, auth=api_editor())
def add_stage(request: HttpRequest, journey_id: int, payload: StageCreate) -> Any:
    actor = actor_of(request)
    journey = selectors.journey(actor.organisation, journey_id)
    stage = services.add_stage(
        actor=actor, journey=journey, name=payload.name, description=payload.description
    )
    return Status(201, _stage_out(stage))


@router.put("/journeys/{journey_id}/stage-order", response=list[StageOut], auth=api_editor())
def reorder_stages(request: HttpRequest, journey_id: int, payload: StageOrder) -> Any:
    actor = actor_of(request)
    journey = selectors.journey(actor.organisation, journey_id)
    stages = services.reorder_stages(actor=actor, journey=journey, stage_ids=payload.stage_ids)
    return [_stage_out(s) for s in stages]


@router.get("/stages/{stage_id}", response=StageOut, auth=api_reader())
def get_stage(request: HttpRequest, stage_id: int) -> Any:
    return _stage_out(selectors.stage(actor_of(request).organisation, stage_id))


@router.patch("/stages/{stage_id}", response=StageOut, auth=api_editor())
def update_stage(request: HttpRequest, stage_id: int, payload: StagePatch) -> Any:
    actor = actor_of(request)
    stage = selectors.stage(actor.organisation, stage_id)
    services.update_stage(
        actor=actor,
        stage=stage,
        name=payload.name if payload.name is not None else stage.name,
        description=payload.description if payload.description is not None else stage.description,
    )
    return _stage_out(stage)


@router.post("/stages/{stage_id}/archive", response=StageOut, auth=api_editor())
def archive_stage(request: HttpRequest, stage_id: int) -> Any:
    actor = actor_of(request)
    stage = services.archive_stage(actor=actor, stage=selectors.stage(actor.organisation, stage_id))
    return _stage_out(stage)


@router.post("/stages/{stage_id}/restore", response=StageOut, auth=api_editor())
def restore_stage(request: HttpRequest, stage_id: int) -> Any:
    actor = actor_of(request)
    stage = services.restore_stage(actor=actor, stage=selectors.stage(actor.organisation, stage_id))
    return _stage_out(stage)


# Touchpoints ---------------------------------------------------------------------


@router.post("/stages/{stage_id}/touchpoints", response={201: TouchpointOut}, auth=api_editor())
def add_touchpoint(request: HttpRequest, stage_id: int, payload: TouchpointCreate) -> Any:
    actor = actor_of(request)
    stage = selectors.stage(actor.organisation, stage_id)
    touchpoint = services.add_touchpoint(actor=actor, stage=stage, **payload.dict())
    return Status(201, touchpoint)


@router.put("/stages/{stage_id}/touchpoint-order", response=list[TouchpointOut], auth=api_editor())
def reorder_touchpoints(request: HttpRequest, stage_id: int, payload: TouchpointOrder) -> Any:
    actor = actor_of(request)
    stage = selectors.stage(actor.organisation, stage_id)
    return services.reorder_touchpoints(
        actor=actor, stage=stage, touchpoint_ids=payload.touchpoint_ids
    )


@router.get("/touchpoints/{touchpoint_id}", response=TouchpointOut, auth=api_reader())
def get_touchpoint(request: HttpRequest, touchpoint_id: int) -> Any:
    return selectors.touchpoint(actor_of(request).organisation, touchpoint_id)


@router.patch("/touchpoints/{touchpoint_id}", response=TouchpointOut, auth=api_editor())
def update_touchpoint(request: HttpRequest, touchpoint_id: int, payload: TouchpointPatch) -> Any:
    actor = actor_of(request)
    touchpoint = selectors.touchpoint(actor.organisation, touchpoint_id)
    given = payload.dict(exclude_unset=True)
    return services.update_touchpoint(
        actor=actor,
        touchpoint=touchpoint,
        name=given.get("name") or touchpoint.name,
        description=(
            payload.description if payload.description is not None else touchpoint.description
        ),
        channel=given.get("channel") or touchpoint.channel,
        layer=given.get("layer") or touchpoint.layer,
        owner_team_id=given.get("owner_team_id", touchpoint.owner_team_id),
        stage_id=given.get("stage_id"),
    )


@router.post("/touchpoints/{touchpoint_id}/archive", response=TouchpointOut, auth=api_editor())
def archive_touchpoint(request: HttpRequest, touchpoint_id: int) -> Any:
    actor = actor_of(request)
    touchpoint = selectors.touchpoint(actor.organisation, touchpoint_id)
    return services.archive_touchpoint(actor=actor, touchpoint=touchpoint)


@router.post("/touchpoints/{touchpoint_id}/restore", response=TouchpointOut, auth=api_editor())
def restore_touchpoint(request: HttpRequest, touchpoint_id: int) -> Any:
    actor = actor_of(request)
    touchpoint = selectors.touchpoint(actor.organisation, touchpoint_id)
    return services.restore_touchpoint(actor=actor, touchpoint=touchpoint)


# Segments ------------------------------------------------------------------------


def _segment_out(segment: Segment) -> dict[str, Any]:
    return {
        "id": segment.pk,
        "name": segment.name,
        "description": segment.description,
        "archived": segment.archived_at is not None,
    }


@router.get("/segments", response=list[SegmentOut], auth=api_reader())
def list_segments(request: HttpRequest, archived: bool = False) -> Any:
    return [
        _segment_out(s)
        for s in selectors.segments(actor_of(request).organisation, archived=archived)
    ]


@router.post("/segments", response={201: SegmentOut}, auth=api_editor())
def create_segment(request: HttpRequest, payload: SegmentIn) -> Any:
    segment = services.create_segment(actor=actor_of(request), **payload.dict())
    return Status(201, _segment_out(segment))


@router.patch("/segments/{segment_id}", response=SegmentOut, auth=api_editor())
def update_segment(request: HttpRequest, segment_id: int, payload: SegmentIn) -> Any:
    actor = actor_of(request)
    segment = selectors.segment(actor.organisation, segment_id)
    return _segment_out(services.update_segment(actor=actor, segment=segment, **payload.dict()))


@router.post("/segments/{segment_id}/archive", response=SegmentOut, auth=api_editor())
def archive_segment(request: HttpRequest, segment_id: int) -> Any:
    actor = actor_of(request)
    segment = selectors.segment(actor.organisation, segment_id)
    return _segment_out(services.archive_segment(actor=actor, segment=segment))


@router.post("/segments/{segment_id}/restore", response=SegmentOut, auth=api_editor())
def restore_segment(request: HttpRequest, segment_id: int) -> Any:
    actor = actor_of(request)
    segment = selectors.segment(actor.organisation, segment_id)
    return _segment_out(services.restore_segment(actor=actor, segment=segment))
