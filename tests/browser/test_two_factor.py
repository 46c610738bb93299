"""Two-step sign-in in a real browser: an owner sets up an authenticator app from the
QR page's key, then signs in again with a code."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from typing import Any

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.browser.conftest import OpenPage
from tests.factories import PASSWORD, make_organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(key: bytes, steps_ahead: int = 0) -> str:
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("User name or e-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_owner_sets_up_two_step_sign_in_and_signs_in_with_a_code(
    open_page: OpenPage, settings: Any
) -> None:
    settings.KAIKU_REQUIRE_2FA = True
    _organisation, owner = make_organisation()
    page = open_page(locale="en-GB")

    _sign_in(page, owner.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    expect(page.locator("figure.qr svg")).to_be_visible()
    expect(page.locator(".mainnav")).to_have_count(0)  # no back office before the code
    key = b32decode(page.locator("pre.secret").inner_text().replace(" ", ""))
    page.get_by_label("Six-digit code").fill(_code(key))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page).to_have_url(re.compile(r"/journeys/$"))

    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, owner.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.get_by_label("Six-digit code").fill(_code(key, steps_ahead=1))  # a code counts once
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/journeys/$"))
    expect(page.locator(".topbar .who")).to_contain_text(owner.email)
