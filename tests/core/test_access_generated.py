"""Role × endpoint and tenancy, generated from the URL configuration.

A new view or API operation is covered without editing this file; one that declares
no access, or takes an id the test world does not know, fails here until it does.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kaiku.organisations.models import Role
from tests.core.urlwalk import PERSON_ONLY_API, ROLES, Endpoint, endpoints
from tests.factories import PASSWORD, make_organisation, make_world

# django-ninja's root, the OpenAPI document and its browsable docs are public by design.
PUBLIC_BY_DESIGN = {"api-root", "openapi-json", "openapi-view"}
# Allowed callers may still be told the (example) input is wrong or the object missing.
ALLOWED_ANSWERS = {404, 422}

ALL = endpoints()
GUARDED = [e for e in ALL if e.access is not None]
WITH_IDS = [e for e in GUARDED if e.kwargs]


def test_every_endpoint_declares_who_may_call_it() -> None:
    undeclared = [
        str(e) for e in ALL if e.access is None and not e.public and e.name not in PUBLIC_BY_DESIGN
    ]
    assert undeclared == []


def test_the_walk_finds_views_and_api_operations() -> None:
    assert any(e.is_api and e.method == "POST" for e in GUARDED)
    assert any(not e.is_api and e.access and e.access.write for e in GUARDED)


def test_every_write_endpoint_refuses_viewers() -> None:
    writes = [e for e in GUARDED if e.access and e.access.write]
    # Writes open to members of any role on what is theirs: a walkthrough's walker
    # records observations and deletes their own; the service checks the assignment
    # (tests/walkthroughs/test_services.py).
    assigned = {"observe", "delete_observation"}
    assert writes and all(
        e.access and (e.access.min_role != Role.VIEWER or e.name in assigned) for e in writes
    )
    api_writes = [e for e in GUARDED if e.is_api and e.method in ("POST", "PUT", "PATCH", "DELETE")]
    # A read-level API write must be a deliberate read (an export request, analysing
    # texts without storing them), nothing else.
    deliberate_reads = {"request_export", "analyse_texts"}
    assert {e.name for e in api_writes if e.access and not e.access.write} <= deliberate_reads


def _request(client: Client, endpoint: Endpoint, url: str, **extra: str) -> int:
    if endpoint.is_api:
        if endpoint.method == "GET":
            return int(client.get(url, **extra).status_code)
        call = getattr(client, endpoint.method.lower())
        body = json.dumps(endpoint.example_body())
        return int(call(url, data=body, content_type="application/json", **extra).status_code)
    if endpoint.method == "POST":
        return int(client.post(url, **extra).status_code)
    status = int(client.get(url, **extra).status_code)
    if status == 405:  # a read-level action that only takes POST (an export request)
        status = int(client.post(url, **extra).status_code)
    return status


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
@pytest.mark.parametrize("endpoint", GUARDED, ids=str)
def test_role_may_call_endpoint_only_if_its_role_allows(endpoint: Endpoint, role: Role) -> None:
    world = make_world()
    client = Client()
    client.login(username=world.users[role].get_username(), password=PASSWORD)
    status = _request(client, endpoint, endpoint.url(world.ids))
    assert endpoint.access is not None
    if role.at_least(endpoint.access.min_role):
        assert status < 400 or status in ALLOWED_ANSWERS, status
    else:
        assert status == 403


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["read", "write"])
@pytest.mark.parametrize("endpoint", [e for e in GUARDED if e.is_api], ids=str)
def test_api_key_scope_decides_access(endpoint: Endpoint, scope: str) -> None:
    world = make_world()
    key_role = Role.ANALYST if scope == "write" else Role.VIEWER
    status = _request(
        Client(),
        endpoint,
        endpoint.url(world.ids),
        HTTP_AUTHORIZATION=f"Bearer {world.keys[scope]}",
    )
    assert endpoint.access is not None
    if endpoint.name in PERSON_ONLY_API:
        assert status == 403
    elif key_role.at_least(endpoint.access.min_role):
        assert status < 400 or status in ALLOWED_ANSWERS, status
    else:
        assert status == 403


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [e for e in GUARDED if e.is_api], ids=str)
def test_api_without_credentials_answers_401(endpoint: Endpoint) -> None:
    world = make_world()
    assert _request(Client(), endpoint, endpoint.url(world.ids)) == 401


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [e for e in GUARDED if not e.is_api], ids=str)
def test_views_send_anonymous_people_to_sign_in(endpoint: Endpoint) -> None:
    world = make_world()
    response = Client().get(endpoint.url(world.ids))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", WITH_IDS, ids=str)
def test_objects_of_another_organisation_are_not_found(endpoint: Endpoint) -> None:
    world = make_world()
    _other, other_owner = make_organisation()
    client = Client()
    client.login(username=other_owner.get_username(), password=PASSWORD)
    assert _request(client, endpoint, endpoint.url(world.ids)) == 404


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [e for e in WITH_IDS if e.is_api], ids=str)
def test_objects_of_another_organisation_are_not_found_with_its_key(endpoint: Endpoint) -> None:
    from tests.factories import make_api_key

    world = make_world()
    other, _owner = make_organisation()
    _key, secret = make_api_key(other, scope="write")
    status = _request(
        Client(), endpoint, endpoint.url(world.ids), HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert status in (404, 403)  # 403 only where a write key may not act at all
    if endpoint.access and Role.ANALYST.at_least(endpoint.access.min_role):
        assert status == 404
