"""Web views for improvement actions and "you said, we did"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kaiku.core.forms import call_service
from kaiku.journeys.models import Touchpoint
from kaiku.loop import actions, announcements
from kaiku.loop.forms import ActionForm, AnnouncementForm
from kaiku.loop.models import Action, ActionState, Case
from kaiku.organisations.models import Role, Team
from kaiku.organisations.permissions import actor_of, requires
from kaiku.textanalysis import engine


def _form(request: HttpRequest, initial: dict[str, Any] | None = None) -> ActionForm:
    organisation = actor_of(request).organisation
    language = (get_language() or "fi")[:2]
    taxonomy = engine.taxonomy_for(organisation.pk)
    return ActionForm(
        request.POST or None,
        initial=initial,
        teams=Team.objects.filter(organisation=organisation),
        touchpoints=Touchpoint.objects.filter(
            stage__journey__organisation=organisation
        ).select_related("stage__journey"),
        members=User.objects.filter(memberships__organisation=organisation).order_by("email"),
        themes=sorted(
            ((k, taxonomy.name(k, language)) for k in taxonomy.themes), key=lambda t: t[1]
        ),
    )


@requires(Role.VIEWER, write=False)
def action_list(request: HttpRequest) -> HttpResponse:
    found = actions.actions(actor_of(request).organisation)
    return render(
        request,
        "loop/actions.html",
        {"actions": [(a, actions.effect(a)) for a in found[:200]]},
    )


@requires(Role.ANALYST)
def action_add(request: HttpRequest) -> HttpResponse:
    """A new action, by hand or started from a pain point (?touchpoint=&theme=) or a
    case (?case=)."""
    actor = actor_of(request)
    case = None
    if request.GET.get("case"):
        case = get_object_or_404(Case, organisation=actor.organisation, pk=request.GET["case"])
    initial: dict[str, Any] = {
        "touchpoints": request.GET.getlist("touchpoint"),
        "themes": request.GET.getlist("theme"),
        "title": request.GET.get("title", ""),
        "window_days": 30,
    }
    if case is not None:
        initial.update(
            title=case.title,
            problem=case.root_cause or case.resolution,
            touchpoints=[
                t for t in (case.resolution_touchpoint_id, case.response.touchpoint_id) if t
            ],
        )
    form = _form(request, initial)
    if request.method == "POST" and form.is_valid() and (saved := _save(request, form, case=case)):
        return redirect("actions:detail", action_id=saved.pk)
    return render(request, "loop/action_form.html", {"form": form, "action": None, "case": case})


def _save(request: HttpRequest, form: ActionForm, **target: Any) -> Action | None:
    """Save a valid form through the service (a new action, or `action=`); its
    refusals land on the form."""
    data = dict(form.cleaned_data)
    touchpoints = list(data.pop("touchpoints"))
    saved = call_service(
        form,
        lambda: actions.save_action(
            actor=actor_of(request), touchpoints=touchpoints, **target, **data
        ),
    )
    if saved is not None:
        messages.success(request, _("Saved."))
    return saved


@requires(Role.ANALYST)
def action_edit(request: HttpRequest, action_id: int) -> HttpResponse:
    actor = actor_of(request)
    action = get_object_or_404(Action, organisation=actor.organisation, pk=action_id)
    initial = {
        "title": action.title, "problem": action.problem,
        "touchpoints": list(action.touchpoints.all()), "themes": action.themes,
        "owner": action.owner_id, "team": action.team_id, "state": action.state,
        "due_date": action.due_date, "window_days": action.window_days,
    }  # fmt: skip
    form = _form(request, initial)
    if request.method == "POST" and form.is_valid() and _save(request, form, action=action):
        return redirect("actions:detail", action_id=action.pk)
    return render(request, "loop/action_form.html", {"form": form, "action": action})


@requires(Role.VIEWER, write=False)
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    actor = actor_of(request)
    action = get_object_or_404(actions.actions(actor.organisation), pk=action_id)
    form = None
    if action.state == ActionState.DONE:
        texts = announcements.defaults(action)
        form = AnnouncementForm(
            initial={
                f"{part}_{lang}": texts[lang][index]
                for lang in texts
                for index, part in enumerate(("subject", "body"))
            }
        )
    return render(request, "loop/action.html", _detail_context(action, form))


def _detail_context(action: Action, form: AnnouncementForm | None) -> dict[str, Any]:
    sent = [
        (a, dict(a.messages.values_list("status").annotate(n=Count("pk"))))
        for a in action.announcements.all()
    ]
    return {
        "action": action,
        "effect": actions.effect(action),
        "form": form,
        "preview": announcements.preview(action) if form is not None else None,
        "announcements": sent,
    }


@requires(Role.ANALYST)
def action_announce(request: HttpRequest, action_id: int) -> HttpResponse:
    actor = actor_of(request)
    action = get_object_or_404(actions.actions(actor.organisation), pk=action_id)
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subject, body = form.texts()
        sent = call_service(
            form,
            lambda: announcements.send(actor=actor, action=action, subject=subject, body=body),
        )
        if sent is not None:
            messages.success(request, _("Sent to %(n)d customers.") % {"n": sent.recipients})
            return redirect("actions:detail", action_id=action.pk)
    return render(request, "loop/action.html", _detail_context(action, form))
