"""Writes for invitations: a round from a contact list, sending and reminding, opt-out.

A person is invited at most once in `KAIKU_CONTACT_CAP_DAYS` (default 30) and never
after opting out; the skipped are kept with the reason so the list can be checked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaiku.audit.services import record
from kaiku.invitations.models import Invitation, InvitationRound, InvitationStatus, SkipReason
from kaiku.invitations.signals import opted_out
from kaiku.organisations.actors import Actor
from kaiku.responses.importing import ImportFileError, read_table
from kaiku.responses.models import Contact, Respondent, Response
from kaiku.responses.services import Submission, submit_response
from kaiku.surveys.models import Survey

log = logging.getLogger(__name__)
MAX_CONTACTS = 50_000
MAX_ATTEMPTS = 3


@dataclass
class ContactRow:
    row: int
    email: str
    name: str = ""
    language: str = ""
    respondent_ref: str = ""


@dataclass
class RoundReport:
    invited: int = 0
    skipped: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, reason


def read_contacts(stream: IO[bytes]) -> tuple[list[ContactRow], list[tuple[int, str, str]]]:
    """Contacts from CSV with an `email` column (and optional name, language,
    respondent_ref); bad rows are returned with their row number and reason.
    Read by the feedback importer's CSV reader: same delimiters, encodings, numbering."""
    try:
        header, table = read_table(stream, "contacts.csv")
    except ImportFileError as exc:
        raise ValidationError({"contacts": str(exc)}) from exc
    columns = {name.lower(): i for i, name in enumerate(header)}
    if "email" not in columns:
        raise ValidationError({"contacts": _("The file needs an email column.")})

    def cell(cells: list[str], name: str) -> str:
        i = columns.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    rows, errors = [], []
    for number, cells in table:
        if number - 1 > MAX_CONTACTS:
            errors.append((number, "", _("At most %(n)d contacts a round.") % {"n": MAX_CONTACTS}))
            break
        try:
            row = contact_row(
                number,
                email=cell(cells, "email"),
                name=cell(cells, "name"),
                language=cell(cells, "language"),
                respondent_ref=cell(cells, "respondent_ref"),
            )
        except ValidationError as exc:
            errors.append((number, "email", exc.messages[0]))
            continue
        rows.append(row)
    return rows, errors


