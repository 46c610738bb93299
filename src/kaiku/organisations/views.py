"""Web views for the organisation: switching, members, teams and API keys."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaiku.accounts import selectors as accounts
from kaiku.accounts import services as account_services
from kaiku.core.forms import call_service
from kaiku.organisations import selectors, services
from kaiku.organisations.forms import ApiKeyForm, MemberAddForm, MemberEditForm, TeamForm
from kaiku.organisations.middleware import SESSION_KEY
from kaiku.organisations.models import Membership, Role
from kaiku.organisations.permissions import actor_of, requires, signed_in, user_of


@signed_in
@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    chosen = (
        selectors.memberships_of(user_of(request))
        .filter(organisation_id=request.POST.get("organisation", ""))
        .first()
    )
    if chosen is not None:
        request.session[SESSION_KEY] = chosen.organisation_id
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/"
    return redirect(target)


@requires(Role.ADMIN, write=False)
def members(request: HttpRequest) -> HttpResponse:
    return _members_page(request, MemberAddForm())


def _members_page(request: HttpRequest, form: MemberAddForm) -> HttpResponse:
    organisation = actor_of(request).organisation
    return render(
        request,
        "organisations/members.html",
        {
            "members": selectors.members(organisation),
            "form": form,
            "two_factor_users": accounts.two_factor_user_ids(organisation),
        },
    )


@requires(Role.ADMIN)
def member_add(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership = call_service(
            form, lambda: services.add_member(actor=actor, **form.cleaned_data)
        )
        if membership is not None:
            if membership.user.last_login is None:
                _send_invitation(request, membership)
            messages.success(request, _("%(email)s was added.") % form.cleaned_data)
            return redirect("organisations:members")
    return _members_page(request, form)


def _send_invitation(request: HttpRequest, membership: Membership) -> None:
    """A new member sets a password through Django's password-reset link."""
    form = PasswordResetForm({"email": membership.user.email})
    if form.is_valid():
        form.save(
            request=request,
            use_https=request.is_secure(),
            subject_template_name="registration/invitation_subject.txt",
            email_template_name="registration/invitation_email.txt",
            extra_email_context={"organisation": membership.organisation.name},
        )


@requires(Role.ADMIN)
def member_edit(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = actor_of(request)
    membership = selectors.member(actor.organisation, membership_id)
    teams = selectors.teams(actor.organisation)
    initial = {
        "role": membership.role,
        "teams": list(membership.teams.all()),
        "leads": list(membership.leads.all()),
        "handles_sensitive": membership.handles_sensitive,
    }
    form = MemberEditForm(request.POST or None, initial=initial, teams=teams)
    if request.method == "POST" and form.is_valid():

        def save() -> object:
            services.change_member_role(
                actor=actor, membership=membership, role=form.cleaned_data["role"]
            )
            services.set_handles_sensitive(
                actor=actor,
                membership=membership,
                handles_sensitive=form.cleaned_data["handles_sensitive"],
            )
            return services.set_member_teams(
                actor=actor,
                membership=membership,
                teams=list(form.cleaned_data["teams"]),
                leads=list(form.cleaned_data["leads"]),
            )

        if call_service(form, save) is not None:
            messages.success(request, _("Saved."))
            return redirect("organisations:members")
    return render(
        request,
        "organisations/member_edit.html",
        {
            "member": membership,
            "form": form,
            "two_factor": accounts.confirmed_device(membership.user) is not None,
            "may_reset_two_factor": actor.role.at_least(Role.OWNER),
        },
    )


@requires(Role.ADMIN)
@require_POST
def member_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = actor_of(request)
    membership = selectors.member(actor.organisation, membership_id)
    try:
        services.remove_member(actor=actor, membership=membership)
        messages.success(request, _("The member was removed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("organisations:members")


@requires(Role.OWNER)
@require_POST
def member_two_factor_reset(request: HttpRequest, membership_id: int) -> HttpResponse:
    """An owner removes a member's authenticator (a lost phone): they set up a new one."""
    actor = actor_of(request)
    membership = selectors.member(actor.organisation, membership_id)
    try:
        account_services.reset_member_two_factor(actor=actor, membership=membership)
        messages.success(
            request,
            _("Two-step sign-in of %(email)s was reset.")
            % {"email": membership.user.email or membership.user.get_username()},
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("organisations:member_edit", membership_id=membership.pk)


@requires(Role.VIEWER, write=False)
def teams(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return render(
        request,
        "organisations/teams.html",
        {"teams": selectors.teams(actor.organisation), "form": TeamForm()},
    )


@requires(Role.ADMIN)
def team_add(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.create_team(actor=actor, **form.cleaned_data)):
            messages.success(request, _("The team was created."))
            return redirect("organisations:teams")
    return render(
        request,
        "organisations/teams.html",
        {"teams": selectors.teams(actor.organisation), "form": form},
    )


@requires(Role.ADMIN)
def team_edit(request: HttpRequest, team_id: int) -> HttpResponse:
    actor = actor_of(request)
    team = selectors.team(actor.organisation, team_id)
    form = TeamForm(
        request.POST or None, initial={"name": team.name, "description": team.description}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form, lambda: services.update_team(actor=actor, team=team, **form.cleaned_data)
        )
        is not None
    ):
        messages.success(request, _("Saved."))
        return redirect("organisations:teams")
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Edit team"), "back": "organisations:teams"},
    )


@requires(Role.ADMIN, write=False)
def api_keys(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return render(
        request,
        "organisations/api_keys.html",
        {"keys": selectors.api_keys(actor.organisation), "form": ApiKeyForm()},
    )


@requires(Role.ADMIN)
def api_key_add(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = ApiKeyForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        created = call_service(
            form, lambda: services.create_api_key(actor=actor, **form.cleaned_data)
        )
        if created is not None:
            secret = created[1]
            form = ApiKeyForm()
    return render(
        request,
        "organisations/api_keys.html",
        {"keys": selectors.api_keys(actor.organisation), "form": form, "new_secret": secret},
    )


@requires(Role.ADMIN)
@require_POST
def api_key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    actor = actor_of(request)
    services.revoke_api_key(actor=actor, api_key=selectors.api_key(actor.organisation, key_id))
    messages.success(request, _("The key was revoked."))
    return redirect("organisations:api_keys")
