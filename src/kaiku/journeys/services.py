"""Writes for service paths: journeys, stages, touchpoints, segments, import and export.

Every function validates the whole change before saving anything and runs in one
transaction, so bad input never leaves a journey half-saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaiku.audit.services import record, snapshot
from kaiku.core.background import send_after_commit
from kaiku.core.validation import Errors
from kaiku.journeys.models import (
    ExportStatus,
    Journey,
    JourneyExport,
    Segment,
    Stage,
    Touchpoint,
)
from kaiku.journeys.selectors import DOCUMENT_FORMAT, DOCUMENT_VERSION, journey_document
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Team
from kaiku.organisations.services import create_team


@dataclass
class TouchpointSpec:
    name: str
    channel: str
    layer: str
    description: str = ""
    owner_team_id: int | None = None
    position: int | None = None


@dataclass
class StageSpec:
    name: str
    description: str = ""
    position: int | None = None
    touchpoints: list[TouchpointSpec] = field(default_factory=list)


def _positions(given: Sequence[int | None], path: str, what: str, errors: Errors) -> list[int]:
    """The 1…n order of items: the given positions if complete and gap-free, else list order."""
    if all(p is None for p in given):
        return list(range(1, len(given) + 1))
    if any(p is None for p in given):
        errors.add(path, _("Give a position for every %(what)s or for none.") % {"what": what})
        return list(range(1, len(given) + 1))
    numbers = [int(p) for p in given if p is not None]
    seen: set[int] = set()
    for index, number in enumerate(numbers):
        if number in seen:
            errors.add(
                f"{path}.{index}.position",
                _("Position %(n)d is used twice.") % {"n": number},
            )
        seen.add(number)
    expected = set(range(1, len(numbers) + 1))
    missing = sorted(expected - seen)
    if len(seen) == len(numbers) and missing:
        errors.add(
            path,
            _("Positions must run from 1 to %(count)d without gaps; missing %(missing)s.")
            % {"count": len(numbers), "missing": ", ".join(map(str, missing))},
        )
    return numbers


def _team(actor: Actor, team_id: int | None, path: str, errors: Errors) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(organisation=actor.organisation, pk=team_id).first()
    if team is None:
        errors.add(path, _("No such team in this organisation."))
    return team


def _check_owned(actor: Actor, journey: Journey) -> None:
    # Views and the API look objects up within the organisation already; this guards
    # every other caller (CLI, tasks) against crossing tenants.
    if journey.organisation_id != actor.organisation.pk:
        raise ValidationError({"journey": _("No such journey in this organisation.")})


# Journeys ------------------------------------------------------------------------


@transaction.atomic
def create_journey(
    *,
    actor: Actor,
    name: str,
    description: str = "",
    sensitive: bool = False,
    stages: Sequence[StageSpec] = (),
) -> Journey:
    """A journey with its stages and touchpoints, all saved or none."""
    errors = Errors()
    journey = Journey(
        organisation=actor.organisation,
        name=name.strip(),
        description=description,
        sensitive=sensitive,
    )
    errors.check_model(journey, "")
    if len(stages) > settings.KAIKU_MAX_STAGES:
        errors.add("stages", _("At most %(n)d stages.") % {"n": settings.KAIKU_MAX_STAGES})
    stage_positions = _positions([s.position for s in stages], "stages", _("stage"), errors)
    planned: list[tuple[Stage, list[Touchpoint]]] = []
    for i, spec in enumerate(stages):
        stage = Stage(
            name=spec.name.strip(), description=spec.description, position=stage_positions[i]
        )
        errors.check_model(stage, f"stages.{i}.", exclude=["journey"])
        planned.append((stage, _plan_touchpoints(actor, spec.touchpoints, f"stages.{i}", errors)))
    errors.raise_if_any()

    journey.save()
    for stage, touchpoints in planned:
        stage.journey = journey
        stage.save()
        for touchpoint in touchpoints:
            touchpoint.stage = stage
        Touchpoint.objects.bulk_create(touchpoints)
    record(
        actor=actor,
        action="journey.create",
        obj=journey,
        after={
            **snapshot(journey),
            "stages": len(planned),
            "touchpoints": sum(len(t) for _, t in planned),
        },
    )
    return journey


def _plan_touchpoints(
    actor: Actor, specs: Sequence[TouchpointSpec], stage_path: str, errors: Errors
) -> list[Touchpoint]:
    limit = settings.KAIKU_MAX_TOUCHPOINTS_PER_STAGE
    if len(specs) > limit:
        errors.add(f"{stage_path}.touchpoints", _("At most %(n)d touchpoints.") % {"n": limit})
    path = f"{stage_path}.touchpoints"
    positions = _positions([t.position for t in specs], path, _("touchpoint"), errors)
    touchpoints = []
    for j, spec in enumerate(specs):
        touchpoint = Touchpoint(
            name=spec.name.strip(),
            description=spec.description,
            channel=spec.channel,
            layer=spec.layer,
            owner_team=_team(actor, spec.owner_team_id, f"{path}.{j}.owner_team_id", errors),
            position=positions[j],
        )
        errors.check_model(touchpoint, f"{path}.{j}.", exclude=["stage"])
        touchpoints.append(touchpoint)
    return touchpoints


@transaction.atomic
def update_journey(
    *,
    actor: Actor,
    journey: Journey,
    name: str,
    description: str = "",
    sensitive: bool | None = None,
) -> Journey:
    _check_owned(actor, journey)
    before = snapshot(journey)
    journey.name, journey.description = name.strip(), description
    errors = Errors()
    errors.check_model(journey, "")
    if sensitive and not journey.sensitive:
        _check_can_be_sensitive(journey, errors)
    if sensitive is not None:
        journey.sensitive = sensitive
    errors.raise_if_any()
    journey.save()
    record(
        actor=actor, action="journey.update", obj=journey, before=before, after=snapshot(journey)
    )
    return journey


def _check_can_be_sensitive(journey: Journey, errors: Errors) -> None:
    """A sensitive path asks nobody to recommend it: its surveys must not already."""
    from kaiku.surveys.models import NOT_IN_SENSITIVE

    asking = sorted(
        journey.surveys.filter(questions__kind__in=NOT_IN_SENSITIVE)
        .values_list("name", flat=True)
        .distinct()
    )
    if asking:
        errors.add(
            "sensitive",
            _(
                "These surveys on the journey ask how likely people are to recommend you, "
                "which a sensitive service does not ask: %(surveys)s. Remove the question or "
                "close those surveys first."
            )
            % {"surveys": ", ".join(asking)},
        )


@transaction.atomic
def archive_journey(*, actor: Actor, journey: Journey) -> Journey:
    _check_owned(actor, journey)
    if journey.archived_at is None:
        journey.archived_at = timezone.now()
        journey.save(update_fields=["archived_at", "updated_at"])
        record(actor=actor, action="journey.archive", obj=journey)
    return journey


@transaction.atomic
def restore_journey(*, actor: Actor, journey: Journey) -> Journey:
    _check_owned(actor, journey)
    if journey.archived_at is not None:
        journey.archived_at = None
        journey.save(update_fields=["archived_at", "updated_at"])
        record(actor=actor, action="journey.restore", obj=journey)
    return journey


# Stages --------------------------------------------------------------------------


@transaction.atomic
def add_stage(*, actor: Actor, journey: Journey, name: str, description: str = "") -> Stage:
    """A new stage at the end of the journey."""
    _check_owned(actor, journey)
    active = _lock_stages(journey)
    errors = Errors()
    if len(active) >= settings.KAIKU_MAX_STAGES:
        errors.add("__all__", _("At most %(n)d stages.") % {"n": settings.KAIKU_MAX_STAGES})
    stage = Stage(
        journey=journey, name=name.strip(), description=description, position=len(active) + 1
    )
    errors.check_model(stage, "")
    errors.raise_if_any()
    stage.save()
    journey.save(update_fields=["updated_at"])
    record(actor=actor, action="stage.create", obj=stage, after=snapshot(stage))
    return stage


@transaction.atomic
def update_stage(*, actor: Actor, stage: Stage, name: str, description: str = "") -> Stage:
    _check_owned(actor, stage.journey)
    before = snapshot(stage)
    stage.name, stage.description = name.strip(), description
    errors = Errors()
    errors.check_model(stage, "")
    errors.raise_if_any()
    stage.save()
    record(actor=actor, action="stage.update", obj=stage, before=before, after=snapshot(stage))
    return stage


@transaction.atomic
def reorder_stages(*, actor: Actor, journey: Journey, stage_ids: Sequence[int]) -> list[Stage]:
    """Put the journey's active stages in the given order (every one, each once)."""
    _check_owned(actor, journey)
    active = _lock_stages(journey)
    _check_permutation([s.pk for s in active], stage_ids, "stage_ids")
    by_id = {s.pk: s for s in active}
    ordered = [by_id[i] for i in stage_ids]
    before = {"order": [s.pk for s in active]}
    _renumber(Stage, ordered)
    record(
        actor=actor,
        action="stage.reorder",
        obj=journey,
        before=before,
        after={"order": list(stage_ids)},
    )
    return ordered