def contact_row(
    row: int, *, email: str, name: str = "", language: str = "", respondent_ref: str = ""
) -> ContactRow:
    """One contact to invite, checked (a file's row or an API list's index)."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("Not an e-mail address: %(v)r.") % {"v": email[:80]}) from None
    return ContactRow(
        row=row,
        email=email,
        name=name.strip()[:200],
        language=language.strip().lower(),
        respondent_ref=respondent_ref.strip()[:200],
    )


@transaction.atomic
def create_round(
    *,
    actor: Actor,
    survey: Survey,
    name: str,
    contacts: list[ContactRow],
    scheduled_at: datetime | None = None,
    reminder_after_days: int = 3,
    touchpoint_id: int | None = None,
) -> tuple[InvitationRound, RoundReport]:
    if survey.organisation_id != actor.organisation.pk:
        raise ValidationError({"survey": _("No such survey in this organisation.")})
    if survey.is_pulse:
        raise ValidationError(
            {
                "survey": _(
                    "An employee pulse is anonymous: a personal link would tie answers to "
                    "people. Share the survey's own link instead."
                )
            }
        )
    if touchpoint_id is not None and not survey.touchpoints.filter(pk=touchpoint_id).exists():
        raise ValidationError({"touchpoint_id": _("This survey is not asked at that touchpoint.")})
    if not 0 <= reminder_after_days <= 30:
        raise ValidationError({"reminder_after_days": _("Between 0 (no reminder) and 30 days.")})
    if not name.strip():
        raise ValidationError({"name": _("Give the round a name.")})
    scheduled_at = scheduled_at or timezone.now()
    invitation_round = InvitationRound.objects.create(
        organisation=actor.organisation,
        survey=survey,
        touchpoint_id=touchpoint_id,
        name=name.strip()[:200],
        scheduled_at=scheduled_at,
        reminder_after_days=reminder_after_days,
        created_by=actor.user,
    )
    report = RoundReport()
    cap_since = scheduled_at - timedelta(days=settings.KAIKU_CONTACT_CAP_DAYS)
    seen: set[str] = set()
    for contact_row in contacts:
        if contact_row.email in seen:
            report.errors.append((contact_row.row, "email", _("The address is listed twice.")))
            continue
        seen.add(contact_row.email)
        respondent = _respondent_for(actor, contact_row)
        language = (
            contact_row.language
            if contact_row.language in survey.languages
            else survey.languages[0]
        )
        invitation = Invitation(round=invitation_round, respondent=respondent, language=language)
        reason = _skip_reason(respondent, cap_since)
        if reason:
            invitation.status, invitation.reason = InvitationStatus.SKIPPED, reason
            report.skipped += 1
        else:
            report.invited += 1
        invitation.save()
    record(
        actor=actor,
        action="invitations.create_round",
        obj=invitation_round,
        after={"invited": report.invited, "skipped": report.skipped, "errors": len(report.errors)},
    )
    if scheduled_at <= timezone.now():
        from kaiku.invitations.tasks import send_due_invitations_task

        transaction.on_commit(send_due_invitations_task.delay)
    return invitation_round, report


def _respondent_for(actor: Actor, row: ContactRow) -> Respondent:
    org = actor.organisation
    contact = (
        Contact.objects.select_related("respondent")
        .filter(respondent__organisation=org, email=row.email)
        .first()
    )
    if contact is not None:
        return contact.respondent
    if row.respondent_ref:
        respondent, _created = Respondent.objects.get_or_create(
            organisation=org, external_ref=row.respondent_ref
        )
    else:
        respondent = Respondent.objects.create(organisation=org)
    Contact.objects.update_or_create(
        respondent=respondent, defaults={"email": row.email, "name": row.name}
    )
    return respondent


def _skip_reason(respondent: Respondent, cap_since: datetime) -> str:
    contact = getattr(respondent, "contact", None)
    if contact is None or not contact.email:
        return SkipReason.NO_EMAIL
    if contact.opted_out_at is not None:
        return SkipReason.OPTED_OUT
    recent = Invitation.objects.filter(respondent=respondent).exclude(
        status__in=[InvitationStatus.SKIPPED, InvitationStatus.FAILED]
    )
    if recent.filter(round__scheduled_at__gte=cap_since).exists():
        return SkipReason.RECENT
    return ""


# Sending -------------------------------------------------------------------------


def send_due_invitations(now: datetime | None = None) -> dict[str, int]:
    """Send what is due: first invitations of rounds whose time has come, then one
    reminder to those who have not answered. Safe to run often and concurrently."""
    now = now or timezone.now()
    counts = {"sent": 0, "reminded": 0, "failed": 0}
    due = Invitation.objects.filter(
        status__in=[InvitationStatus.PENDING, InvitationStatus.FAILED],
        attempts__lt=MAX_ATTEMPTS,
        round__scheduled_at__lte=now,
    ).values_list("pk", flat=True)
    for pk in list(due):
        outcome = _send_one(pk, reminder=False)
        counts[outcome] = counts.get(outcome, 0) + 1
    reminders = Invitation.objects.filter(
        status=InvitationStatus.SENT,
        response__isnull=True,
        reminded_at__isnull=True,
        round__reminder_after_days__gt=0,
    ).select_related("round")
    for invitation in reminders:
        if (
            invitation.sent_at
            and invitation.sent_at + timedelta(days=invitation.round.reminder_after_days) <= now
        ):
            outcome = _send_one(invitation.pk, reminder=True)
            key = "reminded" if outcome == "sent" else outcome
            counts[key] = counts.get(key, 0) + 1
    return counts


def _send_one(pk: int, *, reminder: bool) -> str:
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("round__survey", "respondent__contact")
            .filter(pk=pk)
            .first()
        )
        if invitation is None:
            return "skipped"
        contact = getattr(invitation.respondent, "contact", None)
        if contact is None or not contact.email or contact.opted_out_at or invitation.response_id:
            if not reminder:
                invitation.status = InvitationStatus.SKIPPED
                invitation.reason = SkipReason.UNREACHABLE
                invitation.save(update_fields=["status", "reason"])
            return "skipped"
        survey = invitation.round.survey
        if not survey.is_open:
            return "skipped"  # stays pending until the survey opens
        invitation.attempts += 1
        try:
            _message(invitation, contact.email, reminder).send()
        except OSError as exc:  # SMTP and socket errors
            log.warning("Invitation %s not sent: %s", invitation.pk, exc)
            invitation.status, invitation.reason = InvitationStatus.FAILED, str(exc)[:200]
            invitation.save(update_fields=["status", "reason", "attempts"])
            return "failed"
        if reminder:
            invitation.reminded_at = timezone.now()
        else:
            invitation.status, invitation.reason = InvitationStatus.SENT, ""
            invitation.sent_at = timezone.now()
        invitation.save(update_fields=["status", "reason", "attempts", "sent_at", "reminded_at"])
        return "sent"


def _message(invitation: Invitation, email: str, reminder: bool) -> EmailMessage:
    survey = invitation.round.survey
    base = settings.KAIKU_BASE_URL.rstrip("/")
    context = {
        "survey": survey,
        "title": survey.text("title", invitation.language),
        "intro": survey.text("intro", invitation.language),
        "link": base + reverse("invitation", kwargs={"token": invitation.token}),
        "opt_out": base + reverse("opt_out", kwargs={"token": invitation.token}),
        "organisation": survey.organisation.name,
        "reminder": reminder,
    }
    with translation.override(invitation.language):
        subject = render_to_string("invitations/email_subject.txt", context).strip()
        body = render_to_string("invitations/email_body.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[email])
    message.extra_headers["List-Unsubscribe"] = f"<{context['opt_out']}>"
    return message


@transaction.atomic
def opt_out(*, invitation: Invitation) -> None:
    """The person asks for no more surveys: every future round skips them."""
    contact = getattr(invitation.respondent, "contact", None)
    if contact is not None and contact.opted_out_at is None:
        contact.opted_out_at = timezone.now()
        contact.save(update_fields=["opted_out_at"])
        respondent_id, language = invitation.respondent_id, invitation.language
        transaction.on_commit(
            lambda: opted_out.send(
                sender=Invitation, respondent_id=respondent_id, language=language
            )
        )
    Invitation.objects.filter(
        respondent=invitation.respondent, status=InvitationStatus.PENDING
    ).update(status=InvitationStatus.SKIPPED, reason=SkipReason.OPTED_OUT)


class AlreadyAnswered(ValidationError):
    pass


def answer_invitation(invitation: Invitation, submission: Submission) -> Response:
    """Save the response to a personal link; a second answer to the same link is refused."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.response_id is not None:
            raise AlreadyAnswered(_("This link has already been used to answer."))
        response, _created = submit_response(submission)
        locked.response = response
        locked.save(update_fields=["response"])
    return response
