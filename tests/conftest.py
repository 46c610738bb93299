"""Test set-up: which database and broker the run uses, and skips for absent services."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from tests.services import REDIS_URL, redis_reachable, running_in_ci

# The `broker` and `worker` fixtures: a real Celery worker on Redis; `receiver` and
# `inbox`: a local webhook receiver and a local SMTP server.
pytest_plugins = ["tests.worker", "tests.loop.servers"]

# The browser tests drive Debian's Chromium (`make browser-deps`); Playwright downloads none.
CHROMIUM = "/usr/bin/chromium"


def chromium_present() -> bool:
    return os.access(CHROMIUM, os.X_OK)


def pytest_report_header(config: pytest.Config) -> list[str]:
    database = settings.DATABASES["default"]
    redis = "reachable" if redis_reachable() else "not reachable"
    return [
        f"kaiku: database engine {database['ENGINE'].rsplit('.', 1)[-1]}",
        f"kaiku: Redis for the Celery worker tests at {REDIS_URL}: {redis}",
        f"kaiku: Chromium for the browser tests at {CHROMIUM}: "
        f"{'present' if chromium_present() else 'absent'}",
        f"kaiku: CI={'true' if running_in_ci() else 'false'}",
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    vendor = settings.DATABASES["default"]["ENGINE"]
    redis_ok = redis_reachable()
    chromium_ok = chromium_present()
    for item in items:
        if "postgres" in item.keywords and "postgresql" not in vendor:
            item.add_marker(pytest.mark.skip(reason="runs in the PostgreSQL pass (make test)"))
        # Under CI=true a missing Redis is not skipped: the test runs and fails.
        if "redis" in item.keywords and not redis_ok and not running_in_ci():
            item.add_marker(pytest.mark.skip(reason=f"no Redis at {REDIS_URL}"))
        # Likewise a missing Chromium: skipped here, run (and failing) under CI=true.
        if "browser" in item.keywords and not chromium_ok and not running_in_ci():
            item.add_marker(
                pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (make browser-deps under CI)")
            )


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    # Real hashing costs ~0.3 s a user; the tests make many users and check no hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _sign_in_gates_off(settings: Any) -> None:
    """Most tests sign in with `force_login` or the test client's `login` and test what
    comes after: owners and admins are not sent to set up two-step sign-in, and the
    lockout's backend (which needs the request that `Client.login` does not pass)
    stands aside. tests/accounts/ turns both on; the browser tests keep the lockout on."""
    settings.KAIKU_REQUIRE_2FA = False
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _outbox_inline(settings: Any) -> None:
    # Without a broker the outbox delivers in a background thread; inline, a test can
    # assert what was sent (tests/loop/test_cases.py checks the thread itself).
    settings.KAIKU_OUTBOX_INLINE = True


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    # Assertions read service messages in English; requests still pick their language.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache (rate-limit counters, remembered quotes):
    ids are reused between tests, so a remembered value could belong to another's data."""
    from django.core.cache import cache

    cache.clear()
    yield
