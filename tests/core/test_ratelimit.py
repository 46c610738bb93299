"""Fixed-window counting of the public endpoints' rate limits."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from kaiku.core import ratelimit
from kaiku.core.ratelimit import Limit, hit


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def test_the_request_over_the_limit_waits_for_the_next_window() -> None:
    rule = Limit(count=2, seconds=3600)
    assert [hit("test", "a", rule), hit("test", "a", rule)] == [None, None]
    wait = hit("test", "a", rule)
    assert wait is not None and 0 < wait <= 3600
    assert hit("test", "b", rule) is None  # each client has its own count


class _RacingCache:
    """The cache, where another request creates the counter just after ours found none."""

    def __init__(self) -> None:
        self.raced = False

    def incr(self, key: str) -> int:
        if not self.raced:
            self.raced = True
            cache.add(key, 1)  # the other request's
            raise ValueError(key)
        return cache.incr(key)

    def add(self, key: str, value: int, timeout: int) -> bool:
        return cache.add(key, value, timeout=timeout)


def test_a_counter_made_by_a_concurrent_request_counts_both(monkeypatch: Any) -> None:
    monkeypatch.setattr(ratelimit, "cache", _RacingCache())
    assert hit("test", "a", Limit(count=1, seconds=3600)) is not None
