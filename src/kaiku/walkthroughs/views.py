"""Web views for walkthroughs: the list, planning, one walkthrough along its journey,
the phone form a walker records with, and photos served only to members.

Recording and deleting are open to every member by role (VIEWER): a walker may be
of any role. Whether this member may record here (an assigned walker, or an analyst
and above) is the services' rule, asked before anything is shown or saved.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaiku.core.forms import call_service
from kaiku.journeys.models import Journey
from kaiku.organisations.models import Role
from kaiku.organisations.permissions import actor_of, requires
from kaiku.walkthroughs import photos, selectors, services
from kaiku.walkthroughs.forms import ObservationForm, WalkthroughForm
from kaiku.walkthroughs.models import Walkthrough, WalkthroughStatus


@requires(Role.VIEWER, write=False)
def walkthrough_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.walkthroughs(actor.organisation)
    mine = (
        selectors.assigned_to(actor.organisation, actor.user).exclude(status=WalkthroughStatus.DONE)
        if actor.user is not None
        else found.none()
    )
    return render(
        request, "walkthroughs/list.html", {"walkthroughs": found[:200], "mine": list(mine)}
    )


def _form(
    request: HttpRequest, walkthrough: Walkthrough | None = None, **kwargs: Any
) -> WalkthroughForm:
    organisation = actor_of(request).organisation
    return WalkthroughForm(
        request.POST if request.method == "POST" else None,
        journeys=Journey.objects.filter(organisation=organisation, archived_at__isnull=True),
        members=User.objects.filter(memberships__organisation=organisation).order_by(
            "first_name", "last_name", "email"
        ),
        editing=walkthrough is not None,
        **kwargs,
    )


@requires(Role.ANALYST)
def walkthrough_plan(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = _form(
        request,
        initial={"planned_for": timezone.localdate(), "journey": request.GET.get("journey")},
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, lambda: services.plan_walkthrough(actor=actor, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, _("Walkthrough planned."))
            return redirect("walkthroughs:detail", walkthrough_id=saved.pk)
    return render(request, "walkthroughs/form.html", {"form": form, "walkthrough": None})


@requires(Role.ANALYST)
def walkthrough_edit(request: HttpRequest, walkthrough_id: int) -> HttpResponse:
    actor = actor_of(request)
    walk = selectors.walkthrough(actor.organisation, walkthrough_id)
    initial = {
        "journey": walk.journey_id, "title": walk.title, "planned_for": walk.planned_for,
        "walkers": list(walk.walkers.all()), "instructions": walk.instructions,
    }  # fmt: skip
    form = _form(request, walk, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "journey"}
        saved = call_service(
            form, lambda: services.update_walkthrough(actor=actor, walkthrough=walk, **fields)
        )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("walkthroughs:detail", walkthrough_id=walk.pk)
    return render(request, "walkthroughs/form.html", {"form": form, "walkthrough": walk})


@requires(Role.VIEWER, write=False)
def walkthrough_detail(request: HttpRequest, walkthrough_id: int) -> HttpResponse:
    actor = actor_of(request)
    detail = selectors.walkthrough_detail(actor.organisation, walkthrough_id)
    return render(
        request,
        "walkthroughs/detail.html",
        {
            "detail": detail,
            "walkthrough": detail.walkthrough,
            "may_record": services.may_record(actor, detail.walkthrough)
            and detail.walkthrough.status != WalkthroughStatus.DONE,
            "statuses": WalkthroughStatus.choices,
        },
    )


@requires(Role.ANALYST)
@require_POST
def walkthrough_status(request: HttpRequest, walkthrough_id: int) -> HttpResponse:
    actor = actor_of(request)
    walk = selectors.walkthrough(actor.organisation, walkthrough_id)
    try:
        services.set_status(actor=actor, walkthrough=walk, status=request.POST.get("status", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("walkthroughs:detail", walkthrough_id=walk.pk)


@requires(Role.VIEWER)  # an assigned walker of any role; the service checks the assignment
def observe(request: HttpRequest, walkthrough_id: int, touchpoint_id: int) -> HttpResponse:
    """The phone form: what a walker saw at one touchpoint, and the way on."""
    actor = actor_of(request)
    walk = selectors.walkthrough(actor.organisation, walkthrough_id)
    touchpoint = selectors.walkthrough_touchpoint(actor.organisation, walk, touchpoint_id)
    if not services.may_record(actor, walk):
        raise PermissionDenied
    posted = request.method == "POST"
    form = ObservationForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        data = form.cleaned_data
        saved = call_service(
            form,
            lambda: services.add_observation(
                actor=actor,
                walkthrough=walk,
                touchpoint=touchpoint,
                category=data["category"],
                note=data["note"],
                feeling=data["feeling"],
                severity=data["severity"],
                emotion=data["emotion"],
                photo=data["photo"],
            ),
        )
        if saved is not None:
            messages.success(
                request, _("Saved. Add another here, or go on to the next touchpoint.")
            )
            return redirect(request.path)
    detail = selectors.walkthrough_detail(actor.organisation, walk.pk)
    order = [t.pk for t in detail.touchpoints]
    at = order.index(touchpoint.pk) if touchpoint.pk in order else -1
    by_id = {t.pk: t for t in detail.touchpoints}
    here = next(
        (
            t.observations
            for s in detail.stages
            for t in s.touchpoints
            if t.touchpoint.pk == touchpoint.pk
        ),
        [],
    )
    return render(
        request,
        "walkthroughs/observe.html",
        {
            "walkthrough": walk,
            "touchpoint": touchpoint,
            "form": form,
            "here": here,
            "position": at + 1,
            "total": len(order),
            "previous": by_id[order[at - 1]] if at > 0 else None,
            "next": by_id[order[at + 1]] if 0 <= at < len(order) - 1 else None,
            "done": walk.status == WalkthroughStatus.DONE,
        },
    )


@requires(Role.VIEWER)  # its author, whatever their role, or an analyst; the service decides
@require_POST
def observation_delete(request: HttpRequest, observation_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.observation(actor.organisation, observation_id)
    try:
        services.delete_observation(actor=actor, observation=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Observation deleted."))
    return redirect("walkthroughs:detail", walkthrough_id=item.walkthrough_id)


@requires(Role.ANALYST)
@require_POST
def observation_action(request: HttpRequest, observation_id: int) -> HttpResponse:
    """Start an improvement action from an observation, and go to it."""
    actor = actor_of(request)
    item = selectors.observation(actor.organisation, observation_id)
    action = services.start_action(actor=actor, observation=item)
    messages.success(request, _("The improvement action is started from the observation."))
    return redirect("actions:detail", action_id=action.pk)


@requires(Role.VIEWER, write=False)
def photo(request: HttpRequest, observation_id: int) -> HttpResponseBase:
    """An observation's photo, to members of its organisation only."""
    item = selectors.observation(actor_of(request).organisation, observation_id)
    return photos.photo_response(item.photo)
