"""The journey pages: list, blueprint, forms, import and export."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kaiku.journeys.models import Journey, Layer, Stage, Touchpoint
from kaiku.organisations.models import Role
from tests.factories import make_journey, make_member, make_organisation

pytestmark = pytest.mark.django_db


def _signed_in(role: Role = Role.ANALYST) -> tuple[Client, Any]:
    organisation, _owner = make_organisation()
    user, _ = make_member(organisation, role)
    client = Client()
    client.force_login(user)
    return client, organisation


def test_blueprint_shows_stages_as_columns_and_layers_as_rows() -> None:
    client, organisation = _signed_in(Role.VIEWER)
    journey = make_journey(organisation, stages=3, touchpoints_per_stage=1)
    page = client.get(f"/journeys/{journey.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    stage_names = [s.name for s in journey.stages.order_by("position")]
    assert all(name in html for name in stage_names)
    positions = [html.index(f">{name}<") for name in stage_names]
    assert positions == sorted(positions)
    for layer in Layer:
        assert str(layer.label) in html
    assert "line of visibility" in html
    # A viewer sees the blueprint but no editing tools.
    assert f"/journeys/{journey.pk}/stages/new/" not in html


def test_blueprint_offers_editing_tools_to_analysts() -> None:
    client, organisation = _signed_in(Role.ANALYST)
    journey = make_journey(organisation)
    html = client.get(f"/journeys/{journey.pk}/").content.decode()
    assert f"/journeys/{journey.pk}/stages/new/" in html


def test_another_organisations_journey_is_not_found() -> None:
    client, _organisation = _signed_in()
    other, _ = make_organisation()
    journey = make_journey(other)
    assert client.get(f"/journeys/{journey.pk}/").status_code == 404


def test_create_journey_stage_and_touchpoint_through_forms() -> None:
    client, organisation = _signed_in()
    answer = client.post("/journeys/new/", {"name": "Muutto", "description": ""})
    journey = Journey.objects.get(organisation=organisation, name="Muutto")
    assert answer.status_code == 302 and answer["Location"] == f"/journeys/{journey.pk}/"

    client.post(f"/journeys/{journey.pk}/stages/new/", {"name": "Ilmoitus"})
    stage = Stage.objects.get(journey=journey)
    client.post(
        f"/journeys/stages/{stage.pk}/touchpoints/new/",
        {"name": "Muuttoilmoitus", "channel": "web", "layer": "customer_action", "description": ""},
    )
    touchpoint = Touchpoint.objects.get(stage=stage)
    assert (touchpoint.name, touchpoint.position) == ("Muuttoilmoitus", 1)
    assert "Muuttoilmoitus" in client.get(f"/journeys/{journey.pk}/").content.decode()


def test_form_shows_the_error_and_saves_nothing() -> None:
    client, organisation = _signed_in()
    page = client.post("/journeys/new/", {"name": "x" * 201}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "at most 200 characters" in page.content.decode()
    assert not Journey.objects.filter(organisation=organisation).exists()


def test_move_buttons_reorder_stages() -> None:
    client, organisation = _signed_in()
    journey = make_journey(organisation, stages=3)
    first, second, third = journey.stages.order_by("position")
    client.post(f"/journeys/stages/{third.pk}/move/", {"direction": "left"})
    order = list(journey.stages.order_by("position").values_list("pk", flat=True))
    assert order == [first.pk, third.pk, second.pk]


def test_viewer_cannot_create() -> None:
    client, organisation = _signed_in(Role.VIEWER)
    assert client.post("/journeys/new/", {"name": "Ei saa"}).status_code == 403
    assert not Journey.objects.filter(organisation=organisation).exists()


def test_import_file_creates_the_journey() -> None:
    client, organisation = _signed_in()
    document = {
        "format": "kaiku.journey",
        "version": 1,
        "journey": {
            "name": "Tuotu",
            "stages": [
                {
                    "name": "Alku",
                    "touchpoints": [
                        {
                            "name": "Soitto",
                            "channel": "phone",
                            "layer": "frontstage",
                            "owner_team": "Puhelinpalvelu",
                        }
                    ],
                }
            ],
        },
    }
    upload = SimpleUploadedFile("j.json", json.dumps(document).encode(), "application/json")
    answer = client.post("/journeys/import/", {"file": upload})
    assert answer.status_code == 302
    touchpoint = Touchpoint.objects.get(stage__journey__organisation=organisation)
    assert touchpoint.owner_team is not None and touchpoint.owner_team.name == "Puhelinpalvelu"


def test_import_of_broken_json_shows_the_reason() -> None:
    client, _organisation = _signed_in()
    upload = SimpleUploadedFile("j.json", b"{not json", "application/json")
    page = client.post("/journeys/import/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "not valid JSON" in page.content.decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fi", "Palvelupolut"), ("sv", "Servicestigar"), ("en", "Service paths")],
)
def test_pages_speak_the_chosen_language(language: str, expected: str) -> None:
    client, _organisation = _signed_in()
    client.post("/i18n/setlang/", {"language": language, "next": "/journeys/"})
    assert expected in client.get("/journeys/").content.decode()


def test_finnish_is_the_default_language() -> None:
    client, _organisation = _signed_in()
    page = client.get("/journeys/")
    assert page.headers["Content-Language"] == "fi"
