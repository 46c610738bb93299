"""Retention policies: the defaults, a dry run's counts, applying them, and what is
always kept (scores, facts, rollups)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kaiku.analytics import services as analytics
from kaiku.analytics.models import ResponseFact, TouchpointDay
from kaiku.loop.models import Case, CaseEvent, OutboxMessage
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Role
from kaiku.privacy import retention, selectors
from kaiku.privacy.models import ERASED, ConsentRecord, RetentionPolicy
from kaiku.privacy.tasks import apply_retention_task
from kaiku.responses.models import Answer, Contact, ImportJob, Response
from kaiku.textanalysis.models import TextAnalysis
from tests.factories import make_import_job
from tests.privacy.helpers import Person, make_person

pytestmark = pytest.mark.django_db


def _age(person: Person, days: int) -> None:
    """Move the person's answer, case and import files `days` into the past."""
    then = timezone.now() - timedelta(days=days)
    Response.objects.filter(pk=person.response.pk).update(submitted_at=then)
    Contact.objects.filter(respondent=person.respondent).update(updated_at=then)
    Case.objects.filter(pk=person.case.pk).update(resolved_at=then, updated_at=then)
    ImportJob.objects.filter(organisation=person.organisation).update(created_at=then)


@pytest.fixture
def person(django_capture_on_commit_callbacks: Any) -> Person:
    person = make_person(django_capture_on_commit_callbacks)
    make_import_job(person.survey)
    analytics.roll_up_new_responses()
    return person


def test_an_organisation_without_a_policy_has_the_documented_defaults(person: Person) -> None:
    policy = selectors.policy_for(person.organisation)
    assert policy.pk is None
    assert (
        policy.free_text_months,
        policy.contact_months,
        policy.case_note_months,
        policy.import_file_days,
    ) == (24, 12, 24, 30)


def test_nothing_recent_is_due(person: Person) -> None:
    assert not any(retention.preview(person.organisation).values())


def test_a_dry_run_counts_and_changes_nothing(person: Person) -> None:
    _age(person, 800)
    counts = retention.apply_retention(organisation=person.organisation, dry_run=True)
    assert counts == {
        "answer_texts": 1,
        "curve_words": 0,
        "analyses": 1,
        "contacts": 1,
        "consent_records": 1,
        "outbox_messages": 1,
        # The note, the resolving event (it quotes the resolution), and the case's own
        # resolution and root cause.
        "case_notes": 3,
        "import_files": 1,
    }
    assert Answer.objects.exclude(text="").count() == 1
    assert Contact.objects.count() == 1 and TextAnalysis.objects.count() == 1


def test_applying_removes_what_is_due_and_keeps_scores_and_aggregates(
    person: Person, django_capture_on_commit_callbacks: Any
) -> None:
    _age(person, 800)
    fact = ResponseFact.objects.values().get(response=person.response)
    cells = list(TouchpointDay.objects.values_list("responses", "nps_sum", "valence_sum"))
    job = ImportJob.objects.get(organisation=person.organisation)
    stored = job.file.name

    with django_capture_on_commit_callbacks(execute=True):
        counts = retention.apply_retention(organisation=person.organisation)

    assert counts["answer_texts"] == 1
    assert not Answer.objects.exclude(text="").exists()
    assert Answer.objects.get(response=person.response, kind="nps").number == 2
    assert not TextAnalysis.objects.exists()
    assert not Contact.objects.exists() and not ConsentRecord.objects.exists()
    assert not OutboxMessage.objects.filter(recipient=person.email).exists()
    note = CaseEvent.objects.get(case=person.case, kind="note")
    assert note.text == ERASED
    assert Case.objects.get(pk=person.case.pk).resolution == ERASED
    job.refresh_from_db()
    assert not job.file and not job.file.storage.exists(stored)
    assert ResponseFact.objects.values().get(response=person.response) == fact
    assert list(TouchpointDay.objects.values_list("responses", "nps_sum", "valence_sum")) == cells
    # Applied again at once, nothing more is due.
    assert not any(retention.apply_retention(organisation=person.organisation).values())


def test_each_period_counts_on_its_own(person: Person) -> None:
    # Older than the import files' 30 days and the contacts' 12 months, younger than
    # free text's and case notes' 24 months.
    _age(person, 400)
    counts = retention.preview(person.organisation)
    assert counts["import_files"] == 1 and counts["contacts"] == 1
    assert counts["answer_texts"] == 0 and counts["case_notes"] == 0


def test_a_period_left_empty_keeps_that_data(person: Person) -> None:
    _age(person, 4000)
    actor = Actor(organisation=person.organisation, role=Role.ADMIN, user=person.admin)
    retention.save_policy(
        actor=actor,
        values={
            "free_text_months": None,
            "contact_months": 120,
            "case_note_months": None,
            "import_file_days": 30,
        },
    )
    counts = retention.preview(person.organisation)
    assert counts["answer_texts"] == counts["case_notes"] == 0
    assert counts["contacts"] == 1 and counts["import_files"] == 1


def test_a_period_out_of_range_is_refused(person: Person) -> None:
    actor = Actor(organisation=person.organisation, role=Role.ADMIN, user=person.admin)
    with pytest.raises(ValidationError) as refused:
        retention.save_policy(actor=actor, values={"free_text_months": 0, "import_file_days": 1})
    assert "free_text_months" in refused.value.message_dict
    assert not RetentionPolicy.objects.exists()


def test_open_cases_keep_their_notes(person: Person) -> None:
    _age(person, 800)
    Case.objects.filter(pk=person.case.pk).update(state="in_progress")
    assert retention.preview(person.organisation)["case_notes"] == 0


def test_the_daily_task_applies_every_organisation(person: Person) -> None:
    _age(person, 800)
    results = apply_retention_task.delay().get()
    assert results[person.organisation.slug]["answer_texts"] == 1
    assert not Answer.objects.exclude(text="").exists()


def test_the_beat_schedule_runs_retention_daily(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert entry["task"] == "privacy.apply_retention" and entry["schedule"] == 24 * 3600
