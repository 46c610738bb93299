"""Middleware of no single domain: the API's language, its refusal of NUL characters,
the Permissions-Policy header, and 503 while the database is unreachable."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


class ApiLanguageMiddleware:
    """The API answers in English unless the caller asks for a language: its readers are
    integrators, and its error messages are documented in English."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and "HTTP_ACCEPT_LANGUAGE" not in request.META:
            translation.activate("en")
            request.LANGUAGE_CODE = "en"
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Turns off browser features (camera, microphone, location…) that no page uses, so
    that injected or third-party code could not use them either (settings.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.KAIKU_PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class ApiNulCharacterMiddleware:
    """Refuses API input with a NUL character in its text (422, naming where), before it
    reaches a view: PostgreSQL's text columns cannot hold one, and a query or insert with
    it would fail as a server error. Web forms refuse it already (Django's form fields).

    The JSON body is searched as bytes first (a NUL can only come as the escape \\u0000),
    so an ordinary request pays for one substring search, not a second parse."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            found = _nul_in_request(request)
            if found is not None:
                return JsonResponse(
                    {
                        "detail": [
                            {
                                "type": "value_error",
                                "loc": found,
                                "msg": "NUL characters (\\u0000) are not allowed in text.",
                            }
                        ]
                    },
                    status=422,
                )
        return self.get_response(request)


def _nul_in_request(request: HttpRequest) -> list[str | int] | None:
    if "%00" in request.META.get("QUERY_STRING", "").lower():
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return ["query", key]
    content_type = request.content_type or ""
    if content_type == "application/json" and b"\\u0000" in request.body:
        try:
            data = json.loads(request.body)
        except ValueError:
            return None  # not JSON: the API says so itself
        return _nul_path(data, ["body"])
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for key, values in request.POST.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return ["form", key]
    return None


def _nul_path(value: object, path: list[str | int]) -> list[str | int] | None:
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                return [*path, key]
            found = _nul_path(item, [*path, key])
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_path(item, [*path, index])
            if found is not None:
                return found
    return None


class DatabaseUnavailableMiddleware:
    """A request that failed because the database could not be reached (restarting,
    failing over) or refused the work for now (a deadlock, a lock timeout) answers
    503 with Retry-After instead of 500: nothing of it was saved (its transaction
    never committed), and the client may send it again. Under load through a
    PostgreSQL restart, every request either was saved and answered 2xx, or got this
    (benchmarks/failures.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning(
            "Database unavailable: %s %s answered 503",
            request.method,
            request.path,
            exc_info=exception,
        )
        seconds = settings.KAIKU_RETRY_AFTER_SECONDS
        if request.path.startswith("/api/"):
            answer: HttpResponse = JsonResponse(
                {
                    "detail": f"The service is briefly unavailable; nothing was saved. "
                    f"Try again in {seconds} seconds."
                },
                status=503,
            )
        else:
            page = render_to_string(
                "core/unavailable.html",
                {"seconds": seconds, "LANGUAGE_CODE": translation.get_language()},
            )
            answer = HttpResponse(page, status=503)
        answer["Retry-After"] = str(seconds)
        return answer
