"""Web view of staff support: the sensitive cases each handler carried, month by month."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaiku.organisations.models import Role
from kaiku.organisations.permissions import actor_of, requires
from kaiku.people.support import staff_support


@requires(Role.VIEWER, write=False)
def support(request: HttpRequest) -> HttpResponse:
    # Anyone may open the page; whom it shows is the selector's rule.
    actor = actor_of(request)
    found = staff_support(actor)
    return render(
        request,
        "people/support.html",
        {
            "support": found,
            "can_open_own_cases": actor.role.at_least(Role.HANDLER),
        },
    )
