"""Erasure: no trace of the person's text in any table, export or page; scores and
aggregates kept; idempotent; the options to delete responses and import files."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client

from kaiku.analytics import services as analytics
from kaiku.analytics.models import ResponseFact, TouchpointDay
from kaiku.audit.models import AuditEntry
from kaiku.invitations.models import Invitation
from kaiku.loop.models import Case, CaseEvent, OutboxMessage
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Role
from kaiku.privacy import services
from kaiku.privacy.models import ERASED, ConsentRecord, DataSubjectRequest
from kaiku.responses.models import Answer, Contact, Respondent, Response
from kaiku.textanalysis.models import TextAnalysis
from tests.factories import make_import_job
from tests.privacy.helpers import Person, database_dump, make_person

pytestmark = pytest.mark.django_db


def _actor(person: Person) -> Actor:
    return Actor(organisation=person.organisation, role=Role.ADMIN, user=person.admin)


def _traces(person: Person) -> list[str]:
    escaped_name = json.dumps(person.name)[1:-1]  # as JSON text stores it on SQLite
    digits = person.phone.replace(" ", "")
    return [person.marker, person.email, person.phone, digits, person.name, escaped_name]


def _pages(person: Person) -> str:
    client = Client()
    client.force_login(person.admin)
    journey = person.survey.journey_id
    export = client.get(f"/analytics/journeys/{journey}/export.csv")
    assert export.status_code == 200
    comments = client.get("/responses/")
    assert comments.status_code == 200
    detail = client.get(f"/responses/{person.response.pk}/")
    case = client.get(f"/cases/{person.case.pk}/")
    return "".join(
        [
            b"".join(export.streaming_content).decode(),  # type: ignore[attr-defined]
            comments.content.decode(),
            detail.content.decode(),
            case.content.decode(),
        ]
    )


def test_an_erased_person_leaves_no_trace_in_the_database_exports_or_pages(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = make_person(django_capture_on_commit_callbacks)
    analytics.roll_up_new_responses()
    # The test can fail: before erasure every trace is there to be found.
    before = database_dump()
    assert all(trace in before for trace in (person.marker, person.email, person.phone))
    assert TextAnalysis.objects.filter(response=person.response).exists()
    assert person.marker in _pages(person)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.erase(actor=_actor(person), identifier=person.email)

    after = database_dump()
    left = [trace for trace in _traces(person) if trace in after]
    assert left == []
    pages = _pages(person)
    assert [trace for trace in _traces(person) if trace in pages] == []
    assert outcome.counts["contacts"] == 1 and outcome.counts["answer_texts"] == 1


def test_erasure_keeps_scores_facts_and_rollups_and_an_anonymous_respondent(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = make_person(django_capture_on_commit_callbacks)
    analytics.roll_up_new_responses()
    fact = ResponseFact.objects.get(response=person.response)
    cells = list(TouchpointDay.objects.values_list("responses", "nps_sum"))
    pseudonym = person.respondent.pseudonym

    services.erase(actor=_actor(person), identifier=person.email)

    response = Response.objects.get(pk=person.response.pk)
    assert response.answers.get(kind="nps").number == 2
    assert (response.metadata, response.idempotency_key) == ({}, "")
    assert ResponseFact.objects.get(response=response).nps == fact.nps == 2
    assert list(TouchpointDay.objects.values_list("responses", "nps_sum")) == cells
    respondent = Respondent.objects.get(pk=person.respondent.pk)
    assert respondent.pseudonym != pseudonym and respondent.external_ref == ""
    assert not Contact.objects.filter(respondent=respondent).exists()
    assert not ConsentRecord.objects.filter(respondent=respondent).exists()
    case = Case.objects.get(pk=person.case.pk)
    assert case.state == "resolved" and case.resolution == ERASED
    notes = CaseEvent.objects.filter(case=case, kind="note")
    assert [e.text for e in notes] == [ERASED]
    assert not OutboxMessage.objects.filter(pk=person.message.pk).exists()
    invitation = Invitation.objects.get(pk=person.invitation.pk)
    assert invitation.token != person.invitation.token and invitation.reason == ""


def test_only_the_fact_of_erasure_is_logged(django_capture_on_commit_callbacks: Any) -> None:
    person = make_person(django_capture_on_commit_callbacks)
    services.erase(actor=_actor(person), identifier=person.email)
    request = DataSubjectRequest.objects.get(kind="erase")
    assert (request.status, request.respondents, request.requested_by) == (
        "done",
        1,
        person.admin,
    )
    assert request.identifier_type == "email" and len(request.identifier_digest) == 64
    entry = AuditEntry.objects.get(action="privacy.erase")
    assert entry.user == person.admin and entry.after["contacts"] == 1  # type: ignore[index]
    logged = json.dumps([entry.after, entry.object_repr, request.counts, request.options])
    assert person.email not in logged and person.marker not in logged


def _state() -> list[list[dict[str, Any]]]:
    """Every row of the tables an erasure touches."""
    models: tuple[type[Model], ...] = (
        *(Respondent, Contact, ConsentRecord, Response, Answer, TextAnalysis, Case),
        *(CaseEvent, Invitation, OutboxMessage, ResponseFact, TouchpointDay),
    )
    return [list(m._default_manager.order_by("pk").values()) for m in models]


def test_erasing_again_changes_nothing_and_says_nothing_was_found(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = make_person(django_capture_on_commit_callbacks)
    first = services.erase(actor=_actor(person), identifier=person.email)
    erased = _state()
    second = services.erase(actor=_actor(person), identifier=person.email)
    assert second.respondent_ids == [] and not any(second.counts.values())
    assert second.request.status == "nothing_found"
    assert second.request.identifier_digest == first.request.identifier_digest
    assert _state() == erased


def test_erasing_by_pseudonym_or_token_finds_the_same_person(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = make_person(django_capture_on_commit_callbacks)
    outcome = services.erase(actor=_actor(person), identifier=person.invitation.token)
    assert outcome.respondent_ids == [person.respondent.pk]
    # The token went with the erasure: a second look finds nobody.
    again = services.find(actor=_actor(person), identifier=person.invitation.token)
    assert again.respondent_ids == []


def test_deleting_the_responses_takes_them_out_of_the_rollups(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = make_person(django_capture_on_commit_callbacks)
    analytics.roll_up_new_responses()
    assert sum(TouchpointDay.objects.values_list("responses", flat=True)) == 1

    outcome = services.erase(actor=_actor(person), identifier=person.email, delete_responses=True)

    assert outcome.counts["responses_deleted"] == 1
    assert not Response.objects.filter(pk=person.response.pk).exists()
    assert not Respondent.objects.filter(pk=person.respondent.pk).exists()
    assert not Case.objects.filter(pk=person.case.pk).exists()
    assert sum(TouchpointDay.objects.values_list("responses", flat=True)) == 0
    assert [t for t in (person.marker, person.email) if t in database_dump()] == []


def test_an_imported_persons_import_files_go_only_when_asked(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from kaiku.responses.import_jobs import run_import, start_import

    person = make_person(django_capture_on_commit_callbacks)
    other = make_import_job(person.survey, b"nps,email\n7,someone@example.org\n")
    job = make_import_job(person.survey, f"nps,email\n4,{person.email}\n".encode(), "crm.csv")
    actor = _actor(person)
    start_import(actor=actor, job=job, mapping={"nps": "nps", "email": "email"}, dry_run=False)
    run_import(job_id=job.pk)
    job.refresh_from_db()
    assert job.report and job.report["imported"] == 1 and job.report["preview"]
    stored = job.file.name
    assert job.file.storage.exists(stored)

    kept = services.erase(actor=actor, identifier=person.email)
    job.refresh_from_db()
    assert kept.counts["import_jobs"] == 1 and kept.counts["import_files"] == 0
    assert job.file.name == stored and job.report["preview"] == []  # type: ignore[index]

    job2 = make_import_job(person.survey, f"nps,email\n5,{person.email}\n".encode(), "b.csv")
    start_import(actor=actor, job=job2, mapping={"nps": "nps", "email": "email"}, dry_run=False)
    run_import(job_id=job2.pk)
    job2.refresh_from_db()
    stored2 = job2.file.name
    with django_capture_on_commit_callbacks(execute=True):
        gone = services.erase(actor=actor, identifier=person.email, delete_import_files=True)
    job2.refresh_from_db()
    assert gone.counts["import_files"] == 1 and not job2.file
    assert not job2.file.storage.exists(stored2)
    other.refresh_from_db()
    assert other.file and other.file.storage.exists(other.file.name)  # not theirs: kept
