"""Walkthrough services: who may record, what is checked, and the way from an
observation to an improvement action."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError

from kaiku.audit.models import AuditEntry
from kaiku.journeys.models import Journey, Touchpoint
from kaiku.loop.models import Action
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Organisation, Role
from kaiku.walkthroughs import services
from kaiku.walkthroughs.models import Observation, Walkthrough, WalkthroughStatus
from tests.factories import make_journey, make_member, make_organisation, make_user, owner_actor
from tests.walkthroughs.images import jpeg_with_gps_and_comment, upload

pytestmark = pytest.mark.django_db


def _actor(organisation: Organisation, user: Any, role: Role) -> Actor:
    return Actor(organisation=organisation, role=role, user=user)


def _first_touchpoint(journey: Journey) -> Touchpoint:
    return Touchpoint.objects.filter(stage__journey=journey).order_by(
        "stage__position", "position"
    )[0]


def _setup() -> dict[str, Any]:
    organisation, _owner = make_organisation()
    journey = make_journey(organisation)
    walker, _ = make_member(organisation, Role.VIEWER)
    walkthrough = services.plan_walkthrough(
        actor=owner_actor(organisation),
        journey=journey,
        title="Uuden asiakkaan silmin",
        planned_for=date(2026, 12, 1),
        walkers=[walker],
    )
    return {
        "organisation": organisation, "journey": journey, "walker": walker,
        "walkthrough": walkthrough, "touchpoint": _first_touchpoint(journey),
    }  # fmt: skip


def _add(world: dict[str, Any], actor: Actor, **fields: Any) -> Observation:
    values: dict[str, Any] = {
        "touchpoint": world["touchpoint"], "category": "signs",
        "note": "Pääovella ei ole opastetta ilmoittautumiseen.", "feeling": -2, "severity": 3,
    }  # fmt: skip
    values.update(fields)
    return services.add_observation(actor=actor, walkthrough=world["walkthrough"], **values)


def test_an_assigned_walker_with_the_viewer_role_may_record() -> None:
    world = _setup()
    walker = _actor(world["organisation"], world["walker"], Role.VIEWER)
    observation = _add(world, walker, emotion="anger")
    assert observation.created_by == world["walker"]
    assert observation.emotion == "anger"
    world["walkthrough"].refresh_from_db()
    assert world["walkthrough"].status == WalkthroughStatus.IN_PROGRESS
    assert AuditEntry.objects.filter(action="walkthrough.observation.add").count() == 1


def test_a_viewer_not_assigned_may_not_record() -> None:
    world = _setup()
    other, _ = make_member(world["organisation"], Role.HANDLER)
    with pytest.raises(PermissionDenied):
        _add(world, _actor(world["organisation"], other, Role.HANDLER))
    assert not Observation.objects.exists()


def test_an_analyst_may_record_without_being_assigned() -> None:
    world = _setup()
    analyst, _ = make_member(world["organisation"], Role.ANALYST)
    assert _add(world, _actor(world["organisation"], analyst, Role.ANALYST)).pk


def test_a_touchpoint_of_another_journey_is_refused() -> None:
    world = _setup()
    other = _first_touchpoint(make_journey(world["organisation"]))
    walker = _actor(world["organisation"], world["walker"], Role.VIEWER)
    with pytest.raises(ValidationError) as caught:
        _add(world, walker, touchpoint=other)
    assert "not on the walkthrough's service path" in caught.value.message_dict["touchpoint"][0]


def test_every_bad_field_is_named_at_once() -> None:
    world = _setup()
    walker = _actor(world["organisation"], world["walker"], Role.VIEWER)
    with pytest.raises(ValidationError) as caught:
        _add(world, walker, category="smell", note="  ", feeling=5, severity=4, emotion="bliss")
    assert set(caught.value.message_dict) == {"category", "note", "feeling", "severity", "emotion"}


def test_the_database_refuses_a_feeling_outside_minus_three_to_three() -> None:
    world = _setup()
    with pytest.raises(IntegrityError):
        Observation.objects.create(
            walkthrough=world["walkthrough"], touchpoint=world["touchpoint"],
            category="other", note="x", feeling=4, severity=1,
        )  # fmt: skip


def test_a_done_walkthrough_takes_no_more_observations() -> None:
    world = _setup()
    services.set_status(
        actor=owner_actor(world["organisation"]),
        walkthrough=world["walkthrough"],
        status=WalkthroughStatus.DONE,
    )
    world["walkthrough"].refresh_from_db()
    assert world["walkthrough"].finished_at is not None
    with pytest.raises(ValidationError, match="done"):
        _add(world, _actor(world["organisation"], world["walker"], Role.VIEWER))


def test_the_photo_is_stored_clean_under_a_random_organisation_scoped_name() -> None:
    world = _setup()
    walker = _actor(world["organisation"], world["walker"], Role.VIEWER)
    observation = _add(world, walker, photo=upload(jpeg_with_gps_and_comment(), "IMG_0001.jpg"))
    name = observation.photo.name
    assert name.startswith(f"walkthroughs/{world['organisation'].pk}/") and name.endswith(".jpg")
    assert "IMG_0001" not in name
    with default_storage.open(name) as stored:
        assert b"Kallio" not in stored.read()
    assert (observation.photo_width, observation.photo_height) == (160, 120)


def test_a_refused_photo_saves_nothing_and_names_the_photo_field() -> None:
    world = _setup()
    walker = _actor(world["organisation"], world["walker"], Role.VIEWER)
    with pytest.raises(ValidationError) as caught:
        _add(world, walker, photo=upload(b"GIF89a not really", "kuva.jpg"))
    assert caught.value.message_dict["photo"] == ["Only JPEG, PNG or WebP photos can be added."]
    assert not Observation.objects.exists()


def test_the_author_may_delete_and_the_photo_goes_after_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = _setup()
    walker = _actor(world["organisation"], world["walker"], Role.VIEWER)
    observation = _add(world, walker, photo=upload(jpeg_with_gps_and_comment()))
    name = observation.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_observation(actor=walker, observation=observation)
    assert not Observation.objects.exists()
    assert not default_storage.exists(name)


def test_another_walker_may_not_delete_someone_elses_observation() -> None:
    world = _setup()
    other, _ = make_member(world["organisation"], Role.VIEWER)
    world["walkthrough"].walkers.add(other)
    observation = _add(world, _actor(world["organisation"], world["walker"], Role.VIEWER))
    with pytest.raises(ValidationError, match="Only its author or an analyst"):
        services.delete_observation(
            actor=_actor(world["organisation"], other, Role.VIEWER), observation=observation
        )
    assert Observation.objects.filter(pk=observation.pk).exists()


def test_walkers_must_be_members_of_the_organisation() -> None:
    world = _setup()
    stranger = make_user()
    with pytest.raises(ValidationError) as caught:
        services.update_walkthrough(
            actor=owner_actor(world["organisation"]),
            walkthrough=world["walkthrough"],
            title="Uusi nimi",
            planned_for=date(2026, 12, 2),
            walkers=[stranger],
        )
    assert "walkers" in caught.value.message_dict


def test_planning_needs_an_analyst() -> None:
    world = _setup()
    with pytest.raises(PermissionDenied):
        services.plan_walkthrough(
            actor=_actor(world["organisation"], world["walker"], Role.VIEWER),
            journey=world["journey"],
            title="Oma kävely",
            planned_for=date(2026, 12, 3),
        )
    assert Walkthrough.objects.count() == 1


def test_start_action_makes_an_action_on_the_touchpoint_and_links_it() -> None:
    world = _setup()
    observation = _add(world, _actor(world["organisation"], world["walker"], Role.VIEWER))
    actor = owner_actor(world["organisation"])
    action = services.start_action(actor=actor, observation=observation)
    observation.refresh_from_db()
    assert observation.action == action
    assert action.title == "Pääovella ei ole opastetta ilmoittautumiseen."
    assert list(action.touchpoints.all()) == [world["touchpoint"]]
    assert "Uuden asiakkaan silmin" in action.problem
    assert services.start_action(actor=actor, observation=observation) == action
    assert Action.objects.count() == 1
