"""Reading one person's feedback is audited: a response or a case opened, in the web or
the API, with one insert; the audit log tells reads from changes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kaiku.audit.models import AuditEntry
from kaiku.organisations.models import Role
from tests.factories import World, make_world

pytestmark = pytest.mark.django_db


def _client(world: World, role: Role) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users[role])
    return client


def _reads(world: World, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(organisation=world.organisation, action=action))


def test_opening_a_response_page_is_recorded_with_one_insert() -> None:
    world = make_world()
    response_id = world.ids["response_id"]
    client = _client(world, Role.VIEWER)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/responses/{response_id}/")
    assert page.status_code == 200
    (entry,) = _reads(world, "response.view")
    assert entry.user == world.users[Role.VIEWER]
    assert (entry.object_type, entry.object_id) == ("response", str(response_id))
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and "audit_auditentry" in inserts[0]["sql"]


def test_reading_a_response_through_the_api_names_the_key() -> None:
    world = make_world()
    response_id = world.ids["response_id"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.keys['read']}")
    assert client.get(f"/api/v1/responses/{response_id}").status_code == 200
    (entry,) = _reads(world, "response.view")
    assert entry.user is None and entry.api_key is not None
    assert entry.object_id == str(response_id)


def test_listing_responses_records_no_read_of_each() -> None:
    world = make_world()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.keys['read']}")
    assert client.get("/api/v1/responses").status_code == 200
    assert _reads(world, "response.view") == []


def test_opening_a_case_is_recorded_in_the_web_and_the_api() -> None:
    world = make_world()
    case_id = world.ids["case_id"]
    client = _client(world, Role.OWNER)
    assert client.get(f"/cases/{case_id}/").status_code == 200
    assert client.get(f"/api/v1/cases/{case_id}").status_code == 200
    entries = _reads(world, "case.view")
    assert len(entries) == 2
    assert {(e.object_type, e.object_id, e.user) for e in entries} == {
        ("case", str(case_id), world.users[Role.OWNER])
    }


def test_a_case_of_another_organisation_records_nothing() -> None:
    world, other = make_world(), make_world()
    client = _client(other, Role.OWNER)
    assert client.get(f"/cases/{world.ids['case_id']}/").status_code == 404
    assert not AuditEntry.objects.filter(action="case.view").exists()


def test_the_audit_log_shows_reads_apart_from_changes() -> None:
    world = make_world()
    viewer = _client(world, Role.VIEWER)
    viewer.get(f"/responses/{world.ids['response_id']}/")
    admin = _client(world, Role.ADMIN)

    reads = admin.get("/audit/?kind=reads").content.decode()
    assert "<code>response.view</code>" in reads
    assert "<code>journey.export</code>" in reads  # exports are reads too
    assert "<code>journey.create</code>" not in reads

    changes = admin.get("/audit/?kind=changes").content.decode()
    assert "<code>journey.create</code>" in changes
    assert "<code>response.view</code>" not in changes

    everything = admin.get("/audit/").content.decode()
    assert (
        "<code>response.view</code>" in everything and "<code>journey.create</code>" in everything
    )


def test_the_audit_api_filters_reads() -> None:
    world = make_world()
    _client(world, Role.VIEWER).get(f"/responses/{world.ids['response_id']}/")
    admin = _client(world, Role.ADMIN)
    found = admin.get("/api/v1/audit?kind=reads").json()
    assert {e["action"] for e in found} == {"response.view", "journey.export"}
