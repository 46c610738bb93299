"""The back office's second sign-in step: whose session must still pass it, and where to.

`requires()` and `signed_in()` (kaiku.organisations.permissions) send such a session
here before any page of the back office, and the API does not count it as signed in.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaiku.accounts import selectors

_CACHE = "_kaiku_second_step"


def second_step_pending(request: HttpRequest) -> bool:
    """Whether the signed-in person must still enter a code, or set up a device first:
    anyone with a device, and owners and admins while two-step sign-in is required."""
    return _state(request)[0]


def second_step_redirect(request: HttpRequest) -> HttpResponseRedirect:
    """To the code page, or to the set-up page for someone without a device yet; back
    to the page asked for afterwards."""
    device = _state(request)[1]
    url = reverse("accounts:two_factor_verify" if device else "accounts:two_factor_setup")
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(url)


def _state(request: HttpRequest) -> tuple[bool, TOTPDevice | None]:
    cached: tuple[bool, TOTPDevice | None] | None = getattr(request, _CACHE, None)
    if cached is not None:
        return cached
    user = request.user
    state: tuple[bool, TOTPDevice | None] = (False, None)
    if isinstance(user, User) and user.is_authenticated and not _verified(request):
        device = selectors.confirmed_device(user)
        state = (device is not None or selectors.two_factor_required(user), device)
    setattr(request, _CACHE, state)
    return state


def _verified(request: HttpRequest) -> bool:
    # django_otp's OTPMiddleware gives the user is_verified(): a device in this session.
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified is not None and is_verified())
