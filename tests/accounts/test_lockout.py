"""Sign-in lockout (django-axes): five wrong passwords pause one user name from one address."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from tests.accounts.twostep import english_client, sign_in
from tests.factories import make_api_key, make_organisation, make_user

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.7"
OTHER_ADDRESS = "198.51.100.8"


def _wrong(client: Client, user: User, times: int, address: str = ADDRESS) -> list[int]:
    return [
        sign_in(client, user, "not the password", REMOTE_ADDR=address).status_code
        for _ in range(times)
    ]


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_sign_in_with_a_page_saying_what_to_do() -> None:
    user = make_user()
    client = english_client()
    assert _wrong(client, user, 4) == [200, 200, 200, 200]
    locked = sign_in(client, user, "still not it", REMOTE_ADDR=ADDRESS)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Sign-in paused" in page
    assert "You can try again in 15 minutes." in page
    assert 'href="/accounts/password_reset/"' in page
    assert "tell an administrator" in page
    assert locked["Retry-After"] == str(15 * 60)
    # Our own page in the site's look, under the same headers as every page.
    assert 'class="topbar"' in page and "kaiku/kaiku.css" in page
    assert "script-src 'self'" in locked["Content-Security-Policy"]


def test_the_right_password_is_refused_during_the_lockout() -> None:
    user = make_user()
    client = english_client()
    _wrong(client, user, 5)
    answer = sign_in(client, user, REMOTE_ADDR=ADDRESS)
    assert answer.status_code == 429
    assert not _signed_in(client)


def test_the_same_user_from_another_address_and_another_user_are_not_locked() -> None:
    user, other = make_user(), make_user()
    _wrong(english_client(), user, 5)

    from_elsewhere = english_client()
    assert sign_in(from_elsewhere, user, REMOTE_ADDR=OTHER_ADDRESS).status_code == 302
    assert _signed_in(from_elsewhere)

    other_user = english_client()
    assert sign_in(other_user, other, REMOTE_ADDR=ADDRESS).status_code == 302
    assert _signed_in(other_user)


def test_a_successful_sign_in_starts_the_count_again() -> None:
    user = make_user()
    _wrong(english_client(), user, 4)
    assert sign_in(english_client(), user, REMOTE_ADDR=ADDRESS).status_code == 302
    assert _wrong(english_client(), user, 4) == [200, 200, 200, 200]


def test_the_lockout_ends_after_the_cool_off() -> None:
    user = make_user()
    _wrong(english_client(), user, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    client = english_client()
    assert sign_in(client, user, REMOTE_ADDR=ADDRESS).status_code == 302
    assert _signed_in(client)


def test_the_limit_and_the_cool_off_come_from_the_settings(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    user = make_user()
    statuses = _wrong(english_client(), user, 3)
    assert statuses == [200, 200, 429]
    locked = sign_in(english_client(), user, REMOTE_ADDR=ADDRESS)
    assert "You can try again in 30 minutes." in locked.content.decode()


def test_behind_a_proxy_the_forwarded_address_is_the_one_locked(settings: Any) -> None:
    settings.KAIKU_PROXY_COUNT = 1
    user = make_user()
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(5):
        # The client's own X-Forwarded-For entries are not believed: only the proxy's.
        sign_in(
            english_client(),
            user,
            "wrong",
            HTTP_X_FORWARDED_FOR=f"{OTHER_ADDRESS}, {ADDRESS}",
            **proxy,
        )
    locked = sign_in(english_client(), user, HTTP_X_FORWARDED_FOR=ADDRESS, **proxy)
    assert locked.status_code == 429
    # Another person behind the same proxy signs in.
    other = english_client()
    assert sign_in(other, user, HTTP_X_FORWARDED_FOR=OTHER_ADDRESS, **proxy).status_code == 302


def test_api_keys_are_not_counted_as_sign_ins() -> None:
    organisation, _owner = make_organisation()
    _key, secret = make_api_key(organisation)
    wrong = Client(HTTP_AUTHORIZATION="Bearer kaiku_00000000_wrong", REMOTE_ADDR=ADDRESS)
    assert {wrong.get("/api/v1/journeys").status_code for _ in range(10)} == {401}
    right = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR=ADDRESS)
    assert right.get("/api/v1/journeys").status_code == 200
    assert not AccessAttempt.objects.exists()
