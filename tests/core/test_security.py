"""Security settings a browser sees: headers, the session cookie, production's HTTPS
settings, password rules and the client address behind proxies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory

from kaiku.core.ratelimit import client_ip
from tests.factories import PASSWORD, make_organisation


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/journeys/"])
def test_pages_send_the_security_headers(path: str) -> None:
    _organisation, owner = make_organisation()
    client = Client()
    client.force_login(owner)
    answer = client.get(path)
    assert answer.status_code == 200
    assert "default-src 'self'" in answer["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in answer["Content-Security-Policy"]
    assert answer["X-Frame-Options"] == "DENY"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Referrer-Policy"] == "same-origin"
    assert answer["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = answer["Permissions-Policy"]
    assert "camera=()" in policy and "microphone=()" in policy and "geolocation=()" in policy
    assert "fullscreen=(self)" in policy  # the kiosk


@pytest.mark.django_db
def test_the_session_cookie_ends_with_the_browser_and_the_session_within_eight_hours() -> None:
    _organisation, owner = make_organisation()
    client = Client()
    answer = client.post(
        "/accounts/login/", {"username": owner.get_username(), "password": PASSWORD}
    )
    assert answer.status_code == 302
    cookie = answer.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["expires"] and not cookie["max-age"]  # gone when the browser closes
    assert client.session.get_expiry_age() == 8 * 3600


def _settings_in(tmp_path: Path, **env: str) -> dict[str, object]:
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) "
        "for k in ('SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_AGE', 'AXES_FAILURE_LIMIT', "
        "'KAIKU_REQUIRE_2FA', 'SECURE_REDIRECT_EXEMPT')}, default=str))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("KAIKU_", "SECURE_", "AXES_"))}
    base.update({"KAIKU_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kaiku.settings"})
    base.update(env)
    result = subprocess.run(
        [sys.executable, "-c", code], env=base, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_hsts_and_secure_cookies_and_leaves_redirects_to_the_proxy(
    tmp_path: Path,
) -> None:
    found = _settings_in(tmp_path, KAIKU_ENV="production", SECRET_KEY="x" * 50)
    assert found["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert found["SECURE_SSL_REDIRECT"] is False
    assert found["SESSION_COOKIE_SECURE"] is True and found["CSRF_COOKIE_SECURE"] is True
    assert found["KAIKU_REQUIRE_2FA"] is True and found["AXES_FAILURE_LIMIT"] == 5

    told = _settings_in(
        tmp_path,
        KAIKU_ENV="production",
        SECRET_KEY="x" * 50,
        SECURE_SSL_REDIRECT="1",
        SECURE_HSTS_SECONDS="3600",
        KAIKU_SESSION_HOURS="2",
        AXES_FAILURE_LIMIT="10",
    )
    assert told["SECURE_SSL_REDIRECT"] is True and told["SECURE_REDIRECT_EXEMPT"] == [r"^healthz$"]
    assert told["SECURE_HSTS_SECONDS"] == 3600
    assert told["SESSION_COOKIE_AGE"] == 2 * 3600 and told["AXES_FAILURE_LIMIT"] == 10


def test_outside_production_there_is_no_hsts(tmp_path: Path) -> None:
    assert _settings_in(tmp_path)["SECURE_HSTS_SECONDS"] == 0


def test_passwords_need_twelve_characters_and_must_not_be_common() -> None:
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Kx9#mQ2!vLp")  # 11
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234")
    validate_password("pitkä kesäinen iltapäivä")


def test_the_client_address_is_remote_addr_unless_proxies_are_declared(settings: Any) -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.66, 203.0.113.5"
    )
    settings.KAIKU_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # the header alone is anyone's say
    settings.KAIKU_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.5"  # what our one proxy saw, not the forged left
    settings.KAIKU_PROXY_COUNT = 2
    assert client_ip(request) == "192.0.2.66"
    settings.KAIKU_PROXY_COUNT = 3  # a shorter header than declared: it bypassed a proxy
    assert client_ip(request) == "10.0.0.2"


def test_the_client_address_is_always_an_address(settings: Any) -> None:
    """What the lockout stores must fit PostgreSQL's inet column: junk in the forwarded
    header, or no address at all (a sign-in without a request), gives a placeholder."""
    factory = RequestFactory()
    settings.KAIKU_PROXY_COUNT = 1
    junk = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(junk) == "10.0.0.2"
    bare = factory.get("/")
    bare.META.pop("REMOTE_ADDR", None)
    assert client_ip(bare) == "0.0.0.0"