def move_stage(*, actor: Actor, stage: Stage, offset: int) -> list[Stage]:
    """Move a stage `offset` places left (negative) or right, within the journey."""
    ids = [s.pk for s in Stage.objects.active().filter(journey=stage.journey)]
    return reorder_stages(
        actor=actor, journey=stage.journey, stage_ids=_moved(ids, stage.pk, offset)
    )


@transaction.atomic
def archive_stage(*, actor: Actor, stage: Stage) -> Stage:
    _check_owned(actor, stage.journey)
    if stage.archived_at is None:
        remaining = [s for s in _lock_stages(stage.journey) if s.pk != stage.pk]
        stage.archived_at, stage.position = timezone.now(), None
        stage.save(update_fields=["archived_at", "position"])
        _renumber(Stage, remaining)
        record(actor=actor, action="stage.archive", obj=stage)
    return stage


@transaction.atomic
def restore_stage(*, actor: Actor, stage: Stage) -> Stage:
    _check_owned(actor, stage.journey)
    if stage.archived_at is not None:
        active = _lock_stages(stage.journey)
        stage.archived_at, stage.position = None, len(active) + 1
        stage.save(update_fields=["archived_at", "position"])
        record(actor=actor, action="stage.restore", obj=stage)
    return stage


def _lock_stages(journey: Journey) -> list[Stage]:
    # Locking the parent row serialises concurrent changes on PostgreSQL even when
    # there are no stages yet to lock; SQLite's IMMEDIATE transactions already do.
    Journey.objects.select_for_update().filter(pk=journey.pk).first()
    return list(
        Stage.objects.active().filter(journey=journey).select_for_update().order_by("position")
    )


