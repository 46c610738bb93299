"""Reads for service paths, always within one organisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from kaiku.journeys.models import (
    Journey,
    JourneyExport,
    Layer,
    Segment,
    Stage,
    Touchpoint,
)
from kaiku.organisations.models import Organisation

DOCUMENT_FORMAT = "kaiku.journey"
DOCUMENT_VERSION = 1


def journeys(organisation: Organisation, *, archived: bool = False) -> QuerySet[Journey]:
    found = Journey.objects.filter(organisation=organisation, archived_at__isnull=not archived)
    return found.order_by("name", "id").annotate(
        stage_count=Count("stages", filter=Q(stages__archived_at__isnull=True), distinct=True),
        touchpoint_count=Count(
            "stages__touchpoints",
            filter=Q(
                stages__archived_at__isnull=True, stages__touchpoints__archived_at__isnull=True
            ),
            distinct=True,
        ),
    )


def journey(organisation: Organisation, journey_id: int) -> Journey:
    return get_object_or_404(Journey, organisation=organisation, pk=journey_id)


def journey_with_structure(organisation: Organisation, journey_id: int) -> Journey:
    """A journey with its active stages and touchpoints prefetched in order."""
    touchpoints = Touchpoint.objects.active().select_related("owner_team").order_by("position")
    stages: QuerySet[Stage] = (
        Stage.objects.active()
        .order_by("position")
        .prefetch_related(
            Prefetch("touchpoints", queryset=touchpoints, to_attr="active_touchpoints")
        )
    )
    # django-stubs cannot follow a Prefetch whose queryset has its own prefetch.
    found = Journey.objects.prefetch_related(
        Prefetch("stages", queryset=stages, to_attr="active_stages")  # type: ignore[arg-type]
    )
    return get_object_or_404(found, organisation=organisation, pk=journey_id)


def stage(organisation: Organisation, stage_id: int) -> Stage:
    return get_object_or_404(
        Stage.objects.select_related("journey"), journey__organisation=organisation, pk=stage_id
    )


def touchpoint(organisation: Organisation, touchpoint_id: int) -> Touchpoint:
    return get_object_or_404(
        Touchpoint.objects.select_related("stage__journey", "owner_team"),
        stage__journey__organisation=organisation,
        pk=touchpoint_id,
    )


def archived_parts(journey: Journey) -> tuple[QuerySet[Stage], QuerySet[Touchpoint]]:
    """Archived stages, and archived touchpoints of active stages, for restoring."""
    stages = Stage.objects.archived().filter(journey=journey)
    touchpoints = (
        Touchpoint.objects.archived()
        .filter(stage__journey=journey, stage__archived_at__isnull=True)
        .select_related("stage")
    )
    return stages, touchpoints


def segments(organisation: Organisation, *, archived: bool = False) -> QuerySet[Segment]:
    return Segment.objects.filter(organisation=organisation, archived_at__isnull=not archived)


def segment(organisation: Organisation, segment_id: int) -> Segment:
    return get_object_or_404(Segment, organisation=organisation, pk=segment_id)


def journey_export(organisation: Organisation, export_id: int) -> JourneyExport:
    return get_object_or_404(
        JourneyExport.objects.select_related("journey"), organisation=organisation, pk=export_id
    )


@dataclass
class BlueprintCell:
    stage: Stage
    layer: str
    touchpoints: list[Touchpoint]


@dataclass
class BlueprintRow:
    layer: str
    label: str
    cells: list[BlueprintCell]


def blueprint(journey: Journey) -> list[BlueprintRow]:
    """The service blueprint grid: one row per layer, one cell per stage.

    Expects `journey_with_structure`, so no further queries are made.
    """
    stages: list[Stage] = journey.active_stages  # type: ignore[attr-defined]
    rows = []
    for layer, label in Layer.choices:
        cells = [
            BlueprintCell(
                stage=s,
                layer=layer,
                touchpoints=[t for t in s.active_touchpoints if t.layer == layer],  # type: ignore[attr-defined]
            )
            for s in stages
        ]
        rows.append(BlueprintRow(layer=layer, label=str(label), cells=cells))
    return rows


def journey_document(journey: Journey) -> dict[str, Any]:
    """The journey as a portable JSON document (the import format)."""
    structured = journey_with_structure(journey.organisation, journey.pk)
    return {
        "format": DOCUMENT_FORMAT,
        "version": DOCUMENT_VERSION,
        "journey": {
            "name": structured.name,
            "description": structured.description,
            "stages": [
                {
                    "name": s.name,
                    "description": s.description,
                    "position": s.position,
                    "touchpoints": [
                        {
                            "name": t.name,
                            "description": t.description,
                            "channel": t.channel,
                            "layer": t.layer,
                            "owner_team": t.owner_team.name if t.owner_team else None,
                            "position": t.position,
                        }
                        for t in s.active_touchpoints
                    ],
                }
                for s in structured.active_stages  # type: ignore[attr-defined]
            ],
        },
    }


def stages_for_moves(organisation: Organisation) -> QuerySet[Stage]:
    """Active stages of active journeys, for moving a touchpoint between stages."""
    return (
        Stage.objects.active()
        .filter(journey__organisation=organisation, journey__archived_at__isnull=True)
        .select_related("journey")
        .order_by("journey__name", "position")
    )
