"""Reads for privacy: finding a person's respondents, everything held about them,
what an erasure would touch, the request log and the retention policy in force."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet

from kaiku.invitations.models import Invitation
from kaiku.loop.models import Case, CaseEvent, OutboxMessage
from kaiku.organisations.models import Organisation
from kaiku.privacy import identifiers
from kaiku.privacy.identifiers import Identifier
from kaiku.privacy.models import (
    ERASED,
    ConsentRecord,
    DataSubjectRequest,
    ProcessorList,
    RetentionPolicy,
)
from kaiku.responses.models import (
    Answer,
    Contact,
    CurvePoint,
    ImportJob,
    Respondent,
    Response,
    Source,
)
from kaiku.textanalysis.models import Correction, TextAnalysis

_IMPORT_KEY = re.compile(r"^import-(\d+)-\d+$")


def find_respondents(organisation: Organisation, found_by: list[Identifier]) -> list[int]:
    """The ids of the organisation's respondents that any identifier names."""
    ids: set[int] = set()
    respondents = Respondent.objects.filter(organisation=organisation)
    for identifier in found_by:
        if identifier.type == identifiers.EMAIL:
            match = respondents.filter(contact__email__iexact=identifier.value)
            ids.update(match.values_list("pk", flat=True))
        elif identifier.type == identifiers.PHONE:
            ids.update(_by_phone(organisation, identifier.value))
        elif identifier.type == identifiers.RESPONDENT:
            pseudonym = identifiers.as_uuid(identifier.value)
            match = respondents.filter(
                Q(external_ref=identifier.value) | Q(pseudonym=pseudonym)
                if pseudonym
                else Q(external_ref=identifier.value)
            )
            ids.update(match.values_list("pk", flat=True))
        elif identifier.type == identifiers.TOKEN:
            invitations = Invitation.objects.filter(
                round__organisation=organisation, token=identifier.value
            )
            ids.update(invitations.values_list("respondent_id", flat=True))
    return sorted(ids)


def _by_phone(organisation: Organisation, phone: str) -> set[int]:
    # Numbers are kept as they were typed ("040 123 4567", "+358 40…"): each is
    # brought to E.164 here. Few contacts have a phone, so reading them is cheap.
    contacts = Contact.objects.filter(respondent__organisation=organisation).exclude(phone="")
    return {
        respondent_id
        for respondent_id, stored in contacts.values_list("respondent_id", "phone").iterator()
        if identifiers.normalise_phone(stored) == phone
    }


@dataclass
class FoundPerson:
    """One matched respondent, as the request page lists it."""

    pseudonym: str
    external_ref: str
    email: str
    name: str
    phone: str
    responses: int
    first_answer: Any
    last_answer: Any
    comments: int
    invitations: int
    cases: int
    consents: int


def found_people(organisation: Organisation, respondent_ids: list[int]) -> list[FoundPerson]:
    respondents = (
        Respondent.objects.filter(organisation=organisation, pk__in=respondent_ids)
        .select_related("contact")
        .annotate(
            n_responses=Count("responses", distinct=True),
            first=Min("responses__submitted_at"),
            last=Max("responses__submitted_at"),
            n_invitations=Count("invitations", distinct=True),
        )
        .order_by("pk")
    )
    people = []
    for respondent in respondents:
        contact = getattr(respondent, "contact", None)
        responses = Response.objects.filter(respondent=respondent)
        people.append(
            FoundPerson(
                pseudonym=str(respondent.pseudonym),
                external_ref=respondent.external_ref,
                email=contact.email if contact else "",
                name=contact.name if contact else "",
                phone=contact.phone if contact else "",
                responses=respondent.n_responses,
                first_answer=respondent.first,
                last_answer=respondent.last,
                comments=Answer.objects.filter(response__in=responses).exclude(text="").count(),
                invitations=respondent.n_invitations,
                cases=Case.objects.filter(response__in=responses).count(),
                consents=ConsentRecord.objects.filter(respondent=respondent).count(),
            )
        )
    return people


