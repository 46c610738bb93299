"""Puts the active organisation and membership on every signed-in request."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kaiku.organisations.selectors import active_membership

SESSION_KEY = "kaiku_organisation_id"


class ActiveOrganisationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        request.organisation = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            membership = active_membership(request.user, request.session.get(SESSION_KEY))
            if membership is not None:
                request.membership = membership  # type: ignore[attr-defined]
                request.organisation = membership.organisation  # type: ignore[attr-defined]
        return self.get_response(request)
