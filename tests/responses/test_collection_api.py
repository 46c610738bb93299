"""Channels through the API: kiosks, invitation rounds and imports of past feedback."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kaiku.invitations.models import Invitation, InvitationStatus
from kaiku.responses.models import ImportJob, Response
from tests.factories import make_api_key, make_import_job, make_organisation, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> tuple[Client, Any, dict[str, str]]:
    organisation, _owner = make_organisation()
    _key, secret = make_api_key(organisation, scope="write")
    return Client(), make_survey(organisation), {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_kiosk_is_added_listed_and_switched_off(api: tuple[Client, Any, dict[str, str]]) -> None:
    client, survey, auth = api
    touchpoint = survey.touchpoints.first()
    answer = client.post(
        f"/api/v1/surveys/{survey.pk}/kiosks",
        {"name": "Aulan tabletti", "touchpoint_id": touchpoint.pk, "language": "sv"},
        content_type="application/json",
        **auth,
    )
    assert answer.status_code == 201, answer.content
    kiosk = answer.json()
    assert (kiosk["name"], kiosk["language"], kiosk["active"]) == ("Aulan tabletti", "sv", True)
    assert kiosk["url"].startswith("http://testserver/k/")
    assert Client().get(kiosk["url"]).status_code == 200

    listed = client.get(f"/api/v1/surveys/{survey.pk}/kiosks", **auth).json()
    assert [k["id"] for k in listed] == [kiosk["id"]]
    off = client.post(
        f"/api/v1/kiosks/{kiosk['id']}/active",
        {"active": False},
        content_type="application/json",
        **auth,
    )
    assert off.json()["active"] is False
    assert Client().get(kiosk["url"]).status_code == 404

    wrong = client.post(
        f"/api/v1/surveys/{survey.pk}/kiosks",
        {"name": "Kioski", "language": "de"},
        content_type="application/json",
        **auth,
    )
    assert wrong.status_code == 422


def test_invitation_round_invites_good_addresses_and_reports_bad_ones(
    api: tuple[Client, Any, dict[str, str]], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client, survey, auth = api
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    body = {
        "name": "Maaliskuu",
        "contacts": [
            {"email": "Maija@Example.org", "language": "fi"},
            {"email": "ei-osoite"},
            {"email": "pekka@example.org", "name": "Pekka"},
            {"email": "maija@example.org"},
        ],
        "reminder_after_days": 2,
    }
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"/api/v1/surveys/{survey.pk}/invitation-rounds",
            body,
            content_type="application/json",
            **auth,
        )
    assert answer.status_code == 201, answer.content
    created = answer.json()
    assert (created["invited"], created["skipped"]) == (2, 0)
    assert [(e["index"], e["field"]) for e in created["rejected"]] == [(1, "email"), (3, "email")]
    assert sorted(m.to[0] for m in mail.outbox) == ["maija@example.org", "pekka@example.org"]
    assert Invitation.objects.filter(status=InvitationStatus.SENT).count() == 2

    rounds = client.get(f"/api/v1/surveys/{survey.pk}/invitation-rounds", **auth).json()
    assert [(r["name"], r["sent"], r["reminder_after_days"]) for r in rounds] == [
        ("Maaliskuu", 2, 2)
    ]


def test_import_through_the_api_upload_check_import_and_report(
    api: tuple[Client, Any, dict[str, str]], django_capture_on_commit_callbacks: Any
) -> None:
    client, survey, auth = api
    upload = SimpleUploadedFile("vanhat.csv", b"nps;kommentti\n9;hyvin meni\nsata;\n3;huono\n")
    answer = client.post(f"/api/v1/surveys/{survey.pk}/imports", {"file": upload}, **auth)
    assert answer.status_code == 201, answer.content
    job = answer.json()
    assert (job["header"], job["mapping"], job["status"]) == (
        ["nps", "kommentti"],
        {"nps": "nps"},
        "uploaded",
    )

    start = f"/api/v1/imports/{job['id']}/start"
    mapping = {"nps": "nps", "what_happened": "kommentti"}
    with django_capture_on_commit_callbacks(execute=True):
        checked = client.post(start, {"mapping": mapping}, content_type="application/json", **auth)
    assert checked.status_code == 202
    report = client.get(f"/api/v1/imports/{job['id']}", **auth).json()
    assert (report["status"], report["dry_run"]) == ("done", True)
    assert (report["report"]["imported"], report["report"]["rejected"]) == (2, 1)
    assert report["report"]["errors"][0]["row"] == 3
    assert not Response.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            start,
            {"mapping": mapping, "dry_run": False},
            content_type="application/json",
            **auth,
        )
    assert Response.objects.filter(survey=survey, source="import").count() == 2
    again = client.post(
        start, {"mapping": mapping, "dry_run": False}, content_type="application/json", **auth
    )
    assert again.status_code == 422
    assert Response.objects.count() == 2


def test_another_organisations_import_job_is_not_found(
    api: tuple[Client, Any, dict[str, str]],
) -> None:
    client, _survey, auth = api
    other, _owner = make_organisation()
    other_survey = make_survey(other)
    upload = SimpleUploadedFile("a.csv", b"nps\n9\n")
    assert (
        client.post(
            f"/api/v1/surveys/{other_survey.pk}/imports", {"file": upload}, **auth
        ).status_code
        == 404
    )
    job = make_import_job(other_survey)
    assert client.get(f"/api/v1/imports/{job.pk}", **auth).status_code == 404
    assert ImportJob.objects.count() == 1