# What an erasure touches ------------------------------------------------------------


@dataclass
class ErasurePlan:
    """The rows an erasure of some respondents changes or deletes, as querysets:
    counted for the confirmation, then applied by `services.erase`."""

    organisation: Organisation
    respondent_ids: list[int]
    emails: list[str]
    respondents: QuerySet[Respondent]
    contacts: QuerySet[Contact]
    consents: QuerySet[ConsentRecord]
    responses: QuerySet[Response]
    answer_texts: QuerySet[Answer]
    curve_words: QuerySet[CurvePoint]
    analyses: QuerySet[TextAnalysis]
    corrections: QuerySet[Correction]
    response_details: QuerySet[Response]
    invitations: QuerySet[Invitation]
    cases: QuerySet[Case]
    case_events: QuerySet[CaseEvent]
    case_texts: QuerySet[Case]
    outbox: QuerySet[OutboxMessage]
    import_jobs: QuerySet[ImportJob]
    quoted: list[str] = field(default_factory=list)

    def counts(self, *, delete_responses: bool, delete_import_files: bool) -> dict[str, int]:
        counts = {
            "respondents": len(self.respondent_ids),
            "contacts": self.contacts.count(),
            "consent_records": self.consents.count(),
            "invitations": self.invitations.count(),
            "outbox_messages": self.outbox.count(),
            "import_jobs": self.import_jobs.count(),
        }
        if delete_responses:
            counts["responses_deleted"] = self.responses.count()
            counts["cases_deleted"] = self.cases.count()
        else:
            counts.update(
                responses=self.responses.count(),
                answer_texts=self.answer_texts.count(),
                curve_words=self.curve_words.count(),
                analyses=self.analyses.count(),
                corrections=self.corrections.count(),
                response_details=self.response_details.count(),
                cases=self.cases.count(),
                case_events=self.case_events.count(),
                case_texts=self.case_texts.count(),
            )
        counts["import_files"] = (
            sum(bool(j.file) + bool(j.errors_file) for j in self.import_jobs)
            if delete_import_files
            else 0
        )
        return counts


def erasure_plan(organisation: Organisation, respondent_ids: list[int]) -> ErasurePlan:
    respondents = Respondent.objects.filter(organisation=organisation, pk__in=respondent_ids)
    contacts = Contact.objects.filter(respondent__in=respondents)
    emails = sorted({e.lower() for e in contacts.exclude(email="").values_list("email", flat=True)})
    quoted = [
        value
        for row in contacts.values_list("email", "name", "phone")
        for value in row
        if len(value) >= 3
    ] + [r for r in respondents.exclude(external_ref="").values_list("external_ref", flat=True)]
    responses = Response.objects.filter(organisation=organisation, respondent__in=respondents)
    answers = Answer.objects.filter(response__in=responses)
    cases = Case.objects.filter(organisation=organisation, response__in=responses)
    return ErasurePlan(
        organisation=organisation,
        respondent_ids=list(respondents.values_list("pk", flat=True)),
        emails=emails,
        respondents=respondents,
        contacts=contacts,
        consents=ConsentRecord.objects.filter(respondent__in=respondents),
        responses=responses,
        answer_texts=answers.exclude(text=""),
        curve_words=CurvePoint.objects.filter(answer__in=answers).exclude(word=""),
        analyses=TextAnalysis.objects.filter(response__in=responses),
        corrections=Correction.objects.filter(answer__in=answers),
        response_details=responses.filter(~Q(metadata={}) | ~Q(idempotency_key="")),
        invitations=Invitation.objects.filter(respondent__in=respondents),
        cases=cases,
        case_events=CaseEvent.objects.filter(case__in=cases).exclude(text="").exclude(text=ERASED),
        case_texts=cases.filter(
            (~Q(root_cause="") & ~Q(root_cause=ERASED))
            | (~Q(resolution="") & ~Q(resolution=ERASED))
            | _quoting("title", quoted)
        ),
        outbox=_outbox(organisation, respondents, responses, cases, emails),
        import_jobs=_import_jobs(organisation, responses),
        quoted=quoted,
    )


