"""`kaiku export_journey` and `kaiku import_journey`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kaiku.journeys.models import Journey
from tests.factories import make_journey, make_organisation

pytestmark = pytest.mark.django_db


def test_export_then_import_into_another_organisation(tmp_path: Path) -> None:
    source, _ = make_organisation()
    target, _ = make_organisation()
    journey = make_journey(source, stages=2, touchpoints_per_stage=3)
    out = tmp_path / "journey.json"
    call_command("export_journey", journey.pk, organisation=source.slug, output=str(out))
    call_command("import_journey", str(out), organisation=target.slug)
    copy = Journey.objects.get(organisation=target)
    assert copy.name == journey.name
    assert copy.stages.count() == 2
    assert sum(s.touchpoints.count() for s in copy.stages.all()) == 6


def test_import_reports_every_problem_and_saves_nothing(tmp_path: Path) -> None:
    target, _ = make_organisation()
    document = {
        "format": "kaiku.journey",
        "version": 1,
        "journey": {
            "name": "Rikki",
            "stages": [
                {"name": "A", "touchpoints": [{"name": "T", "channel": "fax", "layer": "x"}]}
            ],
        },
    }
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError) as excinfo:
        call_command("import_journey", str(path), organisation=target.slug)
    message = str(excinfo.value)
    assert "stages.0.touchpoints.0.channel" in message
    assert "stages.0.touchpoints.0.layer" in message
    assert not Journey.objects.filter(organisation=target).exists()


def test_export_of_an_unknown_journey_is_a_clear_error() -> None:
    organisation, _ = make_organisation()
    with pytest.raises(CommandError, match="No journey 999999"):
        call_command("export_journey", 999999, organisation=organisation.slug)
