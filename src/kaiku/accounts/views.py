"""Sign-in security pages: the lockout page, setting up and entering a two-step code,
and a person's own sign-in settings."""

from __future__ import annotations

import math
from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import django_otp
import segno
from axes.helpers import get_cool_off
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaiku.accounts import selectors, services
from kaiku.accounts.forms import CodeForm
from kaiku.accounts.gate import second_step_pending
from kaiku.core.forms import call_service
from kaiku.organisations.permissions import signed_in, signing_in, user_of


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a sign-in while the user name is locked from this address
    (settings.AXES_LOCKOUT_CALLABLE): 429, how long it lasts and what to do."""
    cool_off = get_cool_off(request)
    seconds = math.ceil(cool_off.total_seconds()) if cool_off else 0
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": math.ceil(seconds / 60) if seconds else None},
        status=429,
    )
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


@signing_in
def two_factor_setup(request: HttpRequest) -> HttpResponseBase:
    user = user_of(request)
    next_url = _next_url(request)
    if selectors.confirmed_device(user) is not None:
        # Set up already: the code is asked for, or it is replaced on one's own page.
        if second_step_pending(request):
            return redirect(_with_next("accounts:two_factor_verify", next_url))
        return redirect("accounts:security")
    device = services.start_two_factor_setup(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        confirmed = call_service(
            form, lambda: services.confirm_two_factor(user=user, device=device, code=code)
        )
        if confirmed is not None:
            _second_step_passed(request, confirmed)
            messages.success(
                request, _("Two-step sign-in is on: signing in asks for a code from your app.")
            )
            return redirect(next_url)
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": qr.svg_inline(scale=5, border=2, dark="#000", light="#fff"),
            "secret": _grouped(b32encode(device.bin_key).decode()),
            "required": selectors.two_factor_required(user),
            **_without_back_office(request),
        },
    )


@signing_in
def two_factor_verify(request: HttpRequest) -> HttpResponseBase:
    user = user_of(request)
    next_url = _next_url(request)
    if not second_step_pending(request):
        return redirect(next_url)
    if selectors.confirmed_device(user) is None:
        return redirect(_with_next("accounts:two_factor_setup", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        device = call_service(form, lambda: services.pass_second_step(user=user, code=code))
        if device is not None:
            _second_step_passed(request, device)
            return redirect(next_url)
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": next_url, **_without_back_office(request)},
    )


@signed_in
def security(request: HttpRequest) -> HttpResponse:
    """One's own sign-in settings: two-step sign-in on or off, and the password."""
    user = user_of(request)
    device = selectors.confirmed_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        code = form.cleaned_data["code"]
        if call_service(form, lambda: services.reset_own_two_factor(user=user, code=code)):
            messages.success(request, _("Your authenticator app no longer signs you in."))
            return redirect("accounts:security")
    return render(
        request,
        "accounts/security.html",
        {"device": device, "form": form, "required": selectors.two_factor_required(user)},
    )


def _second_step_passed(request: HttpRequest, device: TOTPDevice) -> None:
    # A new session key at the step up, as at sign-in: a key seen before is worth less.
    request.session.cycle_key()
    django_otp.login(request, device)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _grouped(secret: str) -> str:
    """The key in groups of four, as authenticator apps show it, easier to type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _without_back_office(request: HttpRequest) -> dict[str, Any]:
    # Before the second step the back office's navigation would only lead back here.
    return {"organisation": None} if second_step_pending(request) else {}