def _quoting(field_name: str, values: list[str]) -> Q:
    """Rows whose field contains any of the values (none: matches nothing)."""
    match = Q(pk__in=[])
    for value in values:
        match |= Q(**{f"{field_name}__icontains": value})
    return match


def _outbox(
    organisation: Organisation,
    respondents: QuerySet[Respondent],
    responses: QuerySet[Response],
    cases: QuerySet[Case],
    emails: list[str],
) -> QuerySet[OutboxMessage]:
    # Messages to the person ("you said, we did"), and every notification about their
    # responses and cases: those name no customer text, but their keys and links tie
    # a delivery to the person's answers.
    match = Q(case__in=cases)
    for email in emails:
        match |= Q(recipient__iexact=email)
    for respondent_id in respondents.values_list("pk", flat=True):
        match |= Q(key__endswith=f":respondent:{respondent_id}")
    for response_id in responses.values_list("pk", flat=True):
        match |= Q(key__startswith=f"response:{response_id}:")
    return OutboxMessage.objects.filter(organisation=organisation).filter(match)


def _import_jobs(organisation: Organisation, responses: QuerySet[Response]) -> QuerySet[ImportJob]:
    """The import jobs the person's imported responses came from. A row's key names
    its job (`import-<job>-<row>`); a row that brought its own key could be from any
    import into that survey. File contents are not searched (docs/privacy.md)."""
    imported = responses.filter(source=Source.IMPORT)
    job_ids: set[int] = set()
    surveys: set[int] = set()
    for key, survey_id in imported.values_list("idempotency_key", "survey_id"):
        match = _IMPORT_KEY.match(key)
        if match:
            job_ids.add(int(match.group(1)))
        else:
            surveys.add(survey_id)
    return ImportJob.objects.filter(organisation=organisation).filter(
        Q(pk__in=job_ids) | Q(survey_id__in=surveys)
    )


# Export -------------------------------------------------------------------------------


def subject_document(organisation: Organisation, respondent_ids: list[int]) -> dict[str, Any]:
    """Everything held about the respondents, as plain JSON-ready data."""
    respondents = (
        Respondent.objects.filter(organisation=organisation, pk__in=respondent_ids)
        .select_related("contact")
        .order_by("pk")
    )
    return {
        "format": "kaiku.subject-access",
        "version": 1,
        "organisation": organisation.name,
        "people": [_person(organisation, respondent) for respondent in respondents],
    }


