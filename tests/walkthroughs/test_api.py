"""The walkthrough API: read with any key, record with a write key (multipart, with a
photo), and fetch a photo at the address the API gives, with the same key."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from kaiku.organisations.models import Role
from tests.factories import (
    make_api_key,
    make_journey,
    make_member,
    make_organisation,
    make_walkthrough_with_observation,
)
from tests.walkthroughs.images import jpeg_with_gps_and_comment, upload

pytestmark = pytest.mark.django_db


def _world() -> dict[str, Any]:
    organisation, _owner = make_organisation()
    journey = make_journey(organisation)
    walker, _ = make_member(organisation, Role.HANDLER)
    walkthrough, observation = make_walkthrough_with_observation(organisation, journey, [walker])
    return {
        "organisation": organisation, "journey": journey, "walkthrough": walkthrough,
        "observation": observation,
        "read": make_api_key(organisation, scope="read")[1],
        "write": make_api_key(organisation, scope="write")[1],
    }  # fmt: skip


def _client(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _fields(world: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "touchpoint_id": world["observation"].touchpoint_id, "category": "digital",
        "note": "Ajanvarauslinkki vei virhesivulle.", "feeling": -3, "severity": 3, **extra,
    }  # fmt: skip


def test_list_and_detail_with_a_read_key() -> None:
    world = _world()
    client = _client(world["read"])
    listed = client.get("/api/v1/walkthroughs").json()
    assert [w["id"] for w in listed] == [world["walkthrough"].pk]
    assert listed[0]["observation_count"] == 1
    detail = client.get(f"/api/v1/walkthroughs/{world['walkthrough'].pk}").json()
    assert detail["observations"][0]["note"] == "Opastetta sisäänkäynnille ei löytynyt."
    assert detail["observations"][0]["photo_url"] is None


def test_a_negative_offset_answers_422() -> None:
    # A server error before (found by benchmarks/api_fuzz.py).
    client = _client(_world()["read"])
    assert client.get("/api/v1/walkthroughs", {"offset": -1}).status_code == 422
    assert client.get("/api/v1/walkthroughs", {"offset": 0}).status_code == 200


def test_a_write_key_records_an_observation_with_a_photo_the_api_then_serves() -> None:
    world = _world()
    url = f"/api/v1/walkthroughs/{world['walkthrough'].pk}/observations"
    answer = _client(world["write"]).post(
        url, {**_fields(world), "photo": upload(jpeg_with_gps_and_comment())}
    )
    assert answer.status_code == 201, answer.content
    created = answer.json()
    assert created["category"] == "digital" and created["created_by_id"] is None
    assert created["photo_url"].startswith("http://testserver/api/v1/observations/")
    photo = _client(world["read"]).get(created["photo_url"])
    assert photo.status_code == 200
    assert photo["X-Content-Type-Options"] == "nosniff"
    assert "private" in photo["Cache-Control"]
    image = Image.open(io.BytesIO(b"".join(photo.streaming_content)))  # type: ignore[attr-defined]
    assert image.format == "JPEG" and not image.getexif()
    assert Client().get(created["photo_url"]).status_code == 401


def test_a_read_key_may_not_record() -> None:
    world = _world()
    url = f"/api/v1/walkthroughs/{world['walkthrough'].pk}/observations"
    assert _client(world["read"]).post(url, _fields(world)).status_code == 403


def test_a_touchpoint_of_another_journey_answers_422_by_field() -> None:
    world = _world()
    other = make_journey(world["organisation"]).stages.first().touchpoints.first()  # type: ignore[union-attr]
    url = f"/api/v1/walkthroughs/{world['walkthrough'].pk}/observations"
    answer = _client(world["write"]).post(url, _fields(world, touchpoint_id=other.pk))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "touchpoint"]


def test_another_organisations_walkthrough_is_not_found_with_its_key() -> None:
    world = _world()
    other, _owner = make_organisation()
    _key, secret = make_api_key(other, scope="write")
    url = f"/api/v1/walkthroughs/{world['walkthrough'].pk}/observations"
    assert _client(secret).post(url, _fields(world)).status_code == 404
    assert _client(secret).get(f"/api/v1/walkthroughs/{world['walkthrough'].pk}").status_code == 404
