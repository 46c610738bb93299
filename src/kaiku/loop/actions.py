"""Improvement actions (the outer loop): making and changing them, and measuring
whether the feedback at their touchpoints changed once they were done.

The effect compares the `window_days` after the day the action was done with as
many days before it, from the dashboards' rollups: mean valence, NPS and the
negative share, each with its difference, 95% interval and p-value. It says what
changed alongside the action, not that the action caused it; the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaiku.analytics.comparisons import CompareRow, compare_touchpoints
from kaiku.analytics.selectors import Filters
from kaiku.audit.services import record
from kaiku.journeys.models import Touchpoint
from kaiku.loop.models import Action, ActionState, Case
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Membership, Organisation, Team

FIELDS = ("title", "problem", "themes", "owner", "team", "state", "due_date", "window_days")


def _check(actor: Actor, fields: dict[str, Any], touchpoints: list[Touchpoint]) -> None:
    errors: dict[str, list[str]] = {}
    if not (fields.get("title") or "").strip():
        errors["title"] = [_("Give the action a title.")]
    if fields.get("state", ActionState.PLANNED) not in ActionState.values:
        errors["state"] = [_("Unknown state.")]
    owner: User | None = fields.get("owner")
    if (
        owner is not None
        and not Membership.objects.filter(organisation=actor.organisation, user=owner).exists()
    ):
        errors["owner"] = [_("Choose a member of this organisation.")]
    team: Team | None = fields.get("team")
    if team is not None and team.organisation_id != actor.organisation.pk:
        errors["team"] = [_("No such team.")]
    if any(t.stage.journey.organisation_id != actor.organisation.pk for t in touchpoints):
        errors["touchpoints"] = [_("No such touchpoint.")]
    window = fields.get("window_days", 30)
    if not isinstance(window, int) or not 7 <= window <= 365:
        errors["window_days"] = [_("Between 7 and 365 days.")]
    themes = fields.get("themes", [])
    if not isinstance(themes, list) or not all(isinstance(t, str) and t for t in themes):
        errors["themes"] = [_("Give theme keys.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_action(
    *,
    actor: Actor,
    action: Action | None = None,
    touchpoints: list[Touchpoint] | None = None,
    case: Case | None = None,
    **fields: Any,
) -> Action:
    """Create an action (by hand, from a pain point, from a case) or change one. Done
    today unless a `done_on` is given when it becomes done."""
    chosen = touchpoints if touchpoints is not None else (
        list(action.touchpoints.all()) if action else []
    )  # fmt: skip
    _check(actor, fields, chosen)
    before = None
    if action is None:
        action = Action(organisation=actor.organisation, created_by=actor.user, case=case)
    else:
        before = {f: str(getattr(action, f)) for f in FIELDS}
    was_done = action.state == ActionState.DONE
    for name in FIELDS:
        if name in fields:
            setattr(action, name, fields[name])
    action.title = action.title.strip()[:300]
    if action.state == ActionState.DONE and not was_done:
        action.done_on = fields.get("done_on") or timezone.localdate()
    elif action.state != ActionState.DONE:
        action.done_on = None
    action.save()
    if touchpoints is not None:
        action.touchpoints.set(touchpoints)
    record(
        actor=actor,
        action="improvement_action.save",
        obj=action,
        before=before,
        after={f: str(getattr(action, f)) for f in FIELDS},
    )
    return action


def actions(organisation: Organisation) -> QuerySet[Action]:
    return (
        Action.objects.filter(organisation=organisation)
        .select_related("owner", "team")
        .prefetch_related("touchpoints__stage__journey")
    )


@dataclass
class Effect:
    before: tuple[date, date]
    after: tuple[date, date] | None  # None until the action is done
    row: CompareRow  # after against before (a minus b)
    complete: bool  # the after window has fully passed


def effect(action: Action, today: date | None = None) -> Effect | None:
    """How the touchpoints' feedback changed after the action was done; before it is
    done, the baseline of the last window_days. None without touchpoints."""
    touchpoint_ids = [t.pk for t in action.touchpoints.all()]
    if not touchpoint_ids:
        return None
    today = today or timezone.localdate()
    window = timedelta(days=action.window_days)
    if action.done_on is None:
        before = (today - window + timedelta(days=1), today)
        baseline = Filters(start=before[0], end=before[1])
        row = compare_touchpoints(action.organisation, touchpoint_ids, baseline, baseline)
        return Effect(before=before, after=None, row=row, complete=False)
    before = (action.done_on - window, action.done_on - timedelta(days=1))
    after = (action.done_on, min(today, action.done_on + window - timedelta(days=1)))
    row = compare_touchpoints(
        action.organisation,
        touchpoint_ids,
        Filters(start=after[0], end=after[1]),
        Filters(start=before[0], end=before[1]),
    )
    return Effect(before=before, after=after, row=row, complete=today >= action.done_on + window)


def actions_by_touchpoint(organisation: Organisation, journey_id: int) -> dict[int, list[Action]]:
    """The actions on each touchpoint of a journey, for the emotion map."""
    found: dict[int, list[Action]] = {}
    chosen = actions(organisation).filter(touchpoints__stage__journey_id=journey_id).distinct()
    for action in chosen.exclude(state=ActionState.CANCELLED):
        for touchpoint in action.touchpoints.all():
            found.setdefault(touchpoint.pk, []).append(action)
    return found
