"""Saving responses: one transaction each, idempotent, analysis queued on commit."""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaiku.core.background import send_after_commit
from kaiku.journeys.models import Channel, Segment, Stage
from kaiku.organisations.models import ApiKey, Membership, Team
from kaiku.responses.answers import CleanAnswer, clean_answers
from kaiku.responses.models import (
    EARLIEST_MOMENT,
    Contact,
    Respondent,
    Response,
    Source,
)
from kaiku.responses.signals import response_submitted
from kaiku.responses.writes import insert_response
from kaiku.surveys.models import QuestionKind, Survey
from kaiku.surveys.selectors import structure

MAX_METADATA_BYTES = 8_000
IDEMPOTENCY_KEY_MAX = 200
# Imports bring past feedback; every live channel needs the survey open.
LIVE_SOURCES = {Source.WEB, Source.QR, Source.KIOSK, Source.EMAIL, Source.API}
# Sets made once: `Choices.values` builds a new list each time it is read.
SOURCES = frozenset(Source.values)
CHANNELS = frozenset(Channel.values)
# The respondent asked not to be contacted (a sensitive service's form offers it).
DO_NOT_CONTACT = "do_not_contact"


@dataclass
class ContactDetails:
    email: str = ""
    name: str = ""
    phone: str = ""


@dataclass
class Submission:
    """One response as a channel hands it over, before any checks."""

    survey: Survey
    answers: Mapping[str, Any]
    source: str
    language: str = ""
    touchpoint_id: int | None = None
    channel: str = ""
    segment_id: int | None = None
    served_by_id: int | None = None
    team_id: int | None = None
    experienced_at: datetime | None = None
    submitted_at: datetime | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    idempotency_key: str = ""
    respondent_ref: str = ""
    contact: ContactDetails | None = None
    respondent: Respondent | None = None  # known already (an e-mail invitation)
    api_key: ApiKey | None = None
    is_demo: bool = False

    def __post_init__(self) -> None:
        # A moment without a zone is in the default one, as Django and the importer
        # read it (compared with an aware one it was a server error).
        for name in ("experienced_at", "submitted_at"):
            moment = getattr(self, name)
            if moment is not None and timezone.is_naive(moment):
                setattr(self, name, timezone.make_aware(moment))


class SurveyNotOpen(ValidationError):
    pass


def submit_response(submission: Submission) -> tuple[Response, bool]:
    """Save a response; (response, True) when new, (the first one, False) on a retry
    with the same idempotency key. Invalid input raises ValidationError and saves nothing."""
    survey = submission.survey
    key = submission.idempotency_key.strip()
    if key:
        existing = _by_idempotency_key(survey, key)
        if existing is not None:
            return existing, False
    checked = check_submission(submission)
    # The response and its answers are written atomically by insert_response; a
    # respondent, contact or consent adds writes that must land with them.
    together = transaction.atomic() if _has_respondent(submission) else nullcontext()
    try:
        with together:
            response = _save(submission, checked)
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its response.
        existing = _by_idempotency_key(survey, key) if key else None
        if existing is None:
            raise
        return existing, False
    return response, True


def _by_idempotency_key(survey: Survey, key: str) -> Response | None:
    return Response.objects.with_idempotency_keys(survey.organisation_id, [key]).first()


@dataclass
class Checked:
    answers: list[CleanAnswer]
    language: str
    segment: Segment | None
    team: Team | None


