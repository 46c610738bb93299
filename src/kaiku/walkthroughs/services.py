"""Writes for walkthroughs: planning and changing them, their status, recording and
deleting observations, and starting an improvement action from one.

Who may record: the walkers assigned to a walkthrough, whatever their role, and
analysts and above. Views and the API let members in by role; the assignment is
checked here, so every caller (web, API, CLI, demo) gets the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import IO, Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from kaiku.audit.services import record, snapshot
from kaiku.core.validation import Errors
from kaiku.journeys.models import Journey, Touchpoint
from kaiku.loop.actions import save_action
from kaiku.loop.models import Action
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Membership, Role
from kaiku.surveys.models import CURVE_RANGE, Emotion
from kaiku.walkthroughs.models import (
    NOTE_MAX,
    Observation,
    ObservationCategory,
    Severity,
    Walkthrough,
    WalkthroughStatus,
)
from kaiku.walkthroughs.photos import clean_photo

FIELDS = ["title", "planned_for", "status", "instructions", "journey", "walkers"]
ACTION_TITLE_MAX = 120


def _check_owned(actor: Actor, walkthrough: Walkthrough) -> None:
    # Views and the API look objects up within the organisation already; this guards
    # every other caller against crossing tenants.
    if walkthrough.organisation_id != actor.organisation.pk:
        raise ValidationError({"walkthrough": _("No such walkthrough in this organisation.")})


def _require(actor: Actor, role: Role) -> None:
    if not actor.role.at_least(role):
        raise PermissionDenied(_("Your role does not allow this."))


def is_walker(actor: Actor, walkthrough: Walkthrough) -> bool:
    return actor.user is not None and walkthrough.walkers.filter(pk=actor.user.pk).exists()


def may_record(actor: Actor, walkthrough: Walkthrough) -> bool:
    """An assigned walker, whatever their role, or an analyst and above."""
    return actor.role.at_least(Role.ANALYST) or is_walker(actor, walkthrough)


def may_delete(actor: Actor, observation: Observation) -> bool:
    """Its author, or an analyst and above."""
    if actor.role.at_least(Role.ANALYST):
        return True
    return actor.user is not None and observation.created_by_id == actor.user.pk


# Walkthroughs --------------------------------------------------------------------


def _check_walkthrough(
    actor: Actor, walkthrough: Walkthrough, walkers: list[User], errors: Errors
) -> None:
    errors.check_model(walkthrough, "", exclude=["organisation", "journey", "created_by"])
    if not walkthrough.title:
        errors.add("title", _("Give the walkthrough a title."))
    if walkthrough.journey.organisation_id != actor.organisation.pk:
        errors.add("journey", _("No such journey in this organisation."))
    elif walkthrough.journey.archived_at is not None:
        errors.add("journey", _("This journey is archived; choose an active one."))
    members = set(
        Membership.objects.filter(
            organisation=actor.organisation, user__in=[w.pk for w in walkers]
        ).values_list("user_id", flat=True)
    )
    if any(w.pk not in members for w in walkers):
        errors.add("walkers", _("Choose walkers among the members of this organisation."))


def _snapshot(walkthrough: Walkthrough) -> dict[str, Any]:
    found = snapshot(walkthrough, [f for f in FIELDS if f != "walkers"])
    found["walkers"] = sorted(walkthrough.walkers.values_list("pk", flat=True))
    return found


@transaction.atomic
def plan_walkthrough(
    *,
    actor: Actor,
    journey: Journey,
    title: str,
    planned_for: date,
    walkers: Iterable[User] = (),
    instructions: str = "",
) -> Walkthrough:
    """A walkthrough of `journey` on `planned_for`, walked by `walkers`."""
    _require(actor, Role.ANALYST)
    chosen = list(walkers)
    walkthrough = Walkthrough(
        organisation=actor.organisation,
        journey=journey,
        title=(title or "").strip(),
        planned_for=planned_for,
        instructions=(instructions or "").strip(),
        created_by=actor.user,
    )
    errors = Errors()
    _check_walkthrough(actor, walkthrough, chosen, errors)
    errors.raise_if_any()
    walkthrough.save()
    walkthrough.walkers.set(chosen)
    record(actor=actor, action="walkthrough.plan", obj=walkthrough, after=_snapshot(walkthrough))
    return walkthrough


@transaction.atomic
def update_walkthrough(
    *,
    actor: Actor,
    walkthrough: Walkthrough,
    title: str,
    planned_for: date,
    walkers: Iterable[User],
    instructions: str = "",
) -> Walkthrough:
    """Change a walkthrough; its journey stays (its observations hang on its touchpoints)."""
    _require(actor, Role.ANALYST)
    _check_owned(actor, walkthrough)
    before = _snapshot(walkthrough)
    chosen = list(walkers)
    walkthrough.title = (title or "").strip()
    walkthrough.planned_for = planned_for
    walkthrough.instructions = (instructions or "").strip()
    errors = Errors()
    _check_walkthrough(actor, walkthrough, chosen, errors)
    errors.raise_if_any()
    walkthrough.save()
    walkthrough.walkers.set(chosen)
    record(
        actor=actor,
        action="walkthrough.update",
        obj=walkthrough,
        before=before,
        after=_snapshot(walkthrough),
    )
    return walkthrough


@transaction.atomic
def set_status(*, actor: Actor, walkthrough: Walkthrough, status: str) -> Walkthrough:
    """Planned, in progress or done; done records when. Analysts decide it (the first
    observation puts a planned walkthrough in progress by itself)."""
    _require(actor, Role.ANALYST)
    _check_owned(actor, walkthrough)
    if status not in WalkthroughStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    walkthrough = Walkthrough.objects.select_for_update().get(pk=walkthrough.pk)
    before = walkthrough.status
    walkthrough.status = status
    walkthrough.finished_at = timezone.now() if status == WalkthroughStatus.DONE else None
    walkthrough.save(update_fields=["status", "finished_at"])
    record(
        actor=actor,
        action="walkthrough.status",
        obj=walkthrough,
        before={"status": before},
        after={"status": status},
    )
    return walkthrough


# Observations --------------------------------------------------------------------


def _check_observation(
    walkthrough: Walkthrough,
    touchpoint: Touchpoint | None,
    fields: dict[str, Any],
    errors: Errors,
) -> None:
    if walkthrough.status == WalkthroughStatus.DONE:
        errors.add("__all__", _("This walkthrough is done; an analyst can reopen it."))
    if touchpoint is None:
        errors.add("touchpoint", _("Choose the touchpoint where you saw it."))
    elif touchpoint.stage.journey_id != walkthrough.journey_id:
        errors.add("touchpoint", _("This touchpoint is not on the walkthrough's service path."))
    elif touchpoint.archived_at is not None or touchpoint.stage.archived_at is not None:
        errors.add("touchpoint", _("This touchpoint is archived."))
    if fields["category"] not in ObservationCategory.values:
        errors.add("category", _("Choose what kind of thing you saw."))
    note = fields["note"]
    if not note:
        errors.add("note", _("Write what you saw."))
    elif len(note) > NOTE_MAX:
        errors.add("note", _("At most %(n)d characters.") % {"n": NOTE_MAX})
    low, high = CURVE_RANGE
    if not isinstance(fields["feeling"], int) or not low <= fields["feeling"] <= high:
        errors.add("feeling", _("Choose how it felt, from −3 to +3."))
    if fields["severity"] not in Severity.values:
        errors.add("severity", _("Choose how serious it is."))
    if fields["emotion"] and fields["emotion"] not in Emotion.values:
        errors.add("emotion", _("Unknown emotion."))


def add_observation(
    *,
    actor: Actor,
    walkthrough: Walkthrough,
    touchpoint: Touchpoint | None,
    category: str,
    note: str,
    feeling: int | None,
    severity: int | None,
    emotion: str = "",
    photo: IO[bytes] | None = None,
) -> Observation:
    """Record what a walker saw at a touchpoint, with an optional photo (checked and
    re-encoded without its metadata before the transaction, so that decoding a large
    photo holds no database lock)."""
    _check_owned(actor, walkthrough)
    if not may_record(actor, walkthrough):
        raise PermissionDenied(
            _("Only the walkthrough's walkers and analysts can record observations.")
        )
    fields: dict[str, Any] = {
        "category": category or "",
        "note": (note or "").strip(),
        "feeling": feeling,
        "severity": severity,
        "emotion": emotion or "",
    }
    errors = Errors()
    _check_observation(walkthrough, touchpoint, fields, errors)
    cleaned = None
    if photo is not None:
        try:
            cleaned = clean_photo(photo)
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("photo", message)
    errors.raise_if_any()
    assert touchpoint is not None
    observation = Observation(
        walkthrough=walkthrough, touchpoint=touchpoint, created_by=actor.user, **fields
    )
    if cleaned is not None:
        observation.photo.save(cleaned.content.name or "photo.jpg", cleaned.content, save=False)
        observation.photo_width, observation.photo_height = cleaned.width, cleaned.height
    try:
        with transaction.atomic():
            observation.save()
            if walkthrough.status == WalkthroughStatus.PLANNED:
                # The first observation means the walk has begun.
                Walkthrough.objects.filter(
                    pk=walkthrough.pk, status=WalkthroughStatus.PLANNED
                ).update(status=WalkthroughStatus.IN_PROGRESS)
                walkthrough.status = WalkthroughStatus.IN_PROGRESS
            record(
                actor=actor,
                action="walkthrough.observation.add",
                obj=observation,
                after={
                    **snapshot(observation, ["touchpoint", "category", "feeling", "severity"]),
                    "walkthrough": walkthrough.pk,
                    "photo": bool(observation.photo),
                },
            )
    except BaseException:
        # The photo was written before the transaction; it must not outlive it.
        if observation.photo:
            observation.photo.delete(save=False)
        raise
    return observation


@transaction.atomic
def delete_observation(*, actor: Actor, observation: Observation) -> None:
    """Delete an observation (its author, or an analyst and above) and, once that is
    committed, its photo."""
    _check_owned(actor, observation.walkthrough)
    if not may_delete(actor, observation):
        raise ValidationError(_("Only its author or an analyst can delete an observation."))
    before = {
        **snapshot(observation, ["touchpoint", "category", "feeling", "severity", "note"]),
        "walkthrough": observation.walkthrough_id,
    }
    record(actor=actor, action="walkthrough.observation.delete", obj=observation, before=before)
    photo = observation.photo
    storage, name = photo.storage, photo.name
    observation.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def start_action(*, actor: Actor, observation: Observation) -> Action:
    """An improvement action on the observation's touchpoint, titled from what was
    seen; the observation links to it. Asked again, the same action."""
    _require(actor, Role.ANALYST)
    _check_owned(actor, observation.walkthrough)
    observation = (
        # Only the observation's own row: PostgreSQL refuses FOR UPDATE on the nullable
        # side of an outer join (the action).
        Observation.objects.select_for_update(of=("self",))
        .select_related("walkthrough", "touchpoint__stage__journey", "action")
        .get(pk=observation.pk)
    )
    if observation.action is not None:
        return observation.action
    first_line = observation.note.strip().splitlines()[0] if observation.note.strip() else ""
    title = Truncator(first_line or observation.get_category_display()).chars(ACTION_TITLE_MAX)
    walkthrough = observation.walkthrough
    problem = "\n\n".join(
        [
            observation.note,
            _("Seen on the walkthrough “%(title)s” (%(date)s): %(category)s, %(severity)s.")
            % {
                "title": walkthrough.title,
                "date": dateformat.format(walkthrough.planned_for, "j.n.Y"),
                "category": observation.get_category_display(),
                "severity": observation.get_severity_display(),
            },
        ]
    )
    action = save_action(
        actor=actor, title=title, problem=problem[:4000], touchpoints=[observation.touchpoint]
    )
    observation.action = action
    observation.save(update_fields=["action"])
    record(
        actor=actor,
        action="walkthrough.observation.start_action",
        obj=observation,
        after={"action": action.pk},
    )
    return action
