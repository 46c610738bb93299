"""Django's admin (`/admin/`, staff only) behind the same second sign-in step as the
back office: staff reach every organisation's data, so while two-step sign-in is
required (settings.KAIKU_REQUIRE_2FA) they pass it too."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from kaiku.accounts import gate


class AdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not gate.second_step_pending(request)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Signed in with the password but not the code: to the code (or set-up) page,
        # and back here afterwards.
        if request.user.is_authenticated and gate.second_step_pending(request):
            return gate.second_step_redirect(request)
        return super().login(request, extra_context)
