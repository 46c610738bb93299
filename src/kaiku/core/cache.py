"""Django's Redis cache, except that a Redis that cannot be reached is a cache that
holds nothing: reads miss, writes are dropped, and the request goes on.

What Kaiku caches can be computed again (dashboards' figures, whether an organisation
has alert rules) or matters less than the answer (rate-limit counters), so a stopped
Redis must not turn a respondent's submission into a server error. Counting up a
value that cannot be read raises ValueError, as for a missing key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (ConnectionError, TimeoutError)


def _or(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(method)
        def guarded(self: RedisCacheClient, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE:
                logger.warning("The cache is unreachable (%s)", method.__name__, exc_info=True)
                return fallback(*args, **kwargs)

        return guarded

    return decorate


def _missing(key: Any, *args: Any) -> Any:
    raise ValueError(f"Key {key!r} not found: the cache is unreachable")


class ForgivingClient(RedisCacheClient):
    add = _or(lambda *a: False)(RedisCacheClient.add)
    get = _or(lambda key, default: default)(RedisCacheClient.get)
    set = _or(lambda *a: None)(RedisCacheClient.set)
    touch = _or(lambda *a: False)(RedisCacheClient.touch)
    delete = _or(lambda *a: False)(RedisCacheClient.delete)
    get_many = _or(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _or(lambda key: False)(RedisCacheClient.has_key)
    incr = _or(_missing)(RedisCacheClient.incr)
    set_many = _or(lambda data, timeout: list(data))(RedisCacheClient.set_many)
    delete_many = _or(lambda keys: None)(RedisCacheClient.delete_many)
    clear = _or(lambda: False)(RedisCacheClient.clear)


class ForgivingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ForgivingClient
