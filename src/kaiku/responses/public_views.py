"""The respondent's pages: answer a survey through its public link, then thanks.

Works without JavaScript: conditional questions are shown with a hint, and the
server ignores answers whose condition does not hold.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kaiku.core.ratelimit import check_public_submission
from kaiku.journeys.models import Stage
from kaiku.organisations.permissions import public
from kaiku.people.pulse import pulse_teams, submit_pulse
from kaiku.responses import services
from kaiku.responses.models import Respondent, Source
from kaiku.responses.webform import raw_from_form, shown_questions
from kaiku.surveys.models import Survey, SurveyStatus
from kaiku.surveys.selectors import public_survey, structure

HONEYPOT = "website"
TEAM_ERROR = "__team"  # beside the question keys, which are slugs
_signer = signing.TimestampSigner(salt="kaiku.respond.started")


def respondent_language(request: HttpRequest, survey: Survey) -> str:
    """The link's ?lang=, else the browser's language, else the survey's first."""
    for candidate in (request.GET.get("lang", ""), getattr(request, "LANGUAGE_CODE", "")):
        if candidate in survey.languages:
            return candidate
    return survey.languages[0]


@public
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    survey = public_survey(token)
    language = respondent_language(request, survey)
    with translation.override(language):
        if not survey.is_open:
            return not_open_page(request, survey, language)
        source = Source.QR if request.GET.get("src") == "qr" else Source.WEB
        # An employee pulse is written apart from customer responses, with nothing
        # that could tell who answered.
        submit = submit_pulse if survey.is_pulse else services.submit_response
        flow = AnswerFlow(survey, language, _touchpoint_id(request, survey), source, submit=submit)
        return flow.handle(request)


class AnswerFlow:
    """Show the form, take the POST, thank: the steps every link-based channel shares.
    An e-mail invitation passes its respondent and its own single-use `submit`."""

    def __init__(
        self,
        survey: Survey,
        language: str,
        touchpoint_id: int | None,
        source: str,
        respondent: Respondent | None = None,
        submit: Callable[[services.Submission], object] = services.submit_response,
    ) -> None:
        self.survey, self.language, self.touchpoint_id = survey, language, touchpoint_id
        self.source, self.respondent, self.submit = source, respondent, submit

    def handle(self, request: HttpRequest) -> HttpResponse:
        errors: dict[str, str] = {}
        form_error = ""
        if request.method == "POST":
            outcome = self._post(request)
            if isinstance(outcome, HttpResponse):
                return outcome
            errors, form_error = outcome
        return _form_page(
            request, self.survey, self.language, self.touchpoint_id, errors, form_error,
            ask_contact=self.respondent is None and not self.survey.is_pulse,
        )  # fmt: skip

    def _post(self, request: HttpRequest) -> HttpResponse | tuple[dict[str, str], str]:
        survey, language = self.survey, self.language
        # HttpResponseRedirect, not redirect(): that would first try the URL as a view
        # name to reverse, and fail, on every answer.
        thanks = _thanks_url(survey, language)
        if request.POST.get(HONEYPOT):
            return HttpResponseRedirect(thanks)  # a bot: thank it and store nothing
        stamp = request.POST.get("started", "")
        try:
            _signer.unsign(stamp, max_age=24 * 3600)
        except signing.BadSignature:
            return {}, _("The form expired; please answer again.")
        if time.time() - signing.b62_decode(stamp.split(":")[1]) < settings.KAIKU_MIN_FILL_SECONDS:
            return HttpResponseRedirect(thanks)  # faster than a person can read: a bot
        wait = check_public_submission(request, str(survey.pk))
        if wait is not None:
            context = {"survey": survey, "wait": wait, "language": language}
            page = render(request, "respond/limited.html", context, status=429)
            page["Retry-After"] = str(wait)
            return page
        # "Do not contact me" (sensitive services) wins over any address or consent.
        hands_off = survey.is_sensitive and request.POST.get("do_not_contact") == "yes"
        submission = services.Submission(
            survey=survey,
            answers=raw_from_form(list(structure(survey).questions), request.POST),
            source=self.source,
            language=language,
            touchpoint_id=self.touchpoint_id,
            channel="email" if self.source == Source.EMAIL else "web",
            contact=None if self.respondent or hands_off else _contact(request),
            respondent=self.respondent,
            team_id=_team_id(request) if survey.is_pulse else None,
            metadata={services.DO_NOT_CONTACT: True} if hands_off else {},
        )
        try:
            self.submit(submission)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                return {}, " ".join(exc.messages)
            errors = {
                path.split(".", 1)[1]: messages[0]
                for path, messages in exc.message_dict.items()
                if path.startswith("answers.")
            }
            if "team_id" in exc.message_dict:
                errors[TEAM_ERROR] = exc.message_dict["team_id"][0]
            other = [
                m
                for path, ms in exc.message_dict.items()
                if not path.startswith("answers.") and path != "team_id"
                for m in ms
            ]
            return errors, " ".join(other) or _("Please check the answers marked below.")
        return HttpResponseRedirect(thanks)