# Touchpoints ---------------------------------------------------------------------


@transaction.atomic
def add_touchpoint(
    *,
    actor: Actor,
    stage: Stage,
    name: str,
    channel: str,
    layer: str,
    description: str = "",
    owner_team_id: int | None = None,
) -> Touchpoint:
    """A new touchpoint at the end of its stage."""
    _check_stage(actor, stage, "stage_id")
    errors = Errors()
    siblings = _lock_touchpoints(stage)
    limit = settings.KAIKU_MAX_TOUCHPOINTS_PER_STAGE
    if len(siblings) >= limit:
        errors.add("__all__", _("At most %(n)d touchpoints.") % {"n": limit})
    touchpoint = Touchpoint(
        stage=stage,
        name=name.strip(),
        description=description,
        channel=channel,
        layer=layer,
        owner_team=_team(actor, owner_team_id, "owner_team_id", errors),
        position=len(siblings) + 1,
    )
    errors.check_model(touchpoint, "")
    errors.raise_if_any()
    touchpoint.save()
    record(actor=actor, action="touchpoint.create", obj=touchpoint, after=snapshot(touchpoint))
    return touchpoint


@transaction.atomic
def update_touchpoint(
    *,
    actor: Actor,
    touchpoint: Touchpoint,
    name: str,
    channel: str,
    layer: str,
    description: str = "",
    owner_team_id: int | None = None,
    stage_id: int | None = None,
) -> Touchpoint:
    """Change a touchpoint; a new `stage_id` (any journey of the organisation) moves it to
    that stage's end."""
    _check_stage(actor, touchpoint.stage, "stage_id")
    errors = Errors()
    before = snapshot(touchpoint)
    touchpoint.name, touchpoint.description = name.strip(), description
    touchpoint.channel, touchpoint.layer = channel, layer
    touchpoint.owner_team = _team(actor, owner_team_id, "owner_team_id", errors)
    old_stage = touchpoint.stage
    moving = stage_id is not None and stage_id != old_stage.pk
    if moving:
        stage = (
            Stage.objects.active()
            .filter(journey__organisation=actor.organisation, pk=stage_id)
            .first()
        )
        if stage is None:
            raise ValidationError({"stage_id": _("No such stage in this organisation.")})
        touchpoint.stage = stage
        touchpoint.position = len(_lock_touchpoints(stage)) + 1
    errors.check_model(touchpoint, "")
    errors.raise_if_any()
    touchpoint.save()
    if moving:
        _renumber(Touchpoint, [t for t in _lock_touchpoints(old_stage) if t.pk != touchpoint.pk])
    record(
        actor=actor,
        action="touchpoint.update",
        obj=touchpoint,
        before=before,
        after=snapshot(touchpoint),
    )
    return touchpoint


