"""JSON API for the dashboards: the journey emotion map."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema

from kaiku.analytics import selectors
from kaiku.analytics.views import catch_up
from kaiku.organisations.models import Role
from kaiku.organisations.permissions import OrgAccess, actor_of

router = Router(tags=["analytics"])


class MapFilter(Schema):
    start: date | None = None
    end: date | None = None
    segment: int | None = None
    channel: str = ""
    team: int | None = None
    language: str = ""


@router.get("/journeys/{journey_id}/emotion-map", auth=OrgAccess(Role.VIEWER, write=False))
def emotion_map(request: HttpRequest, journey_id: int, filters: Query[MapFilter]) -> Any:
    """Per stage and touchpoint: n, mean valence with its 95% interval, the negative
    share, NPS and the other scores, the emotion mix, top themes with a redacted
    example, and a weekly trend. Below the minimum n only n is given."""
    if filters.start and filters.end and filters.start > filters.end:
        raise ValidationError({"end": ["The end comes before the start."]})
    catch_up()
    found = selectors.journey_map(
        actor_of(request).organisation,
        journey_id,
        selectors.Filters(
            start=filters.start,
            end=filters.end,
            segment_id=filters.segment,
            channel=filters.channel,
            team_id=filters.team,
            language=filters.language,
        ),
        language=request.GET.get("lang", "fi"),
    )
    return {
        "journey": {"id": found.journey.pk, "name": found.journey.name},
        "min_n": found.min_n,
        "total": found.total.as_dict(),
        "unattributed": found.unattributed.as_dict(),
        "stages": [
            {
                "id": column.stage.pk,
                "name": column.stage.name,
                "position": column.stage.position,
                "summary": column.summary.as_dict(),
                "curve": column.curve.as_dict(),
                "touchpoints": [
                    {
                        "id": row.touchpoint.pk,
                        "name": row.touchpoint.name,
                        "layer": row.touchpoint.layer,
                        "channel": row.touchpoint.channel,
                        "summary": row.summary.as_dict(),
                    }
                    for row in column.touchpoints
                ],
            }
            for column in found.stages
        ],
    }
