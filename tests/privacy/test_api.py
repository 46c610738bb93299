"""The privacy API: an admin person finds, exports and erases; keys may not."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from kaiku.organisations.models import Role
from kaiku.privacy.models import RetentionPolicy
from kaiku.responses.models import Contact
from tests.factories import make_api_key, make_member
from tests.privacy.helpers import Person, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(django_capture_on_commit_callbacks: Any) -> Person:
    return make_person(django_capture_on_commit_callbacks)


def _admin(person: Person) -> Client:
    client = Client()
    client.force_login(person.admin)
    return client


def _post(client: Client, body: dict[str, Any], **headers: str) -> Any:
    return client.post(
        "/api/v1/privacy/requests", json.dumps(body), content_type="application/json", **headers
    )


def test_find_export_and_erase_through_the_api(person: Person) -> None:
    client = _admin(person)
    found = _post(client, {"kind": "find", "identifier": person.phone})
    assert found.status_code == 201
    assert [p["email"] for p in found.json()["found"]] == [person.email]
    assert (
        found.json()["channel"] == "api"
        and found.json()["identifier_type"] == "phone+respondent+token"
    )

    exported = _post(client, {"kind": "export", "identifier": person.email})
    document = exported.json()["document"]
    assert document["people"][0]["contact"]["phone"] == person.phone

    erased = _post(
        client, {"kind": "erase", "identifier": person.email, "identifier_type": "email"}
    )
    assert erased.status_code == 201
    body = erased.json()
    assert body["counts"]["contacts"] == 1 and body["status"] == "done"
    assert body["options"] == {"delete_responses": False, "delete_import_files": False}
    assert not Contact.objects.filter(email=person.email).exists()

    again = _post(client, {"kind": "erase", "identifier": person.email}).json()
    assert again["status"] == "nothing_found" and again["respondents"] == 0

    log = client.get("/api/v1/privacy/requests").json()
    assert [r["kind"] for r in log] == ["erase", "erase", "export", "find"]
    assert person.email not in json.dumps(log)


@pytest.mark.parametrize("scope", ["read", "write"])
def test_api_keys_may_not_make_requests(person: Person, scope: str) -> None:
    _key, secret = make_api_key(person.organisation, scope=scope)
    refused = _post(
        Client(),
        {"kind": "erase", "identifier": person.email},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert refused.status_code == 403
    assert Contact.objects.filter(email=person.email).exists()


def test_an_analyst_may_not_make_requests(person: Person) -> None:
    analyst, _membership = make_member(person.organisation, Role.ANALYST)
    client = Client()
    client.force_login(analyst)
    assert _post(client, {"kind": "find", "identifier": person.email}).status_code == 403


def test_a_bad_identifier_answers_422(person: Person) -> None:
    client = _admin(person)
    bad = _post(client, {"kind": "find", "identifier": "x", "identifier_type": "phone"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "identifier"


def test_the_retention_policy_through_the_api(person: Person) -> None:
    client = _admin(person)
    shown = client.get("/api/v1/privacy/retention").json()
    assert shown["defaults"] is True and shown["free_text_months"] == 24
    assert set(shown["due_now"]) >= {"answer_texts", "contacts", "import_files"}
    body = {
        "free_text_months": 12,
        "contact_months": None,
        "case_note_months": 6,
        "import_file_days": 14,
    }
    changed = client.put(
        "/api/v1/privacy/retention", json.dumps(body), content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["defaults"] is False
    policy = RetentionPolicy.objects.get()
    assert (policy.free_text_months, policy.contact_months) == (12, None)
    body["import_file_days"] = 0
    refused = client.put(
        "/api/v1/privacy/retention", json.dumps(body), content_type="application/json"
    )
    assert refused.status_code == 422


def test_the_record_of_processing_through_the_api(person: Person) -> None:
    record = _admin(person).get("/api/v1/privacy/processing").json()
    assert record["format"] == "kaiku.record-of-processing"
    assert record["controller"] == person.organisation.name
    assert any(r["period"] == "24 months" for r in record["retention"])
