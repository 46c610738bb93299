"""Pages that belong to no single domain: home, health and the no-organisation page."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from kaiku.organisations.permissions import public, signed_in


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    if getattr(request, "membership", None) is None:
        return redirect("no_organisation")
    return redirect("journeys:list")


@signed_in
def no_organisation(request: HttpRequest) -> HttpResponse:
    return render(request, "core/no_organisation.html")


@public
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
