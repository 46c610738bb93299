"""API keys in use: a revoked key is refused everywhere, and its last use is written at
most once a minute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kaiku.organisations.models import ApiKey, Role
from kaiku.organisations.services import revoke_api_key
from tests.factories import make_api_key, make_member, make_organisation, owner_actor

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "header", ["HTTP_AUTHORIZATION", "HTTP_X_API_KEY"], ids=["bearer", "x-api-key"]
)
def test_a_revoked_key_gets_401(header: str) -> None:
    organisation, _ = make_organisation()
    key, secret = make_api_key(organisation, scope="write")
    value = f"Bearer {secret}" if header == "HTTP_AUTHORIZATION" else secret
    client = Client(**{header: value})
    assert client.get("/api/v1/responses").status_code == 200
    revoke_api_key(actor=owner_actor(organisation), api_key=key)
    assert client.get("/api/v1/responses").status_code == 401
    answer = client.post("/api/v1/journeys", {"name": "x"}, content_type="application/json")
    assert answer.status_code == 401


def test_an_admin_revokes_a_key_on_the_keys_page() -> None:
    organisation, _ = make_organisation()
    admin, _ = make_member(organisation, Role.ADMIN)
    key, secret = make_api_key(organisation)
    web = Client()
    web.force_login(admin)
    assert web.post(f"/organisation/api-keys/{key.pk}/revoke/").status_code == 302
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/journeys").status_code == 401


def _key_updates(queries: CaptureQueriesContext) -> int:
    return sum(
        1
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "organisations_apikey" in q["sql"]
    )


def test_last_use_is_written_at_most_once_a_minute() -> None:
    organisation, _ = make_organisation()
    key, secret = make_api_key(organisation)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert key.last_used_at is None

    with CaptureQueriesContext(connection) as first:
        client.get("/api/v1/journeys")
    key.refresh_from_db()
    first_use = key.last_used_at
    assert first_use is not None and _key_updates(first) == 1

    with CaptureQueriesContext(connection) as soon_after:
        client.get("/api/v1/journeys")
        client.get("/api/v1/journeys")
    key.refresh_from_db()
    assert key.last_used_at == first_use and _key_updates(soon_after) == 0

    # A minute on, the next use is written again.
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first_use - timedelta(seconds=61))
    client.get("/api/v1/journeys")
    key.refresh_from_db()
    assert key.last_used_at is not None and key.last_used_at > first_use - timedelta(seconds=1)
    assert timezone.now() - key.last_used_at < timedelta(seconds=5)
