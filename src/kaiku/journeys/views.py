"""Web views for service paths: the journey list, the blueprint and its editing."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaiku.core.forms import call_service
from kaiku.journeys import selectors, services
from kaiku.journeys.forms import JourneyForm, JourneyImportForm, NamedForm, TouchpointForm
from kaiku.journeys.models import Layer
from kaiku.organisations.models import Role
from kaiku.organisations.permissions import actor_of, requires
from kaiku.organisations.selectors import teams as org_teams

# Journeys ------------------------------------------------------------------------


@requires(Role.VIEWER, write=False)
def journey_list(request: HttpRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    found = selectors.journeys(actor_of(request).organisation, archived=archived)
    return render(request, "journeys/list.html", {"journeys": found, "archived": archived})


@requires(Role.ANALYST)
def journey_create(request: HttpRequest) -> HttpResponse:
    form = JourneyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        journey = call_service(
            form, lambda: services.create_journey(actor=actor_of(request), **form.cleaned_data)
        )
        if journey is not None:
            messages.success(request, _("The journey was created. Add its stages next."))
            return redirect("journeys:detail", journey_id=journey.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("New journey"), "back": "journeys:list"},
    )


@requires(Role.ANALYST)
def journey_import(request: HttpRequest) -> HttpResponse:
    form = JourneyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        journey = call_service(
            form,
            lambda: services.import_journey(
                actor=actor_of(request), document=form.cleaned_data["file"]
            ),
        )
        if journey is not None:
            messages.success(request, _("The journey was imported."))
            return redirect("journeys:detail", journey_id=journey.pk)
    return render(request, "journeys/import.html", {"form": form})


@requires(Role.VIEWER, write=False)
def journey_detail(request: HttpRequest, journey_id: int) -> HttpResponse:
    """The service blueprint: stages as columns, layers as rows, touchpoints in the cells."""
    journey = selectors.journey_with_structure(actor_of(request).organisation, journey_id)
    archived_stages, archived_touchpoints = selectors.archived_parts(journey)
    return render(
        request,
        "journeys/blueprint.html",
        {
            "journey": journey,
            "rows": selectors.blueprint(journey),
            "archived_stages": archived_stages,
            "archived_touchpoints": archived_touchpoints,
            "layers": Layer,
        },
    )


@requires(Role.ANALYST)
def journey_edit(request: HttpRequest, journey_id: int) -> HttpResponse:
    actor = actor_of(request)
    journey = selectors.journey(actor.organisation, journey_id)
    form = JourneyForm(
        request.POST or None,
        initial={
            "name": journey.name,
            "description": journey.description,
            "sensitive": journey.sensitive,
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form, lambda: services.update_journey(actor=actor, journey=journey, **form.cleaned_data)
        )
        is not None
    ):
        return redirect("journeys:detail", journey_id=journey.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Edit journey"), "back_url": _detail(journey.pk)},
    )


@requires(Role.ANALYST)
@require_POST
def journey_archive(request: HttpRequest, journey_id: int) -> HttpResponse:
    actor = actor_of(request)
    services.archive_journey(actor=actor, journey=selectors.journey(actor.organisation, journey_id))
    messages.success(request, _("The journey was archived."))
    return redirect("journeys:list")


@requires(Role.ANALYST)
@require_POST
def journey_restore(request: HttpRequest, journey_id: int) -> HttpResponse:
    actor = actor_of(request)
    services.restore_journey(actor=actor, journey=selectors.journey(actor.organisation, journey_id))
    messages.success(request, _("The journey was restored."))
    return redirect("journeys:detail", journey_id=journey_id)


@requires(Role.VIEWER, write=False)
@require_POST
def journey_export(request: HttpRequest, journey_id: int) -> HttpResponse:
    actor = actor_of(request)
    journey = selectors.journey(actor.organisation, journey_id)
    export = services.request_journey_export(actor=actor, journey=journey)
    return redirect("journeys:export", export_id=export.pk)


@requires(Role.VIEWER, write=False)
def export_status(request: HttpRequest, export_id: int) -> HttpResponse:
    export = selectors.journey_export(actor_of(request).organisation, export_id)
    template = "journeys/_export_status.html" if request.htmx else "journeys/export.html"  # type: ignore[attr-defined]
    return render(request, template, {"export": export})


@requires(Role.VIEWER, write=False)
def export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    export = selectors.journey_export(actor_of(request).organisation, export_id)
    if export.document is None:
        return redirect("journeys:export", export_id=export.pk)
    body = json.dumps(export.document, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"{slugify(export.journey.name) or 'journey'}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _detail(journey_id: int) -> str:
    from django.urls import reverse

    return reverse("journeys:detail", kwargs={"journey_id": journey_id})


# Stages --------------------------------------------------------------------------


@requires(Role.ANALYST)
def stage_create(request: HttpRequest, journey_id: int) -> HttpResponse:
    actor = actor_of(request)
    journey = selectors.journey(actor.organisation, journey_id)
    form = NamedForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form, lambda: services.add_stage(actor=actor, journey=journey, **form.cleaned_data)
        )
        is not None
    ):
        return redirect("journeys:detail", journey_id=journey.pk)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("New stage"), "back_url": _detail(journey.pk)},
    )


@requires(Role.ANALYST)
def stage_edit(request: HttpRequest, stage_id: int) -> HttpResponse:
    actor = actor_of(request)
    stage = selectors.stage(actor.organisation, stage_id)
    form = NamedForm(
        request.POST or None, initial={"name": stage.name, "description": stage.description}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form, lambda: services.update_stage(actor=actor, stage=stage, **form.cleaned_data)
        )
        is not None
    ):
        return redirect("journeys:detail", journey_id=stage.journey_id)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Edit stage"), "back_url": _detail(stage.journey_id)},
    )


@requires(Role.ANALYST)
@require_POST
def stage_move(request: HttpRequest, stage_id: int) -> HttpResponse:
    actor = actor_of(request)
    stage = selectors.stage(actor.organisation, stage_id)
    if stage.archived_at is None:
        services.move_stage(actor=actor, stage=stage, offset=_offset(request))
    return redirect("journeys:detail", journey_id=stage.journey_id)


@requires(Role.ANALYST)
@require_POST
def stage_archive(request: HttpRequest, stage_id: int) -> HttpResponse:
    actor = actor_of(request)
    stage = services.archive_stage(actor=actor, stage=selectors.stage(actor.organisation, stage_id))
    messages.success(request, _("The stage %(name)s was archived.") % {"name": stage.name})
    return redirect("journeys:detail", journey_id=stage.journey_id)


@requires(Role.ANALYST)
@require_POST
def stage_restore(request: HttpRequest, stage_id: int) -> HttpResponse:
    actor = actor_of(request)
    stage = services.restore_stage(actor=actor, stage=selectors.stage(actor.organisation, stage_id))
    return redirect("journeys:detail", journey_id=stage.journey_id)


def _offset(request: HttpRequest) -> int:
    return -1 if request.POST.get("direction") in ("left", "up") else 1


# Touchpoints ---------------------------------------------------------------------


@requires(Role.ANALYST)
def touchpoint_create(request: HttpRequest, stage_id: int) -> HttpResponse:
    actor = actor_of(request)
    stage = selectors.stage(actor.organisation, stage_id)
    layer = request.GET.get("layer", Layer.FRONTSTAGE)
    form = TouchpointForm(
        request.POST or None,
        teams=org_teams(actor.organisation),
        initial={"layer": layer, "channel": "in_person"},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form, lambda: services.add_touchpoint(actor=actor, stage=stage, **form.cleaned_data)
        )
        is not None
    ):
        return redirect("journeys:detail", journey_id=stage.journey_id)
    title = _("New touchpoint in %(stage)s") % {"stage": stage.name}
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": title, "back_url": _detail(stage.journey_id)},
    )


@requires(Role.VIEWER, write=False)
def touchpoint_detail(request: HttpRequest, touchpoint_id: int) -> HttpResponse:
    from kaiku.audit.selectors import audit_entries

    actor = actor_of(request)
    touchpoint = selectors.touchpoint(actor.organisation, touchpoint_id)
    history = audit_entries(
        actor.organisation, object_type="touchpoint", object_id=str(touchpoint.pk)
    )[:20]
    return render(
        request, "journeys/touchpoint.html", {"touchpoint": touchpoint, "history": history}
    )


@requires(Role.ANALYST)
def touchpoint_edit(request: HttpRequest, touchpoint_id: int) -> HttpResponse:
    actor = actor_of(request)
    touchpoint = selectors.touchpoint(actor.organisation, touchpoint_id)
    stages = selectors.stages_for_moves(actor.organisation)
    initial = {
        "name": touchpoint.name,
        "description": touchpoint.description,
        "channel": touchpoint.channel,
        "layer": touchpoint.layer,
        "owner_team_id": touchpoint.owner_team_id,
        "stage_id": touchpoint.stage_id,
    }
    form = TouchpointForm(
        request.POST or None, teams=org_teams(actor.organisation), stages=stages, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.update_touchpoint(
                actor=actor, touchpoint=touchpoint, **form.cleaned_data
            ),
        )
        if saved is not None:
            return redirect("journeys:detail", journey_id=saved.stage.journey_id)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Edit touchpoint"),
            "back_url": _detail(touchpoint.stage.journey_id),
        },
    )


@requires(Role.ANALYST)
@require_POST
def touchpoint_move(request: HttpRequest, touchpoint_id: int) -> HttpResponse:
    actor = actor_of(request)
    touchpoint = selectors.touchpoint(actor.organisation, touchpoint_id)
    if touchpoint.archived_at is None:
        services.move_touchpoint(actor=actor, touchpoint=touchpoint, offset=_offset(request))
    return redirect("journeys:detail", journey_id=touchpoint.stage.journey_id)


@requires(Role.ANALYST)
@require_POST
def touchpoint_archive(request: HttpRequest, touchpoint_id: int) -> HttpResponse:
    actor = actor_of(request)
    touchpoint = services.archive_touchpoint(
        actor=actor, touchpoint=selectors.touchpoint(actor.organisation, touchpoint_id)
    )
    messages.success(
        request, _("The touchpoint %(name)s was archived.") % {"name": touchpoint.name}
    )
    return redirect("journeys:detail", journey_id=touchpoint.stage.journey_id)


@requires(Role.ANALYST)
@require_POST
def touchpoint_restore(request: HttpRequest, touchpoint_id: int) -> HttpResponse:
    actor = actor_of(request)
    touchpoint = services.restore_touchpoint(
        actor=actor, touchpoint=selectors.touchpoint(actor.organisation, touchpoint_id)
    )
    return redirect("journeys:detail", journey_id=touchpoint.stage.journey_id)


# Segments ------------------------------------------------------------------------


@requires(Role.VIEWER, write=False)
def segment_list(request: HttpRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    found = selectors.segments(actor_of(request).organisation, archived=archived)
    return render(
        request,
        "journeys/segments.html",
        {"segments": found, "archived": archived, "form": NamedForm()},
    )


@requires(Role.ANALYST)
def segment_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = NamedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.create_segment(actor=actor, **form.cleaned_data)):
            messages.success(request, _("The segment was created."))
            return redirect("journeys:segments")
    return render(
        request,
        "journeys/segments.html",
        {"segments": selectors.segments(actor.organisation), "form": form},
    )


@requires(Role.ANALYST)
def segment_edit(request: HttpRequest, segment_id: int) -> HttpResponse:
    actor = actor_of(request)
    segment = selectors.segment(actor.organisation, segment_id)
    form = NamedForm(
        request.POST or None, initial={"name": segment.name, "description": segment.description}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form, lambda: services.update_segment(actor=actor, segment=segment, **form.cleaned_data)
        )
        is not None
    ):
        return redirect("journeys:segments")
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Edit segment"), "back": "journeys:segments"},
    )


@requires(Role.ANALYST)
@require_POST
def segment_archive(request: HttpRequest, segment_id: int) -> HttpResponse:
    actor = actor_of(request)
    services.archive_segment(actor=actor, segment=selectors.segment(actor.organisation, segment_id))
    return redirect("journeys:segments")


@requires(Role.ANALYST)
@require_POST
def segment_restore(request: HttpRequest, segment_id: int) -> HttpResponse:
    actor = actor_of(request)
    services.restore_segment(actor=actor, segment=selectors.segment(actor.organisation, segment_id))
    return redirect("journeys:segments")
