"""The privacy pages for admins: data-subject requests (find, export, erase with a
confirmation), the retention policy with what it would remove now, and the record
of processing."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaiku.core.forms import call_service
from kaiku.organisations.models import Role
from kaiku.organisations.permissions import actor_of, requires
from kaiku.privacy import exports, processing, retention, selectors, services
from kaiku.privacy.forms import EraseForm, ProcessorsForm, RequestForm, RetentionForm

# What the counts of a request or a retention run are called on the pages.
COUNT_LABELS = {
    "respondents": gettext_lazy("respondents"),
    "contacts": gettext_lazy("contact details"),
    "consent_records": gettext_lazy("consent records"),
    "responses": gettext_lazy("responses kept without text"),
    "responses_deleted": gettext_lazy("responses deleted"),
    "answer_texts": gettext_lazy("comments cleared"),
    "curve_words": gettext_lazy("journey-curve words cleared"),
    "analyses": gettext_lazy("text analyses deleted"),
    "corrections": gettext_lazy("analysis corrections deleted"),
    "response_details": gettext_lazy("responses' metadata and keys cleared"),
    "invitations": gettext_lazy("invitation links voided"),
    "cases": gettext_lazy("cases"),
    "cases_deleted": gettext_lazy("cases deleted"),
    "case_events": gettext_lazy("case notes replaced"),
    "case_texts": gettext_lazy("case resolutions and causes replaced"),
    "case_notes": gettext_lazy("case notes, causes and resolutions replaced"),
    "outbox_messages": gettext_lazy("messages deleted"),
    "import_jobs": gettext_lazy("import reports' previews cleared"),
    "import_files": gettext_lazy("import files deleted"),
}


def labelled(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(str(COUNT_LABELS.get(key, key)), n) for key, n in counts.items()]


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{label} {n}" for label, n in labelled(counts) if n) or _("nothing")


def _requests_page(
    request: HttpRequest, form: RequestForm, context: dict[str, object] | None = None
) -> HttpResponse:
    organisation = actor_of(request).organisation
    page = Paginator(selectors.requests(organisation), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/requests.html",
        {
            "form": form,
            "page": page,
            "rows": [(r, [(k, n) for k, n in labelled(r.counts) if n]) for r in page],
            **(context or {}),
        },
    )


@requires(Role.ADMIN, write=False)
def requests(request: HttpRequest) -> HttpResponse:
    """GET: the search form and the request log. POST: find the person (logged)."""
    if request.method != "POST":
        return _requests_page(request, RequestForm())
    actor = actor_of(request)
    form = RequestForm(request.POST)
    if not form.is_valid():
        return _requests_page(request, form)
    identifier, kind = form.cleaned_data["identifier"], form.cleaned_type()
    outcome = call_service(
        form, lambda: services.find(actor=actor, identifier=identifier, identifier_type=kind)
    )
    if outcome is None:
        return _requests_page(request, form)
    earlier = selectors.earlier_requests(
        actor.organisation, outcome.request.identifier_digest
    ).exclude(pk=outcome.request.pk)
    return _requests_page(
        request,
        form,
        {
            "searched": True,
            "people": selectors.found_people(actor.organisation, outcome.respondent_ids),
            "earlier": earlier[:10],
            "erase_form": EraseForm(initial={"identifier": identifier, "identifier_type": kind}),
        },
    )


@requires(Role.ADMIN, write=False)
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    """A ZIP of everything held about the person: JSON and CSV tables."""
    actor = actor_of(request)
    form = RequestForm(request.POST)
    outcome = None
    if form.is_valid():
        outcome = call_service(
            form,
            lambda: services.export(
                actor=actor,
                identifier=form.cleaned_data["identifier"],
                identifier_type=form.cleaned_type(),
            ),
        )
    if outcome is None or outcome.document is None:
        messages.error(request, _("Enter what the person can be found by."))
        return redirect("privacy:requests")
    response = HttpResponse(exports.as_zip(outcome.document), content_type="application/zip")
    name = f"kaiku-subject-access-{timezone.localdate().isoformat()}-{outcome.request.pk}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@requires(Role.ADMIN)
@require_POST
def erase(request: HttpRequest) -> HttpResponse:
    """Without `confirmed`: what would be erased, and the confirmation. With it: erase."""
    actor = actor_of(request)
    form = EraseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter what the person can be found by."))
        return redirect("privacy:requests")
    data = form.cleaned_data
    identifier, kind = data["identifier"], form.cleaned_type()
    # The same request, previewed first and carried out once confirmed.
    asked = {
        "actor": actor,
        "identifier": identifier,
        "identifier_type": kind,
        "delete_responses": bool(data["delete_responses"]),
        "delete_import_files": bool(data["delete_import_files"]),
    }
    if not data["confirmed"]:
        counts = call_service(form, lambda: services.erasure_preview(**asked))
        if counts is None:
            return _requests_page(request, RequestForm(request.POST))
        return render(
            request,
            "privacy/erase_confirm.html",
            {"form": form, "counts": labelled(counts), "found": counts["respondents"]},
        )
    outcome = call_service(form, lambda: services.erase(**asked))
    if outcome is None:
        return _requests_page(request, RequestForm(request.POST))
    if outcome.respondent_ids:
        messages.success(request, _("Erased: %(what)s.") % {"what": _summary(outcome.counts)})
    else:
        messages.info(request, _("Nothing found to erase: nothing was changed."))
    return redirect("privacy:requests")


# Retention -------------------------------------------------------------------------


def _retention_page(request: HttpRequest, form: RetentionForm) -> HttpResponse:
    organisation = actor_of(request).organisation
    policy = selectors.policy_for(organisation)
    return render(
        request,
        "privacy/retention.html",
        {
            "form": form,
            "policy": policy,
            "defaults": policy.pk is None,
            "due": labelled(retention.preview(organisation)),
        },
    )


@requires(Role.ADMIN, write=False)
def retention_page(request: HttpRequest) -> HttpResponse:
    policy = selectors.policy_for(actor_of(request).organisation)
    return _retention_page(request, RetentionForm(instance=policy))


@requires(Role.ADMIN)
@require_POST
def retention_save(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = RetentionForm(request.POST, instance=selectors.policy_for(actor.organisation))
    if form.is_valid():
        values = {name: form.cleaned_data[name] for name in retention.POLICY_FIELDS}
        saved = call_service(form, lambda: retention.save_policy(actor=actor, values=values))
        if saved is not None:
            messages.success(request, _("Saved. The policy is applied every night."))
            return redirect("privacy:retention")
    return _retention_page(request, form)


@requires(Role.ADMIN)
@require_POST
def retention_apply(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    counts = retention.apply_retention(organisation=actor.organisation, actor=actor)
    messages.success(request, _("Removed: %(what)s.") % {"what": _summary(counts)})
    return redirect("privacy:retention")


# Record of processing ------------------------------------------------------------


@requires(Role.ADMIN, write=False)
def processing_page(request: HttpRequest) -> HttpResponse:
    document = processing.record_of_processing(actor_of(request).organisation)
    form = ProcessorsForm(initial={"text": document["processors"]})
    return render(request, "privacy/processing.html", {"record": document, "form": form})


@requires(Role.ADMIN, write=False)
def processing_download(request: HttpRequest, fmt: str) -> HttpResponse:
    document = processing.record_of_processing(actor_of(request).organisation)
    name = f"kaiku-record-of-processing-{timezone.localdate().isoformat()}"
    if fmt == "json":
        body = json.dumps(document, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(
            processing.as_markdown(document), content_type="text/markdown; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@requires(Role.ADMIN)
@require_POST
def processors_save(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = ProcessorsForm(request.POST)
    if form.is_valid():
        text = form.cleaned_data["text"]
        if call_service(form, lambda: processing.save_processors(actor=actor, text=text)):
            messages.success(request, _("Saved."))
            return redirect("privacy:processing")
    document = processing.record_of_processing(actor.organisation)
    return render(request, "privacy/processing.html", {"record": document, "form": form})
