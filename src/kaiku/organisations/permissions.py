"""Who may call which view or API operation: one declared minimum role each.

Every view and API operation carries an `Access` (or is marked public), so the
role tests can be generated from the URL configuration. A signed-in session that has
not passed the two-step sign-in it needs (kaiku.accounts.gate) reaches no guarded view
and does not count in the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from ninja.errors import HttpError
from ninja.utils import check_csrf

from kaiku.accounts.gate import second_step_pending, second_step_redirect
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Role
from kaiku.organisations.services import authenticate_api_key

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


@dataclass(frozen=True)
class Access:
    min_role: Role
    write: bool


def requires(min_role: Role, *, write: bool = True) -> Callable[[View], View]:
    """A web view for members of the active organisation with at least `min_role`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if second_step_pending(request):
                return second_step_redirect(request)
            membership = getattr(request, "membership", None)
            if membership is None:
                return redirect("no_organisation")
            if not membership.has_role(min_role):
                raise PermissionDenied
            request.actor = Actor(  # type: ignore[attr-defined]
                organisation=membership.organisation,
                role=Role(membership.role),
                user=user_of(request),
            )
            return view(request, *args, **kwargs)

        wrapped.kaiku_access = Access(min_role=min_role, write=write)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def public(view: View) -> View:
    """A view anyone may open (sign-in, language switch, health)."""
    view.kaiku_public = True  # type: ignore[attr-defined]
    return view


def signed_in(view: View) -> View:
    """A view for any signed-in person, member of an organisation or not."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if second_step_pending(request):
            return second_step_redirect(request)
        return view(request, *args, **kwargs)

    wrapped.kaiku_signed_in = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def signing_in(view: View) -> View:
    """A page of the sign-in's second step (setting up or entering a code): for a person
    signed in with their password, before the second step too."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.kaiku_signed_in = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def user_of(request: HttpRequest) -> User:
    """The signed-in user of a view guarded by `requires` or `signed_in`."""
    user = request.user
    assert isinstance(user, User), "the view must be guarded by requires() or signed_in()"
    return user


def actor_of(request: HttpRequest) -> Actor:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    return actor


class OrgAccess:
    """django-ninja auth: an API key (`Authorization: Bearer …`) or a signed-in session.

    The request gets `request.actor`; a role or scope below `min_role` answers 403.
    """

    def __init__(self, min_role: Role, *, write: bool) -> None:
        self.access = Access(min_role=min_role, write=write)

    def __call__(self, request: HttpRequest) -> Actor | None:
        actor = self._from_api_key(request) or self._from_session(request)
        if actor is None:
            return None
        if not actor.role.at_least(self.access.min_role):
            raise HttpError(403, "Your role does not allow this.")
        request.actor = actor  # type: ignore[attr-defined]
        return actor

    @staticmethod
    def _from_api_key(request: HttpRequest) -> Actor | None:
        header = request.headers.get("Authorization", "")
        secret = header[7:].strip() if header.lower().startswith("bearer ") else ""
        secret = secret or request.headers.get("X-API-Key", "").strip()
        if not secret:
            return None
        key = authenticate_api_key(secret)
        if key is None:
            return None
        return Actor(organisation=key.organisation, role=key.role, api_key=key)

    @staticmethod
    def _from_session(request: HttpRequest) -> Actor | None:
        membership = getattr(request, "membership", None)
        if membership is None or second_step_pending(request):
            return None
        if request.method not in ("GET", "HEAD", "OPTIONS") and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed.")
        return Actor(
            organisation=membership.organisation, role=Role(membership.role), user=user_of(request)
        )


def api_reader() -> OrgAccess:
    return OrgAccess(Role.VIEWER, write=False)


def api_editor() -> OrgAccess:
    return OrgAccess(Role.ANALYST, write=True)
