"""The journeys JSON API, called with organisation API keys."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kaiku.journeys.models import Journey, Stage
from tests.factories import make_api_key, make_journey, make_organisation

pytestmark = pytest.mark.django_db

PAYLOAD: dict[str, Any] = {
    "name": "Vahinkoilmoitus",
    "description": "Kun jotain sattuu",
    "stages": [
        {
            "name": "Ilmoitus",
            "touchpoints": [
                {"name": "Verkkolomake", "channel": "web", "layer": "customer_action"},
                {"name": "Käsittelijä", "channel": "phone", "layer": "frontstage"},
            ],
        },
        {
            "name": "Päätös",
            "description": "Korvauspäätös",
            "touchpoints": [
                {"name": "Päätöskirje", "channel": "letter", "layer": "frontstage"},
                {"name": "Korvausjärjestelmä", "channel": "other", "layer": "support"},
            ],
        },
    ],
}


def _client(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _shape(journey: dict[str, Any]) -> dict[str, Any]:
    """The parts of a journey a caller wrote, as the API answers them."""
    return {
        "name": journey["name"],
        "description": journey["description"],
        "stages": [
            {
                "name": s["name"],
                "description": s["description"],
                "touchpoints": [
                    {k: t[k] for k in ("name", "channel", "layer")} for t in s["touchpoints"]
                ],
            }
            for s in journey["stages"]
        ],
    }


def _expected() -> dict[str, Any]:
    stages = [{"description": "", **s} for s in PAYLOAD["stages"]]
    return {**PAYLOAD, "stages": stages}


def test_create_with_a_key_answers_201_and_reads_back_equal() -> None:
    organisation, _ = make_organisation()
    _key, secret = make_api_key(organisation, scope="write")
    client = _client(secret)

    created = client.post("/api/v1/journeys", PAYLOAD, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert _shape(body) == _expected()
    assert [s["position"] for s in body["stages"]] == [1, 2]

    read = client.get(f"/api/v1/journeys/{body['id']}")
    assert read.status_code == 200
    assert read.json() == body
    assert Journey.objects.get(pk=body["id"]).organisation == organisation


def test_another_organisations_key_gets_404() -> None:
    organisation, _ = make_organisation()
    other, _ = make_organisation()
    journey = make_journey(organisation)
    stage = journey.stages.first()
    assert stage is not None
    _key, foreign = make_api_key(other, scope="write")
    client = _client(foreign)
    assert client.get(f"/api/v1/journeys/{journey.pk}").status_code == 404
    assert client.get(f"/api/v1/stages/{stage.pk}").status_code == 404
    patched = client.patch(
        f"/api/v1/journeys/{journey.pk}", {"name": "Kaapattu"}, content_type="application/json"
    )
    assert patched.status_code == 404
    journey.refresh_from_db()
    assert journey.name != "Kaapattu"


def test_invalid_payload_answers_422_with_field_and_reason() -> None:
    organisation, _ = make_organisation()
    _key, secret = make_api_key(organisation)
    bad = {
        "name": "x" * 201,
        "stages": [
            {"name": "A", "touchpoints": [{"name": "T", "channel": "fax", "layer": "frontstage"}]}
        ],
    }
    answer = _client(secret).post("/api/v1/journeys", bad, content_type="application/json")
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    locations = {tuple(d["loc"][-4:]) for d in detail}
    assert any(loc[-1] == "name" for loc in locations)
    assert ("stages", 0, "touchpoints", 0) in {tuple(d["loc"][-5:-1]) for d in detail}
    channel_error = next(d for d in detail if d["loc"][-1] == "channel")
    assert "web" in channel_error["msg"]  # the reason lists what is allowed
    assert Journey.objects.count() == 0


def test_gapped_positions_answer_422_from_the_service_and_save_nothing() -> None:
    organisation, _ = make_organisation()
    _key, secret = make_api_key(organisation)
    payload = {"name": "J", "stages": [{"name": "A", "position": 1}, {"name": "B", "position": 3}]}
    answer = _client(secret).post("/api/v1/journeys", payload, content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "stages"]
    assert "missing 3" not in answer.json()["detail"][0]["msg"]
    assert Journey.objects.count() == 0 and Stage.objects.count() == 0


def test_read_key_may_read_but_not_write() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation)
    _key, secret = make_api_key(organisation, scope="read")
    client = _client(secret)
    assert client.get(f"/api/v1/journeys/{journey.pk}").status_code == 200
    answer = client.post("/api/v1/journeys", PAYLOAD, content_type="application/json")
    assert answer.status_code == 403


def test_revoked_key_is_refused_and_use_is_recorded() -> None:
    from kaiku.organisations.services import revoke_api_key
    from tests.factories import owner_actor

    organisation, _ = make_organisation()
    key, secret = make_api_key(organisation)
    assert _client(secret).get("/api/v1/journeys").status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None
    revoke_api_key(actor=owner_actor(organisation), api_key=key)
    assert _client(secret).get("/api/v1/journeys").status_code == 401


def test_stage_and_touchpoint_order_can_be_changed() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation, stages=3, touchpoints_per_stage=2)
    _key, secret = make_api_key(organisation)
    client = _client(secret)
    ids = list(journey.stages.order_by("position").values_list("pk", flat=True))
    answer = client.put(
        f"/api/v1/journeys/{journey.pk}/stage-order",
        {"stage_ids": ids[::-1]},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert [s["id"] for s in answer.json()] == ids[::-1]

    duplicate = client.put(
        f"/api/v1/journeys/{journey.pk}/stage-order",
        {"stage_ids": [ids[0], ids[0], ids[1]]},
        content_type="application/json",
    )
    assert duplicate.status_code == 422
    assert list(journey.stages.order_by("position").values_list("pk", flat=True)) == ids[::-1]


def test_a_null_description_leaves_the_touchpoints_description_as_it_is() -> None:
    # As in the journey's and the stage's patches; it was a server error (found by
    # benchmarks/api_fuzz.py).
    organisation, _ = make_organisation()
    touchpoint = make_journey(organisation).stages.first().touchpoints.first()
    touchpoint.description = "Lomake verkossa"
    touchpoint.save()
    _key, secret = make_api_key(organisation)
    answer = _client(secret).patch(
        f"/api/v1/touchpoints/{touchpoint.pk}",
        {"name": "Verkkolomake", "description": None},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert (answer.json()["name"], answer.json()["description"]) == (
        "Verkkolomake",
        "Lomake verkossa",
    )


def test_export_and_import_round_trip(django_capture_on_commit_callbacks: Any) -> None:
    organisation, _ = make_organisation()
    other, _ = make_organisation()
    _key, secret = make_api_key(organisation)
    _other_key, other_secret = make_api_key(other)
    created = _client(secret).post("/api/v1/journeys", PAYLOAD, content_type="application/json")
    journey_id = created.json()["id"]

    # Without a broker the task runs in-process once the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        export = _client(secret).post(f"/api/v1/journeys/{journey_id}/exports")
    assert export.status_code == 202
    assert export.json()["status"] == "pending"
    assert len(callbacks) == 1
    finished = _client(secret).get(f"/api/v1/exports/{export.json()['id']}").json()
    assert finished["status"] == "done"
    document = finished["document"]
    assert document["format"] == "kaiku.journey"

    imported = _client(other_secret).post(
        "/api/v1/journeys/import", document, content_type="application/json"
    )
    assert imported.status_code == 201, imported.content
    assert _shape(imported.json()) == _expected()


def test_import_of_a_wrong_document_answers_422() -> None:
    organisation, _ = make_organisation()
    _key, secret = make_api_key(organisation)
    answer = _client(secret).post(
        "/api/v1/journeys/import", {"format": "something"}, content_type="application/json"
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "format"]


def test_openapi_and_docs_are_served() -> None:
    schema = Client().get("/api/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/journeys" in schema.json()["paths"]
    assert Client().get("/api/docs").status_code == 200