def _touchpoint_id(request: HttpRequest, survey: Survey) -> int | None:
    given = request.POST.get("tp") or request.GET.get("tp")
    ids = structure(survey).touchpoint_ids
    if given and given.isdigit() and int(given) in ids:
        return int(given)
    return next(iter(ids)) if len(ids) == 1 else None


def _team_id(request: HttpRequest) -> int | None:
    given = request.POST.get("team", "")
    return int(given) if given.isdigit() else None


def _contact(request: HttpRequest) -> services.ContactDetails | None:
    email = request.POST.get("contact_email", "").strip()[:254]
    return services.ContactDetails(email=email) if email else None


def _thanks_url(survey: Survey, language: str) -> str:
    return _thanks_url_under(get_script_prefix(), survey.public_token, language)


@functools.lru_cache(maxsize=2048)
def _thanks_url_under(script_prefix: str, token: str, language: str) -> str:
    """Kept by what the URL depends on (the URL map is fixed for a process's life):
    reverse() costs as much as the rest of a redirect, on every answer."""
    url = reverse("respond:thanks", kwargs={"token": token})
    return f"{url}?{urlencode({'lang': language})}"


def _form_page(
    request: HttpRequest,
    survey: Survey,
    language: str,
    touchpoint_id: int | None,
    errors: dict[str, str],
    form_error: str,
    ask_contact: bool = True,
) -> HttpResponse:
    stages = list(
        Stage.objects.filter(journey_id=survey.journey_id, archived_at__isnull=True).order_by(
            "position"
        )
    )
    questions = list(survey.questions.all())
    context = {
        "survey": survey,
        "language": language,
        "title": survey.text("title", language),
        "intro": survey.text("intro", language),
        "sensitive": survey.is_sensitive,
        "any_required": any(q.required for q in questions),
        "support": survey.text("support_text", language),
        "pulse": survey.is_pulse,
        "teams": pulse_teams(survey) if survey.is_pulse else [],
        "team_error": errors.get(TEAM_ERROR, ""),
        "min_n": settings.KAIKU_MIN_N,
        "questions": shown_questions(questions, stages, language, errors),
        "touchpoint_id": touchpoint_id,
        "started": _signer.sign("form"),
        "honeypot": HONEYPOT,
        "form_error": form_error,
        "posted": request.POST if request.method == "POST" else {},
        "asks_contact": ask_contact and any(q.kind.startswith("consent") for q in questions),
        "other_languages": [lang for lang in survey.languages if lang != language],
    }
    return render(
        request, "respond/answer.html", context, status=400 if errors or form_error else 200
    )


def not_open_page(request: HttpRequest, survey: Survey, language: str) -> HttpResponse:
    status = 410 if survey.status == SurveyStatus.CLOSED else 503
    context = {"survey": survey, "title": survey.text("title", language), "language": language}
    return render(request, "respond/not_open.html", context, status=status)


@public
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    survey = public_survey(token)
    language = respondent_language(request, survey)
    with translation.override(language):
        context = {
            "survey": survey,
            "language": language,
            "title": survey.text("title", language),
            "thanks": survey.text("thanks", language),
            "support": survey.text("support_text", language),
        }
        return render(request, "respond/thanks.html", context)
