"""Importing from the web: upload, choose columns, check, import in the background,
progress and the report with every rejected row."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kaiku.organisations.models import Role
from kaiku.responses import import_jobs
from kaiku.responses.models import Answer, ImportJob, ImportStatus, Response
from tests.factories import (
    PASSWORD,
    make_import_job,
    make_member,
    make_organisation,
    make_survey,
    owner_actor,
)

pytestmark = pytest.mark.django_db

FILE = (
    "Päivä;Suositteluhalukkuus;what_happened;Muuta\n"
    "2026-03-01 10:00;4;Jono oli pitkä;a\n"  # row 2: good
    "2026-03-01 10:05;kymmenen;;b\n"  # row 3: not a number
    '2026-03-02 09:00;9;=HYPERLINK("http://x");c\n'  # row 4: a formula
    "2026-03-03 12:00;10;;d\n"  # row 5: good
).encode()


@pytest.fixture
def analyst() -> tuple[Client, Any]:
    organisation, _owner = make_organisation()
    user, _membership = make_member(organisation, Role.ANALYST)
    client = Client()
    client.login(username=user.get_username(), password=PASSWORD)
    return client, make_survey(organisation, status="closed")


def _upload(client: Client, survey: Any, content: bytes = FILE, name: str = "vanhat.csv") -> Any:
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    url = reverse("surveys:import_upload", args=[survey.pk])
    return client.post(url, {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")


MAPPING = {"map__submitted_at": "Päivä", "map__nps": "Suositteluhalukkuus"}


def test_upload_check_then_import_keeps_good_rows_and_reports_bad_ones(
    analyst: tuple[Client, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client, survey = analyst
    answer = _upload(client, survey)
    job = ImportJob.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "surveys:import_job", args=[job.pk]
    )
    assert job.header == ["Päivä", "Suositteluhalukkuus", "what_happened", "Muuta"]
    # Only the column named like a question is chosen for you.
    assert job.mapping == {"what_happened": "what_happened"}

    page = client.get(reverse("surveys:import_job", args=[job.pk])).content.decode()
    assert "Jono oli pitkä" in page  # the first rows of the file, to choose by
    assert "<option selected>what_happened</option>" in page

    url = reverse("surveys:import_job", args=[job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**MAPPING, "map__what_happened": "what_happened", "action": "check"})
    job.refresh_from_db()
    assert (job.status, job.dry_run) == (ImportStatus.DONE, True)
    assert job.report is not None
    assert (job.report["rows"], job.report["imported"], job.report["rejected"]) == (4, 2, 2)
    assert job.report["ignored_columns"] == ["Muuta"]
    assert not Response.objects.exists()  # a check saves nothing

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**MAPPING, "map__what_happened": "what_happened", "action": "import"})
    job.refresh_from_db()
    assert (job.status, job.dry_run, job.report["imported"]) == (ImportStatus.DONE, False, 2)
    assert sorted(Answer.objects.filter(question__key="nps").values_list("number", flat=True)) == [
        4,
        10,
    ]
    assert Response.objects.filter(source="import", survey=survey).count() == 2

    rejected = client.get(reverse("surveys:import_rejected", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(rejected.streaming_content).decode())))
    assert rows[0] == ["row", "column", "reason"]
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("3", "Suositteluhalukkuus"),
        ("4", "what_happened"),
    ]

    # Imported once: a second import of the same file is refused.
    answer = client.post(url, {**MAPPING, "action": "import"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "This file has been imported already." in answer.content.decode()
    assert Response.objects.count() == 2


def test_a_mapping_to_a_missing_column_is_refused_with_the_reason(
    analyst: tuple[Client, Any],
) -> None:
    client, survey = analyst
    _upload(client, survey)
    job = ImportJob.objects.get()
    answer = client.post(
        reverse("surveys:import_job", args=[job.pk]),
        {"map__nps": "Ei tällaista", "action": "check"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 200
    assert "No such columns in the file: Ei tällaista." in answer.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.UPLOADED


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("kuva.png", b"\x89PNG", "Choose a CSV or XLSX file."),
        ("tyhja.csv", b"", "The file is empty."),
        ("rikki.xlsx", b"not a zip", "Cannot read the XLSX file"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_and_not_kept(
    analyst: tuple[Client, Any], name: str, content: bytes, reason: str
) -> None:
    client, survey = analyst
    answer = _upload(client, survey, content, name)
    assert answer.status_code == 302
    page = client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reason in page
    assert not ImportJob.objects.exists()


def test_a_run_started_again_after_a_crash_adds_only_the_missing_rows() -> None:
    organisation, _owner = make_organisation()
    survey = make_survey(organisation, status="closed")
    content = "nps\n" + "".join(f"{n % 11}\n" for n in range(2500))
    job = make_import_job(survey, content.encode())
    import_jobs.start_import(
        actor=owner_actor(organisation), job=job, mapping={"nps": "nps"}, dry_run=False
    )
    import_jobs.run_import(job_id=job.pk)
    assert Response.objects.count() == 2500
    # A worker killed half-way leaves the job running; the task is delivered again.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    Response.objects.filter(pk__in=Response.objects.order_by("-pk").values("pk")[:700]).delete()
    job = import_jobs.run_import(job_id=job.pk)
    assert Response.objects.count() == 2500
    assert job.report is not None
    assert (job.report["imported"], job.report["duplicates"]) == (700, 1800)


def test_an_undecodable_byte_in_a_column_name_still_ends_in_a_report() -> None:
    # The name went into the rejected-rows file, which refused it: the job failed
    # (found by tests/responses/test_import_fuzz.py).
    organisation, _owner = make_organisation()
    survey = make_survey(organisation, status="closed")
    job = make_import_job(survey, b"nps;huom\xe4\n5;ok\n3;\xff\n")
    import_jobs.start_import(
        actor=owner_actor(organisation), job=job, mapping={"nps": "nps"}, dry_run=False
    )
    job = import_jobs.run_import(job_id=job.pk)
    assert job.status == ImportStatus.DONE and job.report is not None
    assert (job.report["imported"], job.report["rejected"]) == (1, 1)
    assert job.report["errors"][0]["column"] == "huom\ufffd"
    assert "huom\ufffd" in job.errors_file.read().decode()


def test_the_page_shows_progress_while_running_and_reloads_when_done(
    analyst: tuple[Client, Any],
) -> None:
    client, survey = analyst
    _upload(client, survey)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, rows_done=1234, bytes_done=job.size // 2
    )
    url = reverse("surveys:import_job", args=[job.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1234 rows read" in page and 'hx-trigger="every 2s"' in page
    assert f'value="{int(100 * (job.size // 2) / job.size)}"' in page

    poll = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TRIGGER": "import-status"}
    fragment = client.get(url, **poll)
    assert fragment.status_code == 200 and b"<progress" in fragment.content
    assert b"<html" not in fragment.content

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, dry_run=True)
    done = client.get(url, **poll)
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_viewers_cannot_upload_and_other_organisations_see_nothing() -> None:
    organisation, _owner = make_organisation()
    survey = make_survey(organisation)
    job = make_import_job(survey)
    viewer, _membership = make_member(organisation, Role.VIEWER)
    client = Client()
    client.login(username=viewer.get_username(), password=PASSWORD)
    assert _upload(client, survey).status_code == 403
    assert client.get(reverse("surveys:import_job", args=[job.pk])).status_code == 403

    other, _ = make_organisation()
    stranger, _membership = make_member(other, Role.OWNER)
    client.login(username=stranger.get_username(), password=PASSWORD)
    assert client.get(reverse("surveys:import_job", args=[job.pk])).status_code == 404