@transaction.atomic
def reorder_touchpoints(
    *, actor: Actor, stage: Stage, touchpoint_ids: Sequence[int]
) -> list[Touchpoint]:
    _check_stage(actor, stage, "stage_id")
    active = _lock_touchpoints(stage)
    _check_permutation([t.pk for t in active], touchpoint_ids, "touchpoint_ids")
    by_id = {t.pk: t for t in active}
    ordered = [by_id[i] for i in touchpoint_ids]
    before = {"order": [t.pk for t in active]}
    _renumber(Touchpoint, ordered)
    record(
        actor=actor,
        action="touchpoint.reorder",
        obj=stage,
        before=before,
        after={"order": list(touchpoint_ids)},
    )
    return ordered


def move_touchpoint(*, actor: Actor, touchpoint: Touchpoint, offset: int) -> list[Touchpoint]:
    """Move a touchpoint `offset` places earlier (negative) or later within its stage."""
    ids = [t.pk for t in Touchpoint.objects.active().filter(stage=touchpoint.stage)]
    return reorder_touchpoints(
        actor=actor, stage=touchpoint.stage, touchpoint_ids=_moved(ids, touchpoint.pk, offset)
    )


@transaction.atomic
def archive_touchpoint(*, actor: Actor, touchpoint: Touchpoint) -> Touchpoint:
    _check_stage(actor, touchpoint.stage, "stage_id")
    if touchpoint.archived_at is None:
        remaining = [t for t in _lock_touchpoints(touchpoint.stage) if t.pk != touchpoint.pk]
        touchpoint.archived_at, touchpoint.position = timezone.now(), None
        touchpoint.save(update_fields=["archived_at", "position"])
        _renumber(Touchpoint, remaining)
        record(actor=actor, action="touchpoint.archive", obj=touchpoint)
    return touchpoint


@transaction.atomic
def restore_touchpoint(*, actor: Actor, touchpoint: Touchpoint) -> Touchpoint:
    _check_stage(actor, touchpoint.stage, "stage_id")
    if touchpoint.archived_at is not None:
        touchpoint.archived_at = None
        touchpoint.position = len(_lock_touchpoints(touchpoint.stage)) + 1
        touchpoint.save(update_fields=["archived_at", "position"])
        record(actor=actor, action="touchpoint.restore", obj=touchpoint)
    return touchpoint


def _check_stage(actor: Actor, stage: Stage, path: str) -> None:
    if stage.journey.organisation_id != actor.organisation.pk:
        raise ValidationError({path: _("No such stage in this organisation.")})


def _lock_touchpoints(stage: Stage) -> list[Touchpoint]:
    Stage.objects.select_for_update().filter(pk=stage.pk).first()
    return list(
        Touchpoint.objects.active().filter(stage=stage).select_for_update().order_by("position")
    )


# Ordering helpers ----------------------------------------------------------------


def _check_permutation(current: Sequence[int], given: Sequence[int], path: str) -> None:
    if len(given) != len(set(given)):
        raise ValidationError({path: _("An item is listed twice.")})
    if set(given) != set(current):
        raise ValidationError({path: _("List every active item exactly once.")})


def _moved(ids: list[int], item: int, offset: int) -> list[int]:
    index = ids.index(item)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    return ids


def _renumber(model: Any, ordered: Sequence[Any]) -> None:
    # Clear positions first so that the unique (parent, position) constraint holds at
    # every step, on databases without deferrable constraints too.
    model.objects.filter(pk__in=[o.pk for o in ordered]).update(position=None)
    for number, obj in enumerate(ordered, start=1):
        obj.position = number
    model.objects.bulk_update(ordered, ["position"])


# Segments ------------------------------------------------------------------------


@transaction.atomic
def create_segment(*, actor: Actor, name: str, description: str = "") -> Segment:
    segment = Segment(organisation=actor.organisation, name=name.strip(), description=description)
    _check_segment(segment)
    segment.save()
    record(actor=actor, action="segment.create", obj=segment, after=snapshot(segment))
    return segment


@transaction.atomic
def update_segment(*, actor: Actor, segment: Segment, name: str, description: str = "") -> Segment:
    before = snapshot(segment)
    segment.name, segment.description = name.strip(), description
    _check_segment(segment)
    segment.save()
    record(
        actor=actor, action="segment.update", obj=segment, before=before, after=snapshot(segment)
    )
    return segment


