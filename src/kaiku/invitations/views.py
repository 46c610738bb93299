"""Back-office pages for e-mail invitations (on a survey's page)."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaiku.invitations import services
from kaiku.invitations.models import InvitationRound, InvitationStatus
from kaiku.organisations.models import Role
from kaiku.organisations.permissions import actor_of, requires
from kaiku.surveys import selectors as survey_selectors

MAX_UPLOAD = 5 * 1024 * 1024


def rounds_of(survey_id: int) -> list[InvitationRound]:
    """The survey's rounds with counts, for its page."""
    return list(
        InvitationRound.objects.filter(survey_id=survey_id).annotate(
            pending=Count("invitations", filter=Q(invitations__status=InvitationStatus.PENDING)),
            sent=Count("invitations", filter=Q(invitations__status=InvitationStatus.SENT)),
            skipped=Count("invitations", filter=Q(invitations__status=InvitationStatus.SKIPPED)),
            failed=Count("invitations", filter=Q(invitations__status=InvitationStatus.FAILED)),
            answered=Count("invitations", filter=Q(invitations__response__isnull=False)),
        )
    )


@requires(Role.ANALYST)
@require_POST
def round_create(request: HttpRequest, survey_id: int) -> HttpResponse:
    actor = actor_of(request)
    survey = survey_selectors.survey(actor.organisation, survey_id)
    upload = request.FILES.get("contacts")
    back = redirect("surveys:detail", survey_id=survey.pk)
    if upload is None or upload.file is None or (upload.size or 0) > MAX_UPLOAD:
        messages.error(request, _("Choose a CSV file of at most 5 MB with an email column."))
        return back
    try:
        contacts, row_errors = services.read_contacts(upload.file)
        scheduled = _when(request.POST.get("scheduled_at", ""))
        days = int(request.POST.get("reminder_after_days") or 0)
        _round, report = services.create_round(
            actor=actor,
            survey=survey,
            name=request.POST.get("name", ""),
            contacts=contacts,
            scheduled_at=scheduled,
            reminder_after_days=days,
        )
    except (ValidationError, ValueError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        return back
    problems = row_errors + report.errors
    summary = _(
        "%(invited)d invited, %(skipped)d not sent (opted out or contacted recently), "
        "%(bad)d rows refused."
    )
    messages.success(
        request,
        summary % {"invited": report.invited, "skipped": report.skipped, "bad": len(problems)},
    )
    for row, column, reason in problems[:10]:
        messages.error(
            request,
            _("Row %(row)d, %(column)s: %(reason)s")
            % {"row": row, "column": column, "reason": reason},
        )
    return back


def _when(text: str) -> datetime | None:
    if not text:
        return None
    parsed = datetime.fromisoformat(text)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
