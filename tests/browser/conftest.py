"""Headless Chromium for the browser tests: Playwright driving Debian's Chromium.

Playwright's sync API runs an event loop in this thread, so the ORM calls made in a
test need DJANGO_ALLOW_ASYNC_UNSAFE while it is active.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.conftest import CHROMIUM

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
# A phone-sized screen (the size of a common 6.1" phone), with touch.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

OpenPage = Callable[..., Page]


@pytest.fixture(autouse=True)
def _sign_in_lockout_on(settings: Any) -> None:
    # The browser signs in through the real page, with the request: the lockout counts.
    settings.AXES_ENABLED = True


@pytest.fixture
def open_page(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenPage]:
    """open_page(**context options) → a page on the live server; Finnish, desktop-sized
    unless told otherwise."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )

        def open_page(**options: Any) -> Page:
            context = browser.new_context(
                base_url=live_server.url, **{"locale": "fi-FI", **DESKTOP, **options}
            )
            context.set_default_timeout(10_000)
            return context.new_page()

        try:
            yield open_page
        finally:
            browser.close()


@pytest.fixture
def page(open_page: OpenPage) -> Page:
    return open_page()
