"""The privacy pages: who may open them, find → export → erase with confirmation,
the retention page and the record of processing."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kaiku.loop import services as loop_services
from kaiku.organisations.models import Role
from kaiku.privacy.models import DataSubjectRequest, RetentionPolicy
from kaiku.responses.models import Contact
from tests.factories import make_member, owner_actor
from tests.privacy.helpers import Person, make_person

pytestmark = pytest.mark.django_db
PAGES = ["/privacy/", "/privacy/retention/", "/privacy/processing/", "/privacy/processing.md"]


@pytest.fixture
def person(django_capture_on_commit_callbacks: Any) -> Person:
    return make_person(django_capture_on_commit_callbacks)


def _client(user: User) -> Client:
    # The pages in English, as the assertions read them (Finnish is the default).
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
def test_owners_and_admins_open_every_privacy_page(person: Person, role: Role) -> None:
    user, _membership = make_member(person.organisation, role)
    client = _client(user)
    for page in PAGES:
        assert client.get(page).status_code == 200, page
    assert "/privacy/" in client.get("/audit/").content.decode()  # the nav link


@pytest.mark.parametrize("role", [Role.ANALYST, Role.HANDLER, Role.VIEWER])
def test_other_roles_may_not_open_them_nor_see_the_link(person: Person, role: Role) -> None:
    user, _membership = make_member(person.organisation, role)
    client = _client(user)
    for page in PAGES:
        assert client.get(page).status_code == 403, page
    erase = client.post("/privacy/erase/", {"identifier": person.email, "confirmed": "on"})
    assert erase.status_code == 403
    assert Contact.objects.filter(email=person.email).exists()
    assert 'href="/privacy/"' not in client.get("/responses/").content.decode()


def test_finding_shows_the_person_and_logs_the_search(person: Person) -> None:
    page = _client(person.admin).post("/privacy/", {"identifier": person.email})
    html = page.content.decode()
    assert page.status_code == 200
    assert person.email in html and str(person.respondent.pseudonym)[:10] in html
    assert DataSubjectRequest.objects.get().kind == "find"


def test_finding_nobody_says_so(person: Person) -> None:
    page = _client(person.admin).post("/privacy/", {"identifier": "nobody@example.org"})
    assert "Nobody in this organisation matches." in page.content.decode()


def test_the_export_downloads_a_zip(person: Person) -> None:
    download = _client(person.admin).post("/privacy/export/", {"identifier": person.email})
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert download["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    document = json.loads(archive.read("subject.json"))
    assert document["people"][0]["contact"]["email"] == person.email


def test_erasing_asks_for_confirmation_first(person: Person) -> None:
    client = _client(person.admin)
    asked = client.post("/privacy/erase/", {"identifier": person.email})
    html = asked.content.decode()
    assert asked.status_code == 200 and "This cannot be undone." in html
    assert "comments cleared" in html and 'name="confirmed"' in html
    assert Contact.objects.filter(email=person.email).exists()
    assert not DataSubjectRequest.objects.exists()

    done = client.post("/privacy/erase/", {"identifier": person.email, "confirmed": "on"})
    assert done.status_code == 302
    assert not Contact.objects.filter(email=person.email).exists()
    log = client.get(done["Location"]).content.decode()
    assert "Erased:" in log and person.email not in log
    assert DataSubjectRequest.objects.get().kind == "erase"


def test_the_retention_page_shows_the_defaults_and_saves_a_policy(person: Person) -> None:
    client = _client(person.admin)
    page = client.get("/privacy/retention/").content.decode()
    assert "defaults: free text 24 months, contact details 12 months" in page
    saved = client.post(
        "/privacy/retention/save/",
        {"free_text_months": "6", "contact_months": "", "case_note_months": "12",
         "import_file_days": "7"},
    )  # fmt: skip
    assert saved.status_code == 302
    policy = RetentionPolicy.objects.get(organisation=person.organisation)
    assert (policy.free_text_months, policy.contact_months, policy.import_file_days) == (
        6,
        None,
        7,
    )
    refused = client.post("/privacy/retention/save/", {"free_text_months": "0"})
    assert refused.status_code == 200 and 'class="error"' in refused.content.decode()


def test_applying_retention_from_the_page(person: Person) -> None:
    response = _client(person.admin).post("/privacy/retention/apply/")
    assert response.status_code == 302


def test_the_record_of_processing_is_generated_from_what_there_is(person: Person) -> None:
    actor = owner_actor(person.organisation)
    loop_services.save_webhook(actor=actor, name="Slack", url="https://hooks.slack.com/x")
    client = _client(person.admin)
    html = client.get("/privacy/processing/").content.decode()
    assert "hooks.slack.com" in html
    assert "Following up feedback with the customer" in html
    saved = client.post(
        "/privacy/processing/processors/", {"text": "Hosting: UpCloud Oy (Finland)"}
    )
    assert saved.status_code == 302
    markdown = client.get("/privacy/processing.md").content.decode()
    assert markdown.startswith("# Record of processing activities")
    assert "UpCloud Oy" in markdown and "hooks.slack.com" in markdown
    document = json.loads(client.get("/privacy/processing.json").content)
    assert document["processors"] == "Hosting: UpCloud Oy (Finland)"
    assert document["data_categories"][0]["count"] == 1  # the person's contact
