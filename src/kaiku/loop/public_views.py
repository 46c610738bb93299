"""The one page of the loop for customers: stopping "you said, we did" messages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from kaiku.loop import announcements
from kaiku.organisations.permissions import public


@public
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """A GET asks, a POST stops: mail scanners that follow links change nothing.
    (List-Unsubscribe-Post one-click mail clients POST as well.)"""
    if request.method == "POST":
        done = announcements.unsubscribe(token)
        return render(
            request, "loop/unsubscribed.html", {"done": done}, status=200 if done else 400
        )
    return render(request, "loop/unsubscribe.html", {"token": token})
