"""JSON API for walkthroughs: read them with their observations, fetch an
observation's photo, and record an observation (multipart, with an optional photo).

An API key acts as the organisation, not as a person: it is nobody's walker, so
recording takes a write key (analyst level), like every other API write. Walkers
record with the web form, signed in as themselves.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from kaiku.core.schemas import OFFSET_MAX, Id
from kaiku.journeys.models import Touchpoint
from kaiku.organisations.permissions import actor_of, api_editor, api_reader
from kaiku.walkthroughs import photos, selectors, services
from kaiku.walkthroughs.models import Observation, Walkthrough

router = Router(tags=["walkthroughs"])


class WalkthroughOut(Schema):
    id: int
    journey_id: int
    title: str
    planned_for: date
    status: str
    walker_ids: list[int]
    instructions: str
    observation_count: int
    created_at: datetime
    finished_at: datetime | None


class ObservationOut(Schema):
    id: int
    walkthrough_id: int
    touchpoint_id: int
    stage_id: int
    category: str
    note: str
    feeling: int
    emotion: str
    severity: int
    photo_url: str | None
    photo_width: int | None
    photo_height: int | None
    created_by_id: int | None
    created_at: datetime
    action_id: int | None


class WalkthroughDetailOut(WalkthroughOut):
    observations: list[ObservationOut]


class ObservationIn(Schema):
    """Form fields; all are checked by the service (so that an unknown walkthrough
    answers 404 before any field answers 422)."""

    touchpoint_id: Id | None = None
    category: str = ""
    note: str = ""
    feeling: int | None = None
    severity: int | None = None
    emotion: str = ""


def _walkthrough(walk: Walkthrough) -> dict[str, Any]:
    count = getattr(walk, "observation_count", None)  # annotated by the selectors
    return {
        "id": walk.pk,
        "journey_id": walk.journey_id,
        "title": walk.title,
        "planned_for": walk.planned_for,
        "status": walk.status,
        "walker_ids": sorted(w.pk for w in walk.walkers.all()),
        "instructions": walk.instructions,
        "observation_count": walk.observations.count() if count is None else count,
        "created_at": walk.created_at,
        "finished_at": walk.finished_at,
    }


def _observation(request: HttpRequest, item: Observation) -> dict[str, Any]:
    photo_url = None
    if item.photo:
        path = reverse("api:observation_photo", kwargs={"observation_id": item.pk})
        photo_url = request.build_absolute_uri(path)
    return {
        "id": item.pk,
        "walkthrough_id": item.walkthrough_id,
        "touchpoint_id": item.touchpoint_id,
        "stage_id": item.touchpoint.stage_id,
        "category": item.category,
        "note": item.note,
        "feeling": item.feeling,
        "emotion": item.emotion,
        "severity": item.severity,
        "photo_url": photo_url,
        "photo_width": item.photo_width,
        "photo_height": item.photo_height,
        "created_by_id": item.created_by_id,
        "created_at": item.created_at,
        "action_id": item.action_id,
    }


@router.get("/walkthroughs", response=list[WalkthroughOut], auth=api_reader())
def list_walkthroughs(
    request: HttpRequest, limit: int = 100, offset: int = Query(0, ge=0, le=OFFSET_MAX)
) -> Any:
    """Walkthroughs, the latest planned first."""
    limit = max(1, min(limit, 500))
    found = selectors.walkthroughs(actor_of(request).organisation)[offset : offset + limit]
    return [_walkthrough(w) for w in found]


@router.get("/walkthroughs/{walkthrough_id}", response=WalkthroughDetailOut, auth=api_reader())
def get_walkthrough(request: HttpRequest, walkthrough_id: int) -> Any:
    """A walkthrough with its observations in walking order; `photo_url` is the
    authenticated address of the photo (the same key or session opens it), or null."""
    detail = selectors.walkthrough_detail(actor_of(request).organisation, walkthrough_id)
    items = [o for s in detail.stages for t in s.touchpoints for o in t.observations]
    return {
        **_walkthrough(detail.walkthrough),
        "observations": [_observation(request, o) for o in items],
    }


@router.post(
    "/walkthroughs/{walkthrough_id}/observations",
    response={201: ObservationOut},
    auth=api_editor(),
)
def create_observation(
    request: HttpRequest,
    walkthrough_id: int,
    data: Form[ObservationIn],
    photo: UploadedFile | None = File(None),
) -> Any:
    """Record an observation (multipart/form-data): `touchpoint_id` (on the
    walkthrough's journey), `category`, `note`, `feeling` −3…3, `severity` 1…3,
    optional `emotion` and `photo` (JPEG, PNG or WebP; re-encoded without metadata)."""
    actor = actor_of(request)
    walk = selectors.walkthrough(actor.organisation, walkthrough_id)  # 404 before 422
    touchpoint = None
    if data.touchpoint_id is not None:
        touchpoint = (
            Touchpoint.objects.filter(
                stage__journey__organisation=actor.organisation, pk=data.touchpoint_id
            )
            .select_related("stage")
            .first()
        )
        if touchpoint is None:
            raise ValidationError({"touchpoint": [_("No such touchpoint.")]})
    item = services.add_observation(
        actor=actor,
        walkthrough=walk,
        touchpoint=touchpoint,
        category=data.category,
        note=data.note,
        feeling=data.feeling,
        severity=data.severity,
        emotion=data.emotion,
        photo=photo,
    )
    return Status(201, _observation(request, item))


@router.get(
    "/observations/{observation_id}/photo",
    auth=api_reader(),
    url_name="observation_photo",
    openapi_extra={
        "responses": {
            "200": {"description": "The photo", "content": {"image/jpeg": {}, "image/png": {}}}
        }
    },
)
def observation_photo(request: HttpRequest, observation_id: int) -> Any:
    """An observation's photo (JPEG, or PNG where it has transparency); 404 without one."""
    item = selectors.observation(actor_of(request).organisation, observation_id)
    return photos.photo_response(item.photo)
