"""Rate limits on Redis, as in production: shared by every worker process, and an
unreachable Redis lets answers through instead of failing them."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import redis
from django.core.cache import caches
from django.test import Client

from kaiku.responses.models import Response
from tests.factories import make_organisation, make_survey
from tests.services import REDIS_URL

pytestmark = pytest.mark.django_db


def _use_cache(settings: Any, url: str, limit: str) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "kaiku.core.cache.ForgivingRedisCache", "LOCATION": url}
    }
    settings.KAIKU_RATE_LIMITS = {**settings.KAIKU_RATE_LIMITS, "submit_per_ip": limit}


def _answer(client: Client, survey: Any) -> Any:
    return client.post(
        f"/api/v1/public/surveys/{survey.public_token}/responses",
        json.dumps({"answers": {"nps": 8}}),
        content_type="application/json",
    )


@pytest.mark.redis
def test_the_per_ip_limit_is_counted_in_redis_and_answers_429(settings: Any) -> None:
    _use_cache(settings, REDIS_URL, "3/3600")
    caches["default"].clear()
    organisation, _owner = make_organisation()
    survey = make_survey(organisation)
    client = Client()
    assert [_answer(client, survey).status_code for _ in range(3)] == [201, 201, 201]
    refused = _answer(client, survey)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert Response.objects.count() == 3
    # The count lives in Redis, where every gunicorn worker on every machine reads it.
    server = redis.Redis.from_url(REDIS_URL)
    (key,) = server.keys("*kaiku:rl:ip:127.0.0.1:*")
    assert int(server.get(key)) == 4
    caches["default"].clear()


def test_an_unreachable_cache_lets_answers_through(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    _use_cache(settings, "redis://127.0.0.1:1/0", "1/3600")  # nothing listens on port 1
    organisation, _owner = make_organisation()
    survey = make_survey(organisation)
    client = Client()
    with caplog.at_level(logging.WARNING, logger="kaiku.core.ratelimit"):
        assert [_answer(client, survey).status_code for _ in range(2)] == [201, 201]
    assert Response.objects.count() == 2
    assert "Rate limit not applied" in caplog.text