@transaction.atomic
def archive_segment(*, actor: Actor, segment: Segment) -> Segment:
    if segment.archived_at is None:
        segment.archived_at = timezone.now()
        segment.save(update_fields=["archived_at"])
        record(actor=actor, action="segment.archive", obj=segment)
    return segment


@transaction.atomic
def restore_segment(*, actor: Actor, segment: Segment) -> Segment:
    if segment.archived_at is not None:
        segment.archived_at = None
        segment.save(update_fields=["archived_at"])
        record(actor=actor, action="segment.restore", obj=segment)
    return segment


def _check_segment(segment: Segment) -> None:
    errors = Errors()
    errors.check_model(segment, "")
    clash = Segment.objects.filter(organisation=segment.organisation, name=segment.name)
    if clash.exclude(pk=segment.pk).exists():
        errors.add("name", _("A segment with this name exists already."))
    errors.raise_if_any()


# Import and export ---------------------------------------------------------------


def import_journey(*, actor: Actor, document: Any) -> Journey:
    """A journey from an exported JSON document; owner teams are matched by name and
    created when missing. The whole document is checked before anything is saved."""
    journey_data = _unwrap_document(document)
    with transaction.atomic():
        teams = {t.name: t for t in Team.objects.filter(organisation=actor.organisation)}
        stages = []
        for stage in journey_data.get("stages") or []:
            touchpoints = []
            for tp in stage.get("touchpoints") or []:
                team_name = (tp.get("owner_team") or "").strip()
                if team_name and team_name not in teams:
                    teams[team_name] = create_team(actor=actor, name=team_name)
                touchpoints.append(
                    TouchpointSpec(
                        name=str(tp.get("name") or ""),
                        description=str(tp.get("description") or ""),
                        channel=str(tp.get("channel") or ""),
                        layer=str(tp.get("layer") or ""),
                        owner_team_id=teams[team_name].pk if team_name else None,
                        position=tp.get("position"),
                    )
                )
            stages.append(
                StageSpec(
                    name=str(stage.get("name") or ""),
                    description=str(stage.get("description") or ""),
                    position=stage.get("position"),
                    touchpoints=touchpoints,
                )
            )
        return create_journey(
            actor=actor,
            name=str(journey_data.get("name") or ""),
            description=str(journey_data.get("description") or ""),
            stages=stages,
        )


def _unwrap_document(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise ValidationError({"document": _("The file is not a Kaiku journey document.")})
    if document.get("format") != DOCUMENT_FORMAT:
        raise ValidationError({"format": _("Expected format %(f)s.") % {"f": DOCUMENT_FORMAT}})
    if document.get("version") != DOCUMENT_VERSION:
        raise ValidationError(
            {"version": _("Unsupported version %(v)s.") % {"v": document.get("version")}}
        )
    journey = document.get("journey")
    if not isinstance(journey, dict) or not isinstance(journey.get("stages", []), list):
        raise ValidationError({"journey": _("The document has no journey.")})
    for i, stage in enumerate(journey.get("stages", [])):
        if not isinstance(stage, dict) or not isinstance(stage.get("touchpoints", []), list):
            raise ValidationError({f"journey.stages.{i}": _("A stage must be an object.")})
        for j, tp in enumerate(stage.get("touchpoints", [])):
            if not isinstance(tp, dict):
                raise ValidationError(
                    {f"journey.stages.{i}.touchpoints.{j}": _("A touchpoint must be an object.")}
                )
    return journey


@transaction.atomic
def request_journey_export(*, actor: Actor, journey: Journey) -> JourneyExport:
    """Queue a background export of the journey; the task runs after commit."""
    from kaiku.journeys.tasks import build_journey_export_task

    _check_owned(actor, journey)
    export = JourneyExport.objects.create(
        organisation=actor.organisation, journey=journey, requested_by=actor.user
    )
    record(actor=actor, action="journey.export", obj=journey)
    send_after_commit(build_journey_export_task, export.pk)
    return export


@transaction.atomic
def build_journey_export(*, export_id: int) -> JourneyExport:
    """Write the export's document; running it again on a finished export does nothing."""
    export = JourneyExport.objects.select_for_update().select_related("journey").get(pk=export_id)
    if export.status == ExportStatus.DONE:
        return export
    export.document = journey_document(export.journey)
    export.status = ExportStatus.DONE
    export.finished_at = timezone.now()
    export.save(update_fields=["document", "status", "finished_at"])
    return export
