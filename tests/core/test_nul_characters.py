"""NUL characters in API input are refused with 422 and where they were: PostgreSQL's
text columns cannot hold one (the API fuzzer found the server error on POST /teams)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kaiku.journeys.models import Segment
from kaiku.organisations.models import Team
from tests.factories import make_api_key, make_organisation

pytestmark = pytest.mark.django_db


def _client() -> tuple[Client, object]:
    organisation, _owner = make_organisation()
    _key, secret = make_api_key(organisation, scope="write")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}"), organisation


def test_a_nul_in_a_json_body_is_refused_with_its_place() -> None:
    client, organisation = _client()
    answer = client.post(
        "/api/v1/teams",
        data=json.dumps({"name": "Tiimi\u0000", "description": ""}),
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "name"]
    assert not Team.objects.filter(organisation=organisation).exists()


def test_a_nul_in_a_nested_key_or_list_is_found() -> None:
    client, _organisation = _client()
    answer = client.post(
        "/api/v1/teams",
        data=json.dumps({"name": "Tiimi", "extra": [{"a": 1}, {"b\u0000": 2}]}),
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "extra", 1, "b\u0000"]


def test_a_nul_in_the_query_is_refused() -> None:
    client, _organisation = _client()
    answer = client.get("/api/v1/analyses?theme=jono%00")
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "theme"]


def test_text_that_merely_shows_a_backslash_u_is_kept() -> None:
    client, organisation = _client()
    answer = client.post(
        "/api/v1/segments",
        data=json.dumps({"name": "Merkki \\u0000 tekstinä", "description": ""}),
        content_type="application/json",
    )
    assert answer.status_code == 201
    assert Segment.objects.get(organisation=organisation).name == "Merkki \\u0000 tekstinä"
