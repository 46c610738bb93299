"""Data-subject requests: find a person, export what is held about them, erase them.

Each request is logged as a `DataSubjectRequest` (the identifier only as a keyed
hash) and in the audit log with counts, never with the person's data. Erasure runs
in one transaction and is idempotent: a second run finds nothing left to erase.

What erasure keeps, so that the dashboards stay true: the responses' scores, emotions
picked and choices, their dashboard facts and rollups, and the respondent as an
anonymous tombstone (a new pseudonym, no reference) that still ties the scores of one
visit path together. With `delete_responses` the responses go too, and the rollups
are reduced by them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kaiku.audit.services import record
from kaiku.invitations.models import Invitation, SkipReason
from kaiku.organisations.actors import Actor
from kaiku.privacy import identifiers, selectors
from kaiku.privacy.models import (
    ERASED,
    DataSubjectRequest,
    RequestChannel,
    RequestKind,
    RequestStatus,
)
from kaiku.responses.models import AnalysisState, ImportJob
from kaiku.textanalysis.models import TextAnalysis


@dataclass
class Outcome:
    request: DataSubjectRequest
    respondent_ids: list[int]
    counts: dict[str, int] = field(default_factory=dict)
    document: dict[str, Any] | None = None


def _log(
    *,
    actor: Actor,
    kind: str,
    found_by: list[identifiers.Identifier],
    channel: str,
    respondent_ids: list[int],
    counts: dict[str, int] | None = None,
    options: dict[str, bool] | None = None,
) -> DataSubjectRequest:
    request = DataSubjectRequest.objects.create(
        organisation=actor.organisation,
        kind=kind,
        identifier_type=identifiers.describe(found_by),
        identifier_digest=identifiers.digest(actor.organisation.pk, found_by),
        channel=channel,
        requested_by=actor.user,
        actor_label=str(actor)[:300],
        status=RequestStatus.DONE if respondent_ids else RequestStatus.NOTHING_FOUND,
        respondents=len(respondent_ids),
        counts=counts or {},
        options=options or {},
    )
    record(
        actor=actor,
        action=f"privacy.{kind}",
        obj=request,
        after={"respondents": len(respondent_ids), **(counts or {}), **(options or {})},
    )
    return request


def find(
    *,
    actor: Actor,
    identifier: str,
    identifier_type: str = identifiers.AUTO,
    channel: str = RequestChannel.WEB,
) -> Outcome:
    """The respondents of the active organisation the identifier names."""
    found_by = identifiers.parse(identifier, identifier_type)
    ids = selectors.find_respondents(actor.organisation, found_by)
    request = _log(
        actor=actor, kind=RequestKind.FIND, found_by=found_by, channel=channel, respondent_ids=ids
    )
    return Outcome(request=request, respondent_ids=ids)


def export(
    *,
    actor: Actor,
    identifier: str,
    identifier_type: str = identifiers.AUTO,
    channel: str = RequestChannel.WEB,
) -> Outcome:
    """Everything held about the person, as a JSON-ready document (`exports` makes
    the files)."""
    found_by = identifiers.parse(identifier, identifier_type)
    ids = selectors.find_respondents(actor.organisation, found_by)
    document = selectors.subject_document(actor.organisation, ids)
    counts = {
        "responses": sum(len(p["responses"]) for p in document["people"]),
        "consent_records": sum(len(p["consents"]) for p in document["people"]),
        "cases": sum(len(p["cases"]) for p in document["people"]),
    }
    request = _log(
        actor=actor,
        kind=RequestKind.EXPORT,
        found_by=found_by,
        channel=channel,
        respondent_ids=ids,
        counts=counts,
    )
    return Outcome(request=request, respondent_ids=ids, counts=counts, document=document)


def erase(
    *,
    actor: Actor,
    identifier: str,
    identifier_type: str = identifiers.AUTO,
    delete_responses: bool = False,
    delete_import_files: bool = False,
    channel: str = RequestChannel.WEB,
) -> Outcome:
    """Erase the person: contact, consents, free text, invitation tokens, messages to
    them and case notes on their feedback; with the options, their responses whole
    and the import files their rows came from. Returns what was done, by count."""
    found_by = identifiers.parse(identifier, identifier_type)
    options = {"delete_responses": delete_responses, "delete_import_files": delete_import_files}
    removed_files: list[str] = []
    with transaction.atomic():
        ids = selectors.find_respondents(actor.organisation, found_by)
        plan = selectors.erasure_plan(actor.organisation, ids)
        counts = plan.counts(**options)
        if ids:
            removed_files = _apply(plan, **options)
        request = _log(
            actor=actor,
            kind=RequestKind.ERASE,
            found_by=found_by,
            channel=channel,
            respondent_ids=ids,
            counts=counts,
            options=options,
        )
    delete_files_on_commit(removed_files)
    return Outcome(request=request, respondent_ids=ids, counts=counts)


def erasure_preview(
    *,
    actor: Actor,
    identifier: str,
    identifier_type: str = identifiers.AUTO,
    delete_responses: bool = False,
    delete_import_files: bool = False,
) -> dict[str, int]:
    """What `erase` would do, by count; changes nothing and logs nothing."""
    found_by = identifiers.parse(identifier, identifier_type)
    ids = selectors.find_respondents(actor.organisation, found_by)
    plan = selectors.erasure_plan(actor.organisation, ids)
    return plan.counts(delete_responses=delete_responses, delete_import_files=delete_import_files)


def _apply(
    plan: selectors.ErasurePlan, *, delete_responses: bool, delete_import_files: bool
) -> list[str]:
    """Carry out the plan inside the caller's transaction; returns the stored file
    names to delete once it commits."""
    # Import jobs are read first: the responses' keys name them, and are cleared below.
    jobs = list(plan.import_jobs)
    plan.outbox.delete()
    plan.consents.delete()
    plan.contacts.delete()
    if delete_responses:
        # Each response leaves the rollups as it goes (analytics' pre_delete); its
        # answers, analyses, fact, case and case history go with it.
        for response in plan.responses.order_by("pk"):
            response.delete()
        plan.respondents.delete()
    else:
        plan.answer_texts.update(text="", analysis_state=AnalysisState.NONE)
        plan.curve_words.update(word="")
        plan.corrections.delete()
        # Theme and flag rows go with their analysis; the response's fact keeps the
        # valence and theme keys the dashboards count, with no words from the text.
        TextAnalysis.objects.filter(pk__in=plan.analyses.values("pk")).delete()
        plan.response_details.update(metadata={}, idempotency_key="")
        plan.case_events.update(text=ERASED)
        for case in plan.case_texts:
            case.root_cause = ERASED if case.root_cause else ""
            case.resolution = ERASED if case.resolution else ""
            if any(value.lower() in case.title.lower() for value in plan.quoted):
                case.title = _("Case %(id)s") % {"id": case.pk}
            case.save(update_fields=["root_cause", "resolution", "title"])
        for respondent in plan.respondents:
            respondent.pseudonym = uuid.uuid4()
            respondent.external_ref = ""
            respondent.save(update_fields=["pseudonym", "external_ref"])
    _forget_invitations(plan)
    return _clear_import_jobs(jobs, delete_files=delete_import_files)


def _forget_invitations(plan: selectors.ErasurePlan) -> None:
    # A fresh random token: the old one found the person and opened their answers.
    # A mail server's error may quote the address, so only our own codes stay.
    for invitation in Invitation.objects.filter(pk__in=plan.invitations.values("pk")):
        invitation.token = Invitation._meta.get_field("token").get_default()
        if invitation.reason not in SkipReason.values:
            invitation.reason = ""
        invitation.save(update_fields=["token", "reason"])


def _clear_import_jobs(jobs: list[ImportJob], *, delete_files: bool) -> list[str]:
    """The report's preview quotes the file's first rows: it goes. The files go with
    `delete_files`; their names are returned for deleting after the commit."""
    names = []
    for job in jobs:
        fields = []
        if job.report and job.report.get("preview"):
            job.report = {**job.report, "preview": []}
            fields.append("report")
        if delete_files:
            for file_field in ("file", "errors_file"):
                stored = getattr(job, file_field)
                if stored:
                    names.append(stored.name)
                    setattr(job, file_field, "")
                    fields.append(file_field)
        if fields:
            job.save(update_fields=fields)
    return names


def delete_files_on_commit(names: list[str]) -> None:
    """Stored files are no part of the transaction: they go once it has committed."""
    if not names:
        return
    from django.core.files.storage import default_storage

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)