def _when(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def _person(organisation: Organisation, respondent: Respondent) -> dict[str, Any]:
    contact = getattr(respondent, "contact", None)
    responses = (
        Response.objects.filter(organisation=organisation, respondent=respondent)
        .select_related("survey", "touchpoint")
        .prefetch_related("answers__question", "answers__emotions", "answers__curve__stage")
        .order_by("submitted_at", "pk")
    )
    return {
        "pseudonym": str(respondent.pseudonym),
        "external_ref": respondent.external_ref,
        "created_at": _when(respondent.created_at),
        "contact": None
        if contact is None
        else {
            "email": contact.email,
            "name": contact.name,
            "phone": contact.phone,
            "may_contact": contact.may_contact,
            "may_tell_changes": contact.may_tell_changes,
            "opted_out_at": _when(contact.opted_out_at),
            "updated_at": _when(contact.updated_at),
        },
        "consents": [
            {
                "kind": record.kind,
                "given": record.given,
                "at": _when(record.at),
                "channel": record.channel,
                "language": record.language,
                "text": record.text,
                "text_sha256": record.text_sha256,
                "response_id": record.response_id,
            }
            for record in ConsentRecord.objects.filter(respondent=respondent)
        ],
        "responses": [_response(response) for response in responses],
        "invitations": [
            {
                "round": invitation.round.name,
                "survey": invitation.round.survey.name,
                "scheduled_at": _when(invitation.round.scheduled_at),
                "status": invitation.status,
                "sent_at": _when(invitation.sent_at),
                "reminded_at": _when(invitation.reminded_at),
                "response_id": invitation.response_id,
            }
            for invitation in Invitation.objects.filter(respondent=respondent)
            .select_related("round__survey")
            .order_by("pk")
        ],
        "cases": [
            _case(case)
            for case in Case.objects.filter(organisation=organisation, response__in=responses)
            .prefetch_related("events")
            .order_by("pk")
        ],
        "messages": [
            {
                "subject": message.subject,
                "body": message.body,
                "status": message.status,
                "created_at": _when(message.created_at),
                "sent_at": _when(message.sent_at),
            }
            for message in OutboxMessage.objects.filter(
                organisation=organisation,
                key__endswith=f":respondent:{respondent.pk}",
                channel="email",
            ).order_by("pk")
        ],
    }


def _response(response: Response) -> dict[str, Any]:
    analyses = {a.answer_id: a for a in TextAnalysis.objects.filter(response=response)}
    answers = []
    for answer in response.answers.all():
        question = answer.question
        item: dict[str, Any] = {
            "question": question.key,
            "question_text": question.label(response.language),
            "kind": answer.kind,
            "number": answer.number,
            "text": answer.text,
            "choices": answer.choices,
            "emotions": {e.emotion: e.intensity for e in answer.emotions.all()},
            "curve": [
                {"stage": point.stage.name, "score": point.score, "word": point.word}
                for point in answer.curve.all()
            ],
        }
        analysis = analyses.get(answer.pk)
        if analysis is not None:
            item["analysis"] = {
                "language": analysis.language,
                "text": analysis.text,
                "polarity": analysis.polarity,
                "valence": analysis.valence,
                "emotions": analysis.labels,
                "themes": analysis.theme_keys,
                "flags": analysis.flag_kinds,
                "model_version": analysis.model_version,
            }
        answers.append(item)
    return {
        "id": response.pk,
        "survey": response.survey.name,
        "touchpoint": response.touchpoint.name if response.touchpoint else None,
        "source": response.source,
        "channel": response.channel,
        "language": response.language,
        "experienced_at": _when(response.experienced_at),
        "submitted_at": _when(response.submitted_at),
        "metadata": response.metadata,
        "answers": answers,
    }


def _case(case: Case) -> dict[str, Any]:
    # Who handled the case is left out: the staff's names are their data, not the
    # customer's (GDPR art. 15(4)).
    return {
        "id": case.pk,
        "response_id": case.response_id,
        "title": case.title,
        "state": case.state,
        "priority": case.priority,
        "created_at": _when(case.created_at),
        "resolved_at": _when(case.resolved_at),
        "closed_at": _when(case.closed_at),
        "root_cause": case.root_cause,
        "resolution": case.resolution,
        "events": [
            {"kind": event.kind, "at": _when(event.created_at), "text": event.text}
            for event in case.events.all()
        ],
    }


# Requests, policy, processors ------------------------------------------------------


def requests(organisation: Organisation) -> QuerySet[DataSubjectRequest]:
    return DataSubjectRequest.objects.filter(organisation=organisation).select_related(
        "requested_by"
    )


def earlier_requests(organisation: Organisation, digest: str) -> QuerySet[DataSubjectRequest]:
    """Requests made before for the same identifier (by its keyed hash)."""
    return requests(organisation).filter(identifier_digest=digest)


def policy_for(organisation: Organisation) -> RetentionPolicy:
    """The organisation's saved policy, or the defaults (unsaved) if it has none."""
    policy = RetentionPolicy.objects.filter(organisation=organisation).first()
    return policy or RetentionPolicy(organisation=organisation)


def processors_of(organisation: Organisation) -> ProcessorList:
    found = ProcessorList.objects.filter(organisation=organisation).first()
    return found or ProcessorList(organisation=organisation)
