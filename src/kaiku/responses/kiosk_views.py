"""Kiosk mode: a shared device shows one scale; one tap answers, thanks, and the page
resets itself for the next person. Works without JavaScript (the reset is a meta
refresh); rate-limited per device."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from kaiku.core.ratelimit import hit, limit
from kaiku.organisations.permissions import public
from kaiku.responses import services
from kaiku.responses.models import Source
from kaiku.responses.webform import SCALE_ENDS
from kaiku.surveys.models import Kiosk, QuestionKind


def _kiosk(token: str) -> Kiosk:
    found = Kiosk.objects.select_related("survey", "touchpoint").prefetch_related(
        "survey__questions"
    )
    kiosk = get_object_or_404(found, token=token)
    if not kiosk.active:
        raise Http404
    return kiosk


@public
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, token: str) -> HttpResponse:
    kiosk = _kiosk(token)
    survey = kiosk.survey
    question = kiosk.tap_question()
    with translation.override(kiosk.language):
        if not survey.is_open or question is None:
            context = {
                "survey": survey,
                "title": survey.text("title", kiosk.language),
                "language": kiosk.language,
            }
            return render(request, "respond/not_open.html", context, status=503)
        if request.method == "POST" and not request.POST.get("website"):
            wait = hit("kiosk", kiosk.token, limit("kiosk_per_device"))
            if wait is not None:
                page = render(
                    request,
                    "respond/kiosk_wait.html",
                    {"kiosk": kiosk, "wait": wait, "language": kiosk.language},
                    status=429,
                )
                page["Retry-After"] = str(wait)
                return page
            submission = services.Submission(
                survey=survey,
                answers={question.key: request.POST.get("value", "")},
                source=Source.KIOSK,
                language=kiosk.language,
                touchpoint_id=kiosk.touchpoint_id,
                channel="in_person",
                metadata={"kiosk": kiosk.pk},
            )
            try:
                services.submit_response(submission)
            except ValidationError:
                pass  # a tampered tap: show the scale again
            else:
                return redirect("kiosk_thanks", token=kiosk.token)
        low, high = question.scale  # type: ignore[misc]
        ends = SCALE_ENDS[QuestionKind(question.kind)]
        context = {
            "kiosk": kiosk,
            "language": kiosk.language,
            "title": question.label(kiosk.language),
            "points": list(range(low, high + 1)),
            "ends": (str(ends[0]), str(ends[1])),
        }
        return render(request, "respond/kiosk.html", context)


@public
def kiosk_thanks(request: HttpRequest, token: str) -> HttpResponse:
    kiosk = _kiosk(token)
    with translation.override(kiosk.language):
        context = {
            "kiosk": kiosk,
            "language": kiosk.language,
            "title": kiosk.survey.text("title", kiosk.language),
        }
        return render(request, "respond/kiosk_thanks.html", context)
