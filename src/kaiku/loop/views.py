"""Web views for the loop: the case inbox, a case, alert rules and webhooks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaiku.audit.services import record
from kaiku.core.forms import call_service
from kaiku.journeys.models import Touchpoint
from kaiku.loop import selectors, services
from kaiku.loop.forms import ContactForm, NoteForm, ResolveForm, RuleForm, WebhookForm
from kaiku.loop.models import AlertRule, CaseState, Webhook
from kaiku.loop.rules import describe
from kaiku.organisations.models import Membership, Role, Team
from kaiku.organisations.permissions import actor_of, requires
from kaiku.textanalysis import engine
from kaiku.textanalysis.selectors import analysis_view

METRICS_DAYS = 90


@requires(Role.HANDLER, write=False)
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    box = request.GET.get("box", "mine")
    box = box if box in selectors.INBOXES else "mine"
    state = request.GET.get("state", "open")
    today = timezone.localdate()
    return render(
        request,
        "loop/inbox.html",
        {
            "cases": selectors.inbox(actor, box, state)[:200],
            "box": box,
            "state": state,
            "states": CaseState.choices,
            "now": timezone.now(),
            "metrics": selectors.metrics(
                actor.organisation, today - timedelta(days=METRICS_DAYS - 1), today
            ),
            "metrics_days": METRICS_DAYS,
        },
    )


def _touchpoints(request: HttpRequest) -> QuerySet[Touchpoint]:
    return Touchpoint.objects.filter(
        stage__journey__organisation=actor_of(request).organisation
    ).select_related("stage__journey")


@requires(Role.HANDLER, write=False)
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = selectors.case(actor, case_id)
    # A case shows a person's answers and contact details: reading it is recorded.
    record(actor=actor, action="case.view", obj=case)
    answers = []
    for answer in case.response.answers.all():
        analysis = next(
            (a for a in case.response.text_analyses.all() if a.answer_id == answer.pk), None
        )
        answers.append((answer, analysis_view(analysis) if analysis else None))
    handlers = Membership.objects.filter(
        organisation=actor.organisation,
        role__in=[Role.HANDLER, Role.ANALYST, Role.ADMIN, Role.OWNER],
    ).select_related("user")
    if case.sensitive:
        handlers = handlers.filter(handles_sensitive=True)
    return render(
        request,
        "loop/case.html",
        {
            "case": case,
            "answers": answers,
            "may_contact": services.may_contact(case),
            "asked_hands_off": services.asked_not_to_be_contacted(case),
            "contact": getattr(case.response.respondent, "contact", None)
            if case.response.respondent_id and services.may_contact(case)
            else None,
            "note_form": NoteForm(),
            "contact_form": ContactForm(),
            "resolve_form": ResolveForm(touchpoints=_touchpoints(request)),
            "next_states": sorted(
                services.TRANSITIONS.get(case.state, set()) - {CaseState.RESOLVED}
            ),
            "state_names": dict(CaseState.choices),
            "handlers": handlers,
            "now": timezone.now(),
        },
    )


def _case_action(
    request: HttpRequest, case_id: int, form: Form, save: Callable[[], object]
) -> HttpResponse:
    if form.is_valid() and call_service(form, save) is not None:
        messages.success(request, _("Saved."))
    else:
        errors = [str(e) for field in form.errors.values() for e in field]
        messages.error(request, " ".join(errors) or _("Check the form."))
    return redirect("loop:case", case_id=case_id)


@requires(Role.HANDLER)
@require_POST
def case_note(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = selectors.case(actor, case_id)
    form = NoteForm(request.POST)
    return _case_action(
        request, case_id, form,
        lambda: services.add_note(actor=actor, case=case, text=form.cleaned_data["text"]),
    )  # fmt: skip


@requires(Role.HANDLER)
@require_POST
def case_contact(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = selectors.case(actor, case_id)
    form = ContactForm(request.POST)
    return _case_action(
        request, case_id, form,
        lambda: services.log_contact(actor=actor, case=case, **form.cleaned_data),
    )  # fmt: skip


@requires(Role.HANDLER)
@require_POST
def case_resolve(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = selectors.case(actor, case_id)
    form = ResolveForm(request.POST, touchpoints=_touchpoints(request))
    return _case_action(
        request, case_id, form,
        lambda: services.resolve(actor=actor, case=case, **form.cleaned_data),
    )  # fmt: skip


@requires(Role.HANDLER)
@require_POST
def case_state(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = selectors.case(actor, case_id)
    state = request.POST.get("state", "")
    form = NoteForm({"text": request.POST.get("text") or "-"})
    if state == "reopen":
        action = lambda: services.reopen(actor=actor, case=case, text=request.POST.get("text", ""))  # noqa: E731
    else:
        action = lambda: services.change_state(  # noqa: E731
            actor=actor, case=case, state=state, text=request.POST.get("text", "")
        )
    return _case_action(request, case_id, form, action)


@requires(Role.HANDLER)
@require_POST
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    case = selectors.case(actor, case_id)
    chosen = request.POST.get("assignee", "")
    user = None
    if chosen:
        member = Membership.objects.filter(organisation=actor.organisation, user_id=chosen).first()
        user = member.user if member else None
    form = NoteForm({"text": "-"})
    return _case_action(
        request, case_id, form, lambda: services.assign(actor=actor, case=case, user=user)
    )


# Rules and webhooks ---------------------------------------------------------------


def _rule_form(request: HttpRequest, rule: AlertRule | None) -> RuleForm:
    organisation = actor_of(request).organisation
    language = (get_language() or "fi")[:2]
    taxonomy = engine.taxonomy_for(organisation.pk)
    return RuleForm(
        request.POST or None,
        initial=RuleForm.initial_from(rule) if rule else None,
        teams=Team.objects.filter(organisation=organisation),
        touchpoints=_touchpoints(request),
        webhooks=selectors.webhooks(organisation),
        themes=sorted(
            ((k, taxonomy.name(k, language)) for k in taxonomy.themes), key=lambda t: t[1]
        ),
    )


@requires(Role.HANDLER, write=False)
def rules(request: HttpRequest) -> HttpResponse:
    organisation = actor_of(request).organisation
    return render(
        request,
        "loop/rules.html",
        {
            "rules": [(rule, describe(rule.conditions)) for rule in selectors.rules(organisation)],
            "webhooks": selectors.webhooks(organisation),
        },
    )


@requires(Role.ADMIN)
def rule_edit(request: HttpRequest, rule_id: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    rule = (
        get_object_or_404(AlertRule, organisation=actor.organisation, pk=rule_id)
        if rule_id
        else None
    )
    form = _rule_form(request, rule)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save() -> AlertRule:
            return services.save_rule(
                actor=actor,
                rule=rule,
                name=data["name"],
                active=data["active"],
                conditions=form.conditions(),
                open_case=data["open_case"],
                priority=data["priority"],
                assign_team=data["assign_team"],
                deadline_hours=data["deadline_hours"],
                notify_assignee=data["notify_assignee"],
                notify_emails=data["notify_emails"],
                webhooks=list(data["webhooks"]),
            )

        if call_service(form, save) is not None:
            messages.success(request, _("Saved."))
            return redirect("loop:rules")
    return render(request, "loop/rule_form.html", {"form": form, "rule": rule})


@requires(Role.ADMIN)
@require_POST
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    actor = actor_of(request)
    rule = get_object_or_404(AlertRule, organisation=actor.organisation, pk=rule_id)
    services.delete_rule(actor=actor, rule=rule)
    messages.success(request, _("Deleted."))
    return redirect("loop:rules")


@requires(Role.ADMIN)
def webhook_edit(request: HttpRequest, webhook_id: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    webhook = (
        get_object_or_404(Webhook, organisation=actor.organisation, pk=webhook_id)
        if webhook_id
        else None
    )
    initial = (
        {"name": webhook.name, "url": webhook.url, "format": webhook.format} if webhook else None
    )
    form = WebhookForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, lambda: services.save_webhook(actor=actor, webhook=webhook, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("loop:rules")
    return render(request, "loop/webhook_form.html", {"form": form, "webhook": webhook})
