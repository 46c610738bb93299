"""Retention: what an organisation's policy says is due for removal now, and
removing it (daily by Celery beat, `kaiku privacy retention`, or the settings page).

Free text past its time is cleared from the answers and its analyses deleted; the
scores, the emotions picked, and the dashboards' facts and rollups stay. Contacts
go some months after the person last answered, with their consent records and the
messages addressed to them. Case notes, root causes and resolutions of cases that
ended long ago become a marker. Import files are deleted some days after upload.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kaiku.audit.services import record, snapshot
from kaiku.loop.models import OPEN_STATES, Case, CaseEvent, OutboxMessage
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Organisation
from kaiku.privacy.models import ERASED, ConsentRecord, RetentionPolicy
from kaiku.privacy.selectors import policy_for
from kaiku.privacy.services import delete_files_on_commit
from kaiku.responses.models import AnalysisState, Answer, Contact, CurvePoint, ImportJob
from kaiku.textanalysis.models import Correction, TextAnalysis

POLICY_FIELDS = ("free_text_months", "contact_months", "case_note_months", "import_file_days")
MAX_MONTHS = 240
MAX_DAYS = 3650


def _months_ago(now: datetime, months: int) -> datetime:
    # A month as 30.44 days: retention is about "roughly two years", not calendars.
    return now - timedelta(days=round(months * 30.44))


@dataclass
class Due:
    """The rows a policy says are past their time, as querysets."""

    answer_texts: QuerySet[Answer]
    curve_words: QuerySet[CurvePoint]
    analyses: QuerySet[TextAnalysis]
    corrections: QuerySet[Correction]
    contacts: QuerySet[Contact]
    consent_records: QuerySet[ConsentRecord]
    outbox_messages: QuerySet[OutboxMessage]
    case_events: QuerySet[CaseEvent]
    case_texts: QuerySet[Case]
    import_jobs: QuerySet[ImportJob]

    def counts(self) -> dict[str, int]:
        return {
            "answer_texts": self.answer_texts.count(),
            "curve_words": self.curve_words.count(),
            "analyses": self.analyses.count(),
            "contacts": self.contacts.count(),
            "consent_records": self.consent_records.count(),
            "outbox_messages": self.outbox_messages.count(),
            "case_notes": self.case_events.count() + self.case_texts.count(),
            "import_files": sum(bool(j.file) + bool(j.errors_file) for j in self.import_jobs),
        }


def due(organisation: Organisation, policy: RetentionPolicy, now: datetime) -> Due:
    answers = Answer.objects.none()
    analyses = TextAnalysis.objects.none()
    if policy.free_text_months:
        cutoff = _months_ago(now, policy.free_text_months)
        answers = Answer.objects.filter(
            response__organisation=organisation, response__submitted_at__lt=cutoff
        )
        analyses = TextAnalysis.objects.filter(
            organisation=organisation, response__submitted_at__lt=cutoff
        )
    contacts = Contact.objects.none()
    if policy.contact_months:
        cutoff = _months_ago(now, policy.contact_months)
        # Counted from the person's last answer; one who never answered (an invited
        # contact) from when the contact was last changed.
        contacts = (
            Contact.objects.filter(respondent__organisation=organisation)
            .annotate(last=Coalesce(Max("respondent__responses__submitted_at"), "updated_at"))
            .filter(last__lt=cutoff)
        )
    contact_respondents = list(contacts.values_list("respondent_id", flat=True))
    emails = [e for e in contacts.values_list("email", flat=True) if e]
    events = CaseEvent.objects.none()
    cases = Case.objects.none()
    if policy.case_note_months:
        cutoff = _months_ago(now, policy.case_note_months)
        ended = (
            Case.objects.filter(organisation=organisation)
            .exclude(state__in=OPEN_STATES)
            .annotate(ended=Coalesce("closed_at", "resolved_at", "updated_at"))
            .filter(ended__lt=cutoff)
        )
        events = CaseEvent.objects.filter(case__in=ended).exclude(text="").exclude(text=ERASED)
        cases = ended.filter(
            (~Q(root_cause="") & ~Q(root_cause=ERASED))
            | (~Q(resolution="") & ~Q(resolution=ERASED))
        )
    jobs = ImportJob.objects.none()
    if policy.import_file_days:
        cutoff = now - timedelta(days=policy.import_file_days)
        jobs = (
            ImportJob.objects.filter(organisation=organisation, created_at__lt=cutoff)
            .exclude(status__in=["queued", "running"])
            .filter(~Q(file="") | ~Q(errors_file=""))
        )
    outbox = OutboxMessage.objects.none()
    if emails:
        match = Q(pk__in=[])
        for email in emails:
            match |= Q(recipient__iexact=email)
        outbox = OutboxMessage.objects.filter(organisation=organisation).filter(match)
    return Due(
        answer_texts=answers.exclude(text=""),
        curve_words=CurvePoint.objects.filter(answer__in=answers).exclude(word=""),
        analyses=analyses,
        corrections=Correction.objects.filter(answer__in=analyses.values("answer_id")),
        contacts=contacts,
        consent_records=ConsentRecord.objects.filter(respondent_id__in=contact_respondents),
        outbox_messages=outbox,
        case_events=events,
        case_texts=cases,
        import_jobs=jobs,
    )


def preview(organisation: Organisation, now: datetime | None = None) -> dict[str, int]:
    """What applying the policy now would remove, by count."""
    return due(organisation, policy_for(organisation), now or timezone.now()).counts()


def apply_retention(
    *,
    organisation: Organisation,
    now: datetime | None = None,
    dry_run: bool = False,
    actor: Actor | None = None,
) -> dict[str, int]:
    """Remove what the organisation's policy says is past its time; returns the counts
    (with `dry_run`, only counts). Running it again at once removes nothing more.
    `actor` is who asked (the audit log's "Kaiku" when the schedule did)."""
    now = now or timezone.now()
    names: list[str] = []
    with transaction.atomic():
        found = due(organisation, policy_for(organisation), now)
        counts = found.counts()
        if dry_run or not any(counts.values()):
            return counts
        # Contacts first: the outbox and consent querysets are read from them.
        found.outbox_messages.delete()
        found.consent_records.delete()
        Contact.objects.filter(pk__in=list(found.contacts.values_list("pk", flat=True))).delete()
        found.answer_texts.update(text="", analysis_state=AnalysisState.NONE)
        found.curve_words.update(word="")
        found.corrections.delete()
        TextAnalysis.objects.filter(pk__in=found.analyses.values("pk")).delete()
        found.case_events.update(text=ERASED)
        for case in found.case_texts:
            case.root_cause = ERASED if case.root_cause else ""
            case.resolution = ERASED if case.resolution else ""
            case.save(update_fields=["root_cause", "resolution"])
        for job in found.import_jobs:
            for file_field in ("file", "errors_file"):
                stored = getattr(job, file_field)
                if stored:
                    names.append(stored.name)
                    setattr(job, file_field, "")
            if job.report and job.report.get("preview"):
                job.report = {**job.report, "preview": []}
            job.save(update_fields=["file", "errors_file", "report"])
        record(
            actor=actor or Actor.system(organisation),
            action="privacy.retention",
            obj=organisation,
            after=counts,
        )
        delete_files_on_commit(names)
    return counts


def apply_all(*, now: datetime | None = None, dry_run: bool = False) -> dict[str, dict[str, int]]:
    """Every organisation's policy, one transaction each; counts by organisation."""
    return {
        organisation.slug: apply_retention(organisation=organisation, now=now, dry_run=dry_run)
        for organisation in Organisation.objects.order_by("pk")
    }


@transaction.atomic
def save_policy(*, actor: Actor, values: dict[str, int | None]) -> RetentionPolicy:
    """Set the organisation's retention; a value of None keeps that data for good."""
    errors = {}
    for name in POLICY_FIELDS:
        value = values.get(name)
        limit = MAX_DAYS if name == "import_file_days" else MAX_MONTHS
        if value is not None and not 1 <= value <= limit:
            errors[name] = [_("Enter a number from 1 to %(n)d, or leave empty.") % {"n": limit}]
    if errors:
        raise ValidationError(errors)
    policy = policy_for(actor.organisation)
    before = snapshot(policy, list(POLICY_FIELDS)) if policy.pk else None
    for name in POLICY_FIELDS:
        setattr(policy, name, values.get(name))
    policy.save()
    record(
        actor=actor,
        action="privacy.retention_policy",
        obj=policy,
        before=before,
        after=snapshot(policy, list(POLICY_FIELDS)),
    )
    return policy
