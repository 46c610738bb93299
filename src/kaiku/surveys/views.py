"""Back-office pages of the survey builder."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaiku.core.forms import call_service
from kaiku.invitations.views import rounds_of
from kaiku.journeys.selectors import journeys as active_journeys
from kaiku.organisations.models import Role
from kaiku.organisations.permissions import actor_of, requires
from kaiku.responses import import_jobs
from kaiku.surveys import selectors, services
from kaiku.surveys.forms import (
    QuestionForm,
    SurveyForm,
    TouchpointsForm,
    initial_texts,
    question_initial,
    texts_from,
)
from kaiku.surveys.models import Survey, SurveyStatus
from kaiku.surveys.starters import starter

STARTER_ARGS = ("name", "journey_id", "languages")
TEXTS = (("title", "title"), ("intro", "intro"), ("thanks", "thanks"), ("support_text", "support"))


@requires(Role.VIEWER, write=False)
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = selectors.surveys(actor_of(request).organisation).order_by("name")
    return render(request, "surveys/list.html", {"surveys": surveys})


@requires(Role.ANALYST)
def survey_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = SurveyForm(request.POST or None, journeys=active_journeys(actor.organisation))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spec = services.SurveySpec(
            name=data["name"], journey_id=data["journey_id"], languages=data["languages"]
        )
        if data.get("start"):
            spec = starter(data["start"], **{k: getattr(spec, k) for k in STARTER_ARGS})
        # What the person wrote wins over the ready-made texts.
        spec.sensitive = spec.sensitive or data["sensitive"]
        for attribute, name in TEXTS:
            setattr(spec, attribute, {**getattr(spec, attribute), **texts_from(data, name)})
        survey = call_service(form, lambda: services.create_survey(actor=actor, spec=spec))
        if survey is not None:
            return redirect("surveys:detail", survey_id=survey.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("New survey"), "back": "surveys:list"},
    )


def public_link(
    request: HttpRequest, survey: Survey, touchpoint_id: int | None = None, qr: bool = False
) -> str:
    url = request.build_absolute_uri(
        reverse("respond:answer", kwargs={"token": survey.public_token})
    )
    query = {k: v for k, v in (("tp", touchpoint_id), ("src", "qr" if qr else None)) if v}
    return f"{url}?{urlencode(query)}" if query else url


@requires(Role.VIEWER, write=False)
def survey_detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey(actor_of(request).organisation, survey_id)
    touchpoints = list(
        survey.touchpoints.select_related("stage").order_by("stage__position", "position")
    )
    context = {
        "survey": survey,
        "questions": list(survey.questions.all()),
        "touchpoints": [(t, public_link(request, survey, t.pk)) for t in touchpoints],
        "link": public_link(request, survey),
        "statuses": SurveyStatus,
        "touchpoints_form": TouchpointsForm(initial={"touchpoints": touchpoints}, survey=survey),
        "rounds": rounds_of(survey.pk),
        "imports": import_jobs.recent_jobs(survey.organisation, survey.pk),
        "kiosks": [
            (k, request.build_absolute_uri(reverse("kiosk", kwargs={"token": k.token})))
            for k in survey.kiosks.select_related("touchpoint")
        ],
    }
    return render(request, "surveys/detail.html", context)


@requires(Role.ANALYST)
def survey_edit(request: HttpRequest, survey_id: int) -> HttpResponse:
    actor = actor_of(request)
    survey = selectors.survey(actor.organisation, survey_id)
    initial = {
        "name": survey.name,
        "languages": survey.languages,
        **initial_texts(survey.title, "title"),
        **initial_texts(survey.intro, "intro"),
        **initial_texts(survey.thanks, "thanks"),
        **initial_texts(survey.support_text, "support"),
        "sensitive": survey.sensitive,
    }
    form = SurveyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if (
            call_service(
                form,
                lambda: services.update_survey(
                    actor=actor,
                    survey=survey,
                    name=data["name"],
                    languages=data["languages"],
                    title=texts_from(data, "title"),
                    intro=texts_from(data, "intro"),
                    thanks=texts_from(data, "thanks"),
                    support_text=texts_from(data, "support"),
                    sensitive=data["sensitive"],
                ),
            )
            is not None
        ):
            return redirect("surveys:detail", survey_id=survey.pk)
    back = reverse("surveys:detail", kwargs={"survey_id": survey.pk})
    return render(
        request, "core/form_page.html", {"form": form, "title": _("Edit survey"), "back_url": back}
    )


@requires(Role.ANALYST)
@require_POST
def survey_touchpoints(request: HttpRequest, survey_id: int) -> HttpResponse:
    actor = actor_of(request)
    survey = selectors.survey(actor.organisation, survey_id)
    form = TouchpointsForm(request.POST, survey=survey)
    if form.is_valid():
        ids = [t.pk for t in form.cleaned_data["touchpoints"]]
        services.update_survey(actor=actor, survey=survey, touchpoint_ids=ids)
        messages.success(request, _("The touchpoints were saved."))
    return redirect("surveys:detail", survey_id=survey.pk)


@requires(Role.ANALYST)
@require_POST
def survey_status(request: HttpRequest, survey_id: int) -> HttpResponse:
    actor = actor_of(request)
    survey = selectors.survey(actor.organisation, survey_id)
    try:
        services.set_status(actor=actor, survey=survey, status=request.POST.get("status", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("surveys:detail", survey_id=survey.pk)


def _question_page(
    request: HttpRequest, form: QuestionForm, survey: Survey, title: str
) -> HttpResponse:
    back = reverse("surveys:detail", kwargs={"survey_id": survey.pk})
    return render(request, "core/form_page.html", {"form": form, "title": title, "back_url": back})


def _spec(form: QuestionForm) -> services.QuestionSpec:
    data = form.cleaned_data
    return services.QuestionSpec(
        kind=data["kind"],
        key=data.get("key") or "",
        text=texts_from(data, "text"),
        help_text=texts_from(data, "help"),
        required=data["required"],
        options=data["options"],
        condition=form.condition(),
        max_length=data.get("max_length") or 2000,
    )


@requires(Role.ANALYST)
def question_add(request: HttpRequest, survey_id: int) -> HttpResponse:
    actor = actor_of(request)
    survey = selectors.survey(actor.organisation, survey_id)
    form = QuestionForm(request.POST or None, earlier=list(survey.questions.all()))
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.add_question(actor=actor, survey=survey, spec=_spec(form))
        ):
            return redirect("surveys:detail", survey_id=survey.pk)
    return _question_page(request, form, survey, _("New question"))


@requires(Role.ANALYST)
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    actor = actor_of(request)
    question = selectors.question(actor.organisation, question_id)
    survey = question.survey
    earlier = list(survey.questions.filter(position__lt=question.position))
    form = QuestionForm(request.POST or None, initial=question_initial(question), earlier=earlier)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.update_question(actor=actor, question=question, spec=_spec(form))
        ):
            return redirect("surveys:detail", survey_id=survey.pk)
    return _question_page(request, form, survey, _("Edit question"))


@requires(Role.ANALYST)
@require_POST
def question_move(request: HttpRequest, question_id: int) -> HttpResponse:
    actor = actor_of(request)
    question = selectors.question(actor.organisation, question_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.move_question(actor=actor, question=question, offset=offset)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("surveys:detail", survey_id=question.survey_id)


@requires(Role.ANALYST)
@require_POST
def question_delete(request: HttpRequest, question_id: int) -> HttpResponse:
    actor = actor_of(request)
    question = selectors.question(actor.organisation, question_id)
    try:
        services.delete_question(actor=actor, question=question)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("surveys:detail", survey_id=question.survey_id)


@requires(Role.VIEWER, write=False)
def survey_qr(request: HttpRequest, survey_id: int, fmt: str) -> HttpResponse:
    """The survey's link (for one touchpoint with ?tp=) as a QR code, PNG or SVG."""
    survey = selectors.survey(actor_of(request).organisation, survey_id)
    touchpoint = request.GET.get("tp", "")
    ids = {t.pk for t in survey.touchpoints.all()}
    touchpoint_id = int(touchpoint) if touchpoint.isdigit() and int(touchpoint) in ids else None
    if touchpoint and touchpoint_id is None:
        raise Http404
    code = segno.make(public_link(request, survey, touchpoint_id, qr=True), error="m")
    out = io.BytesIO()
    if fmt == "svg":
        code.save(out, kind="svg", scale=8, border=4, title=survey.name)
        content_type = "image/svg+xml"
    else:
        code.save(out, kind="png", scale=10, border=4)
        content_type = "image/png"
    response = HttpResponse(out.getvalue(), content_type=content_type)
    name = f"kaiku-{survey.pk}{f'-tp{touchpoint_id}' if touchpoint_id else ''}.{fmt}"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@requires(Role.ANALYST)
@require_POST
def kiosk_add(request: HttpRequest, survey_id: int) -> HttpResponse:
    actor = actor_of(request)
    survey = selectors.survey(actor.organisation, survey_id)
    touchpoint = request.POST.get("touchpoint_id", "")
    try:
        services.create_kiosk(
            actor=actor,
            survey=survey,
            name=request.POST.get("name", ""),
            touchpoint_id=int(touchpoint) if touchpoint.isdigit() else None,
            language=request.POST.get("language", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("surveys:detail", survey_id=survey.pk)


@requires(Role.ANALYST)
@require_POST
def kiosk_active(request: HttpRequest, kiosk_id: int) -> HttpResponse:
    actor = actor_of(request)
    kiosk = selectors.kiosk(actor.organisation, kiosk_id)
    services.set_kiosk_active(actor=actor, kiosk=kiosk, active=request.POST.get("active") == "1")
    return redirect("surveys:detail", survey_id=kiosk.survey_id)