def check_submission(submission: Submission) -> Checked:
    """Every problem of a submission at once, by field path; nothing is saved here."""
    survey = submission.survey
    errors: dict[str, list[str]] = {}

    def add(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    if survey.is_pulse:
        # Every channel here carries who answered (an API key, a row, a token).
        raise ValidationError(
            {
                "survey": _(
                    "An employee pulse is answered only through its own anonymous link, so "
                    "that nothing can tell who answered."
                )
            }
        )
    if submission.source in LIVE_SOURCES and not survey.is_open:
        raise SurveyNotOpen(_("This survey is not open for answers."))
    if submission.source not in SOURCES:
        add("source", _("Unknown source."))
    if submission.channel and submission.channel not in CHANNELS:
        add("channel", _("Unknown channel %(v)r.") % {"v": submission.channel})
    known = structure(survey)
    touchpoint_ids = known.touchpoint_ids
    if submission.touchpoint_id is not None and submission.touchpoint_id not in touchpoint_ids:
        add("touchpoint_id", _("This survey is not asked at that touchpoint."))
    org = survey.organisation_id
    segment = team = None
    if submission.segment_id is not None:
        segment = Segment.objects.filter(organisation_id=org, pk=submission.segment_id).first()
        if segment is None:
            add("segment_id", _("No such segment in this organisation."))
    if submission.team_id is not None:
        team = Team.objects.filter(organisation_id=org, pk=submission.team_id).first()
        if team is None:
            add("team_id", _("No such team in this organisation."))
    if (
        submission.served_by_id is not None
        and not Membership.objects.filter(
            organisation_id=org, user_id=submission.served_by_id
        ).exists()
    ):
        add("served_by_id", _("No such member in this organisation."))
    if len(json.dumps(dict(submission.metadata), default=str)) > MAX_METADATA_BYTES:
        add("metadata", _("Metadata may take at most %(n)d bytes.") % {"n": MAX_METADATA_BYTES})
    if len(submission.idempotency_key) > IDEMPOTENCY_KEY_MAX:
        add("idempotency_key", _("At most %(n)d characters.") % {"n": IDEMPOTENCY_KEY_MAX})
    now = timezone.now()
    if submission.experienced_at and submission.experienced_at > now + timedelta(hours=1):
        add("experienced_at", _("The experience cannot be in the future."))
    for name in ("experienced_at", "submitted_at"):
        moment = getattr(submission, name)
        if moment is not None and moment < EARLIEST_MOMENT:
            add(name, _("Enter a valid date/time."))
    if submission.contact and submission.contact.email:
        try:
            Contact(email=submission.contact.email).clean_fields(
                exclude=["respondent", "name", "phone"]
            )
        except ValidationError:
            add("contact.email", _("Enter a valid e-mail address."))

    questions = list(known.questions)
    curve_answered = any(
        q.kind == QuestionKind.EMOTION_CURVE and q.key in submission.answers for q in questions
    )
    stage_ids = (
        Stage.objects.filter(journey_id=survey.journey_id, archived_at__isnull=True).values_list(
            "pk", flat=True
        )
        if curve_answered
        else []
    )
    answers, answer_errors = clean_answers(questions, submission.answers, stage_ids)
    for key, message in answer_errors.items():
        add(f"answers.{key}", message)
    if not answers and not answer_errors:
        add("answers", _("The response has no answers."))
    if errors:
        raise ValidationError(errors)
    language = submission.language if submission.language in survey.languages else ""
    return Checked(
        answers=answers, language=language or survey.languages[0], segment=segment, team=team
    )


def _save(submission: Submission, checked: Checked) -> Response:
    survey = submission.survey
    respondent = _respondent(submission)
    row = {
        "organisation_id": survey.organisation_id,
        "survey_id": survey.pk,
        "touchpoint_id": submission.touchpoint_id,
        "respondent_id": respondent.pk if respondent else None,
        "source": submission.source,
        "channel": submission.channel,
        "segment_id": checked.segment.pk if checked.segment else None,
        "served_by_id": submission.served_by_id,
        "team_id": checked.team.pk if checked.team else None,
        "language": checked.language,
        "experienced_at": submission.experienced_at,
        "submitted_at": submission.submitted_at or timezone.now(),
        "metadata": dict(submission.metadata),
        "idempotency_key": submission.idempotency_key.strip(),
        "api_key_id": submission.api_key.pk if submission.api_key else None,
        "is_demo": submission.is_demo,
    }
    response_id, with_text = insert_response(row, checked.answers)
    hands_off = bool(submission.metadata.get(DO_NOT_CONTACT))
    _record_consents(respondent, checked.answers, hands_off=hands_off)
    if with_text:
        from kaiku.textanalysis.tasks import analyse_responses_task

        send_after_commit(analyse_responses_task, [response_id])
    # Robust: once the response is saved, the request answers that it is, even if a
    # listener fails (the database gone just after the commit); the loop's sweep
    # checks what a listener missed.
    transaction.on_commit(
        lambda: response_submitted.send(
            sender=Response,
            response_id=response_id,
            organisation_id=survey.organisation_id,
            with_text=with_text,
        ),
        robust=True,
    )
    return Response.from_db(
        router.db_for_write(Response), ["id", *row], [response_id, *row.values()]
    )


def _has_respondent(submission: Submission) -> bool:
    contact = submission.contact
    return bool(
        submission.respondent is not None
        or submission.respondent_ref.strip()
        or (contact and (contact.email or contact.phone))
    )


def _respondent(submission: Submission) -> Respondent | None:
    if submission.respondent is not None:
        return submission.respondent
    if not _has_respondent(submission):
        return None
    org = submission.survey.organisation_id
    ref = submission.respondent_ref.strip()[:200]
    contact = submission.contact
    respondent = None
    if ref:
        respondent, _created = Respondent.objects.get_or_create(
            organisation_id=org, external_ref=ref
        )
    else:
        respondent = Respondent.objects.create(organisation_id=org)
    if contact and (contact.email or contact.phone or contact.name):
        Contact.objects.update_or_create(
            respondent=respondent,
            defaults={
                "email": contact.email.strip().lower(),
                "name": contact.name,
                "phone": contact.phone,
            },
        )
    return respondent


def _record_consents(
    respondent: Respondent | None, answers: list[CleanAnswer], hands_off: bool = False
) -> None:
    if respondent is None:
        return
    consent = {
        a.question.kind: bool(a.number) for a in answers if a.question.kind.startswith("consent")
    }
    if hands_off:
        consent = {QuestionKind.CONSENT_CONTACT: False, QuestionKind.CONSENT_UPDATES: False}
    if not consent:
        return
    updates = {}
    if QuestionKind.CONSENT_CONTACT in consent:
        updates["may_contact"] = consent[QuestionKind.CONSENT_CONTACT]
    if QuestionKind.CONSENT_UPDATES in consent:
        updates["may_tell_changes"] = consent[QuestionKind.CONSENT_UPDATES]
    Contact.objects.update_or_create(respondent=respondent, defaults=updates)
