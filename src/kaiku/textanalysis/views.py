"""The analysis settings page: personal data, themes and suggested themes, and the
organisation's own model."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaiku.core.forms import call_service
from kaiku.organisations.models import Role
from kaiku.organisations.permissions import actor_of, requires
from kaiku.responses.models import Answer
from kaiku.textanalysis import engine, selectors, services
from kaiku.textanalysis.forms import RedactionForm, ThemeForm
from kaiku.textanalysis.models import OrganisationModel


@requires(Role.VIEWER, write=False)
def settings(request: HttpRequest) -> HttpResponse:
    organisation = actor_of(request).organisation
    return render(
        request,
        "textanalysis/settings.html",
        {
            "redaction_form": RedactionForm(initial={"pii_redaction": organisation.pii_redaction}),
            "themes": selectors.theme_rows(organisation),
            "suggestions": selectors.theme_suggestions(organisation),
            "model": OrganisationModel.objects.filter(organisation=organisation).first(),
            "base_version": engine.analyzer().version,
        },
    )


@requires(Role.ADMIN)
@require_POST
def redaction(request: HttpRequest) -> HttpResponse:
    form = RedactionForm(request.POST)
    saved = None
    if form.is_valid():
        saved = call_service(
            form,
            lambda: services.set_redaction_policy(
                actor=actor_of(request), policy=form.cleaned_data["pii_redaction"]
            ),
        )
    if saved is not None:
        messages.success(request, _("Saved. New comments follow the new setting."))
    else:
        messages.error(request, _("Choose one of the listed options."))
    return redirect("textanalysis:settings")


@requires(Role.ANALYST)
def theme_edit(request: HttpRequest) -> HttpResponse:
    """A new theme (prefilled from a suggestion with ?term=…), or ?key=… to change one."""
    actor = actor_of(request)
    key = request.GET.get("key", "")
    current = {row.key: row for row in selectors.theme_rows(actor.organisation)}.get(key)
    if current is not None:
        initial = ThemeForm.initial_for(key, current.names, current.terms, current.active)
    else:
        term = request.GET.get("term", "")[:40]
        initial = {"active": True, "key": term, "terms_fi": term}
    form = ThemeForm(request.POST or None, initial=initial, editing=current is not None)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.save_theme(
                actor=actor,
                key=form.cleaned_data["key"],
                names=form.names(),
                terms=form.terms(),
                active=form.cleaned_data["active"],
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("Saved. New comments are read with it; reanalyse to apply it to earlier ones."),
            )
            return redirect("textanalysis:settings")
    title = _("Edit theme") if current is not None else _("New theme")
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": title, "back": "textanalysis:settings"},
    )


@requires(Role.ANALYST)
@require_POST
def train(request: HttpRequest) -> HttpResponse:
    services.request_adaptation(actor=actor_of(request))
    messages.success(request, _("Training started. The result appears here when it is ready."))
    return redirect("textanalysis:settings")


@requires(Role.HANDLER)
@require_POST
def correct(request: HttpRequest) -> HttpResponse:
    """A handler's correction of one comment's analysis, from the response page."""
    answer_id = request.POST.get("answer_id", "")
    if not answer_id.isdigit():
        raise Http404
    try:
        correction = services.correct_analysis(
            actor=actor_of(request),
            answer_id=int(answer_id),
            polarity=request.POST.get("polarity", ""),
            labels=request.POST.getlist("labels"),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        response_id = (
            Answer.objects.filter(
                pk=int(answer_id), response__organisation=actor_of(request).organisation
            )
            .values_list("response_id", flat=True)
            .first()
        )
        if response_id is None:
            raise Http404 from None
    else:
        messages.success(request, _("Your reading was saved. It teaches the organisation's model."))
        response_id = correction.answer.response_id
    return redirect("responses:detail", response_id=response_id)
