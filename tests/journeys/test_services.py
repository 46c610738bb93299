"""Journey services: bad input is refused whole, with the path of each problem."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kaiku.audit.models import AuditEntry
from kaiku.journeys import services
from kaiku.journeys.models import Journey, Stage, Touchpoint
from kaiku.organisations.services import create_team
from tests.factories import make_journey, make_organisation, owner_actor, touchpoint_spec

pytestmark = pytest.mark.django_db


def _create(organisation, stages, name="Asiakkaaksi tulo"):  # type: ignore[no-untyped-def]
    return services.create_journey(actor=owner_actor(organisation), name=name, stages=stages)


def _errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def _nothing_saved() -> None:
    assert Journey.objects.count() == 0
    assert Stage.objects.count() == 0
    assert Touchpoint.objects.count() == 0


def test_create_saves_stages_and_touchpoints_in_order() -> None:
    organisation, _ = make_organisation()
    journey = _create(
        organisation,
        [
            services.StageSpec(name="Tieto", touchpoints=[touchpoint_spec("Verkkosivu")]),
            services.StageSpec(
                name="Käynti",
                touchpoints=[
                    touchpoint_spec("Vastaanotto", channel="in_person"),
                    touchpoint_spec("Potilastiedot", layer="backstage"),
                ],
            ),
        ],
    )
    stages = list(journey.stages.order_by("position"))
    assert [(s.name, s.position) for s in stages] == [("Tieto", 1), ("Käynti", 2)]
    assert [(t.name, t.position) for t in stages[1].touchpoints.order_by("position")] == [
        ("Vastaanotto", 1),
        ("Potilastiedot", 2),
    ]
    assert AuditEntry.objects.filter(action="journey.create", object_id=str(journey.pk)).exists()


def test_duplicate_stage_positions_are_refused_and_nothing_saved() -> None:
    organisation, _ = make_organisation()
    with pytest.raises(ValidationError) as excinfo:
        _create(
            organisation,
            [
                services.StageSpec(name="A", position=1, touchpoints=[touchpoint_spec()]),
                services.StageSpec(name="B", position=1),
            ],
        )
    assert "Position 1 is used twice." in _errors(excinfo)["stages.1.position"][0]
    _nothing_saved()


def test_gapped_stage_positions_are_refused() -> None:
    organisation, _ = make_organisation()
    with pytest.raises(ValidationError) as excinfo:
        _create(
            organisation,
            [services.StageSpec(name="A", position=1), services.StageSpec(name="B", position=3)],
        )
    assert "missing 2" in _errors(excinfo)["stages"][0]
    _nothing_saved()


def test_positions_for_some_but_not_all_are_refused() -> None:
    organisation, _ = make_organisation()
    with pytest.raises(ValidationError) as excinfo:
        _create(organisation, [services.StageSpec(name="A", position=1), services.StageSpec("B")])
    assert "stages" in _errors(excinfo)
    _nothing_saved()


def test_gapped_touchpoint_positions_are_refused() -> None:
    organisation, _ = make_organisation()
    with pytest.raises(ValidationError) as excinfo:
        _create(
            organisation,
            [
                services.StageSpec(
                    name="A",
                    touchpoints=[
                        touchpoint_spec("x", position=2),
                        touchpoint_spec("y", position=3),
                    ],
                )
            ],
        )
    assert "missing 1" in _errors(excinfo)["stages.0.touchpoints"][0]
    _nothing_saved()


def test_unknown_channel_and_layer_are_named_with_their_path() -> None:
    organisation, _ = make_organisation()
    with pytest.raises(ValidationError) as excinfo:
        _create(
            organisation,
            [
                services.StageSpec(name="A", touchpoints=[touchpoint_spec()]),
                services.StageSpec(
                    name="B", touchpoints=[touchpoint_spec("x", channel="pigeon", layer="roof")]
                ),
            ],
        )
    errors = _errors(excinfo)
    assert "pigeon" in errors["stages.1.touchpoints.0.channel"][0]
    assert "roof" in errors["stages.1.touchpoints.0.layer"][0]
    _nothing_saved()


def test_names_over_the_limit_are_refused() -> None:
    organisation, _ = make_organisation()
    with pytest.raises(ValidationError) as excinfo:
        _create(
            organisation,
            [services.StageSpec(name="S" * 201, touchpoints=[touchpoint_spec("T" * 201)])],
            name="J" * 201,
        )
    errors = _errors(excinfo)
    assert {"name", "stages.0.name", "stages.0.touchpoints.0.name"} <= set(errors)
    _nothing_saved()


def test_blank_names_are_refused() -> None:
    organisation, _ = make_organisation()
    with pytest.raises(ValidationError) as excinfo:
        _create(organisation, [services.StageSpec(name="   ")], name=" ")
    assert {"name", "stages.0.name"} <= set(_errors(excinfo))
    _nothing_saved()


def test_too_many_stages_are_refused(settings: pytest.FixtureRequest) -> None:
    settings.KAIKU_MAX_STAGES = 3  # type: ignore[attr-defined]
    organisation, _ = make_organisation()
    with pytest.raises(ValidationError) as excinfo:
        _create(organisation, [services.StageSpec(name=f"S{i}") for i in range(4)])
    assert "stages" in _errors(excinfo)
    _nothing_saved()


def test_owner_team_of_another_organisation_is_refused() -> None:
    organisation, _ = make_organisation()
    other, _ = make_organisation()
    foreign_team = create_team(actor=owner_actor(other), name="Vieras tiimi")
    with pytest.raises(ValidationError) as excinfo:
        _create(
            organisation,
            [
                services.StageSpec(
                    name="A", touchpoints=[touchpoint_spec(owner_team_id=foreign_team.pk)]
                )
            ],
        )
    assert "stages.0.touchpoints.0.owner_team_id" in _errors(excinfo)
    _nothing_saved()


def test_touchpoint_cannot_be_added_to_another_organisations_stage() -> None:
    organisation, _ = make_organisation()
    other, _ = make_organisation()
    foreign_stage = make_journey(other).stages.first()
    assert foreign_stage is not None
    before = Touchpoint.objects.count()
    with pytest.raises(ValidationError):
        services.add_touchpoint(
            actor=owner_actor(organisation),
            stage=foreign_stage,
            name="Ujutettu",
            channel="web",
            layer="frontstage",
        )
    assert Touchpoint.objects.count() == before


def test_touchpoint_cannot_move_into_another_organisations_stage() -> None:
    organisation, _ = make_organisation()
    other, _ = make_organisation()
    touchpoint = Touchpoint.objects.filter(stage__journey=make_journey(organisation)).first()
    foreign_stage = make_journey(other).stages.first()
    assert touchpoint is not None and foreign_stage is not None
    with pytest.raises(ValidationError):
        services.update_touchpoint(
            actor=owner_actor(organisation),
            touchpoint=touchpoint,
            name=touchpoint.name,
            channel=touchpoint.channel,
            layer=touchpoint.layer,
            stage_id=foreign_stage.pk,
        )
    touchpoint.refresh_from_db()
    assert touchpoint.stage.journey.organisation == organisation


def test_reorder_stages_needs_exactly_the_active_stages() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation, stages=3)
    ids = list(journey.stages.order_by("position").values_list("pk", flat=True))
    actor = owner_actor(organisation)
    with pytest.raises(ValidationError):
        services.reorder_stages(actor=actor, journey=journey, stage_ids=[ids[0], ids[0], ids[1]])
    with pytest.raises(ValidationError):
        services.reorder_stages(actor=actor, journey=journey, stage_ids=ids[:2])
    assert list(journey.stages.order_by("position").values_list("pk", flat=True)) == ids

    services.reorder_stages(actor=actor, journey=journey, stage_ids=[ids[2], ids[0], ids[1]])
    assert list(journey.stages.order_by("position").values_list("pk", flat=True)) == [
        ids[2],
        ids[0],
        ids[1],
    ]


def test_archiving_a_stage_closes_the_gap_and_restoring_puts_it_last() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation, stages=3)
    first, second, third = journey.stages.order_by("position")
    actor = owner_actor(organisation)
    services.archive_stage(actor=actor, stage=second)
    active = list(journey.stages.filter(archived_at__isnull=True).order_by("position"))
    assert [(s.pk, s.position) for s in active] == [(first.pk, 1), (third.pk, 2)]
    second.refresh_from_db()
    assert second.position is None and second.is_archived

    services.restore_stage(actor=actor, stage=second)
    second.refresh_from_db()
    assert second.position == 3 and not second.is_archived


def test_move_touchpoint_between_stages_renumbers_both() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation, stages=2, touchpoints_per_stage=3)
    first_stage, second_stage = journey.stages.order_by("position")
    moving = first_stage.touchpoints.get(position=1)
    services.update_touchpoint(
        actor=owner_actor(organisation),
        touchpoint=moving,
        name=moving.name,
        channel=moving.channel,
        layer=moving.layer,
        stage_id=second_stage.pk,
    )
    assert list(
        first_stage.touchpoints.order_by("position").values_list("position", flat=True)
    ) == [
        1,
        2,
    ]
    moving.refresh_from_db()
    assert moving.stage == second_stage and moving.position == 4


def test_update_records_before_and_after_in_the_audit_log() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation)
    services.update_journey(actor=owner_actor(organisation), journey=journey, name="Uusi nimi")
    entry = AuditEntry.objects.get(action="journey.update")
    assert entry.before["name"] != "Uusi nimi"
    assert entry.after["name"] == "Uusi nimi"
    assert ("name", entry.before["name"], "Uusi nimi") in entry.changed_fields
