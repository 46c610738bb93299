"""Helpers for the two-step sign-in tests: a person's device and the codes it shows."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD


def make_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Kaiku", confirmed=True)


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or `steps_ahead` half-minutes from now:
    a code is accepted once, and the next one is within the tolerance)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code_of(device)) + 500_000) % 1_000_000:06d}"


def english_client() -> Client:
    # The pages are Finnish unless asked: the assertions read the English texts.
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def sign_in(client: Client, user: User, password: str = PASSWORD, **extra: str) -> Any:
    return client.post(
        "/accounts/login/", {"username": user.get_username(), "password": password}, **extra
    )


def signed_in_with_second_step(user: User, device: TOTPDevice | None = None) -> Client:
    """A client signed in with the password and the second step both passed."""
    device = device or make_device(user)
    client = english_client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def let_the_wait_pass(device: TOTPDevice) -> None:
    """As if the wait after a wrong code were over (it doubles with each wrong code)."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=5)
    )
