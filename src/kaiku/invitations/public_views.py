"""The invited person's pages: the personal single-use link, and opting out."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from kaiku.invitations import services
from kaiku.invitations.models import Invitation
from kaiku.organisations.permissions import public
from kaiku.responses.models import Source
from kaiku.responses.public_views import AnswerFlow, not_open_page


def _invitation(token: str) -> Invitation:
    found = Invitation.objects.select_related("round__survey__organisation", "respondent")
    return get_object_or_404(found, token=token)


@public
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _invitation(token)
    survey = invitation.round.survey
    language = invitation.language
    with translation.override(language):
        if invitation.response_id is not None:
            context = {
                "survey": survey,
                "language": language,
                "title": survey.text("title", language),
            }
            return render(request, "invitations/already_answered.html", context, status=410)
        if not survey.is_open:
            return not_open_page(request, survey, language)
        flow = AnswerFlow(
            survey,
            language,
            invitation.round.touchpoint_id,
            Source.EMAIL,
            respondent=invitation.respondent,
            submit=lambda submission: services.answer_invitation(invitation, submission),
        )
        return flow.handle(request)


@public
@require_http_methods(["GET", "POST"])
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks, POST opts out: link scanners in mail systems only GET."""
    invitation = _invitation(token)
    language = invitation.language
    with translation.override(language):
        done = request.method == "POST"
        if done:
            services.opt_out(invitation=invitation)
        context = {
            "done": done,
            "language": language,
            "title": invitation.round.survey.organisation.name,
        }
        return render(request, "invitations/opt_out.html", context)
