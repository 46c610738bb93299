"""Reads for walkthroughs, always within one organisation: the list, one walkthrough
with its observations along the journey, and per-touchpoint summaries for the
pain-points view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import User
from django.db.models import Avg, Count, F, Max, QuerySet, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from kaiku.journeys.models import Journey, Stage, Touchpoint
from kaiku.journeys.selectors import journey_with_structure
from kaiku.organisations.models import Organisation
from kaiku.walkthroughs.models import Observation, Severity, Walkthrough

LATEST_NOTES = 3


def walkthroughs(organisation: Organisation) -> QuerySet[Walkthrough]:
    return (
        Walkthrough.objects.filter(organisation=organisation)
        .select_related("journey")
        .prefetch_related("walkers")
        .annotate(observation_count=Count("observations"))
        .order_by("-planned_for", "-id")
    )


def assigned_to(organisation: Organisation, user: User) -> QuerySet[Walkthrough]:
    return walkthroughs(organisation).filter(walkers=user)


def walkthrough(organisation: Organisation, walkthrough_id: int) -> Walkthrough:
    return get_object_or_404(walkthroughs(organisation), pk=walkthrough_id)


def observations(organisation: Organisation) -> QuerySet[Observation]:
    return Observation.objects.filter(walkthrough__organisation=organisation).select_related(
        "walkthrough", "touchpoint__stage", "created_by", "action"
    )


def observation(organisation: Organisation, observation_id: int) -> Observation:
    return get_object_or_404(observations(organisation), pk=observation_id)


def walkthrough_touchpoint(
    organisation: Organisation, walk: Walkthrough, touchpoint_id: int
) -> Touchpoint:
    """A touchpoint of the walkthrough's journey; another journey's is not found."""
    return get_object_or_404(
        Touchpoint.objects.select_related("stage__journey"),
        stage__journey__organisation=organisation,
        stage__journey_id=walk.journey_id,
        pk=touchpoint_id,
    )


@dataclass
class TouchpointObservations:
    touchpoint: Touchpoint
    observations: list[Observation] = field(default_factory=list)


@dataclass
class StageObservations:
    stage: Stage | None  # None: touchpoints archived since they were observed
    touchpoints: list[TouchpointObservations]


@dataclass
class WalkthroughDetail:
    walkthrough: Walkthrough
    stages: list[StageObservations]
    count: int

    @property
    def touchpoints(self) -> list[Touchpoint]:
        """The journey's touchpoints in walking order."""
        return [t.touchpoint for s in self.stages if s.stage is not None for t in s.touchpoints]


def walkthrough_detail(organisation: Organisation, walkthrough_id: int) -> WalkthroughDetail:
    """The walkthrough with every active touchpoint of its journey in order, each with
    the observations made there (observations on archived touchpoints come last)."""
    walk = walkthrough(organisation, walkthrough_id)
    journey = journey_with_structure(organisation, walk.journey_id)
    found: dict[int, list[Observation]] = {}
    touchpoints: dict[int, Touchpoint] = {}
    for item in observations(organisation).filter(walkthrough=walk).order_by("created_at", "id"):
        found.setdefault(item.touchpoint_id, []).append(item)
        touchpoints[item.touchpoint_id] = item.touchpoint
    stages = []
    for stage in journey.active_stages:  # type: ignore[attr-defined]
        stages.append(
            StageObservations(
                stage=stage,
                touchpoints=[
                    TouchpointObservations(t, found.pop(t.pk, [])) for t in stage.active_touchpoints
                ],
            )
        )
    if found:
        stages.append(
            StageObservations(
                stage=None,
                touchpoints=[TouchpointObservations(touchpoints[k], v) for k, v in found.items()],
            )
        )
    count = sum(len(t.observations) for s in stages for t in s.touchpoints)
    return WalkthroughDetail(walkthrough=walk, stages=stages, count=count)


@dataclass
class ObservationSummary:
    """What walkthroughs saw at one touchpoint."""

    count: int
    worst_severity: int
    mean_feeling: float
    latest: list[Observation] = field(default_factory=list)

    @property
    def worst_label(self) -> str:
        return str(Severity(self.worst_severity).label)


def observations_by_touchpoint(
    organisation: Organisation,
    journey: Journey,
    *,
    start: date | None = None,
    end: date | None = None,
    latest: int = LATEST_NOTES,
) -> dict[int, ObservationSummary]:
    """{touchpoint id: count, worst severity, mean feeling and the latest observations}
    for the journey's touchpoints, from walkthroughs whose observations fall in
    start…end (days, inclusive) when given."""
    chosen = Observation.objects.filter(
        walkthrough__organisation=organisation, touchpoint__stage__journey=journey
    )
    if start:
        chosen = chosen.filter(created_at__date__gte=start)
    if end:
        chosen = chosen.filter(created_at__date__lte=end)
    rows = chosen.values("touchpoint_id").annotate(
        count=Count("pk"), worst=Max("severity"), feeling=Avg("feeling")
    )
    found = {
        row["touchpoint_id"]: ObservationSummary(
            count=row["count"], worst_severity=row["worst"], mean_feeling=float(row["feeling"])
        )
        for row in rows.order_by()
    }
    if found and latest:
        ranked = chosen.select_related("walkthrough", "action").annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("touchpoint_id")],
                order_by=[F("created_at").desc(), F("id").desc()],
            )
        )
        for item in ranked.filter(rank__lte=latest).order_by("touchpoint_id", "rank"):
            found[item.touchpoint_id].latest.append(item)
    return found
