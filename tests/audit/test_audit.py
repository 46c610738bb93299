"""The audit log: who changed what, when, before and after; per organisation."""

from __future__ import annotations

import pytest
from django.test import Client

from kaiku.audit.models import AuditEntry
from kaiku.journeys import services
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Role
from tests.factories import make_api_key, make_journey, make_member, make_organisation

pytestmark = pytest.mark.django_db


def test_changes_through_the_api_name_the_key() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation)
    key, secret = make_api_key(organisation)
    Client(HTTP_AUTHORIZATION=f"Bearer {secret}").patch(
        f"/api/v1/journeys/{journey.pk}", {"name": "Uusi"}, content_type="application/json"
    )
    entry = AuditEntry.objects.get(action="journey.update")
    assert entry.api_key == key and entry.user is None
    assert (entry.before["name"], entry.after["name"]) == (journey.name, "Uusi")


def test_changes_in_the_web_name_the_person() -> None:
    organisation, _ = make_organisation()
    user, _ = make_member(organisation, Role.ANALYST)
    journey = make_journey(organisation)
    stage = journey.stages.first()
    assert stage is not None
    actor = Actor(organisation=organisation, role=Role.ANALYST, user=user)
    services.archive_stage(actor=actor, stage=stage)
    entry = AuditEntry.objects.get(action="stage.archive")
    assert entry.user == user and entry.organisation == organisation


def test_admin_reads_only_their_own_organisations_log() -> None:
    organisation, _ = make_organisation()
    other, _ = make_organisation()
    make_journey(organisation)
    foreign = make_journey(other)
    admin, _ = make_member(organisation, Role.ADMIN)
    client = Client()
    client.force_login(admin)
    page = client.get("/audit/").content.decode()
    assert "journey.create" in page
    assert foreign.name not in page
