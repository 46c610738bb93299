"""Fixed-window rate limits on the Django cache (Redis in production, local memory
in the embedded default), for the public endpoints."""

from __future__ import annotations

import ipaddress
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        """ "60/60" is 60 requests in 60 seconds."""
        count, seconds = text.split("/")
        return cls(int(count), int(seconds))


def limit(name: str) -> Limit:
    return Limit.parse(settings.KAIKU_RATE_LIMITS[name])


def hit(scope: str, ident: str, rule: Limit) -> int | None:
    """Count one request; None when allowed, else the seconds until the window ends."""
    now = int(time.time())
    window = now // rule.seconds
    key = f"kaiku:rl:{scope}:{ident}:{window}"
    try:
        # Most requests find their window's counter: count first and create it only
        # when missing, one cache call (a Redis round trip) fewer than add-then-count.
        try:
            count = cache.incr(key)
        except ValueError:  # the window's first request
            # Another request may create it between the two calls: then count on it.
            count = 1 if cache.add(key, 1, timeout=rule.seconds + 1) else cache.incr(key)
    except Exception:  # the cache server is down: answers matter more than limits
        logger.warning("Rate limit not applied: the cache is unreachable", exc_info=True)
        return None
    if count > rule.count:
        return (window + 1) * rule.seconds - now
    return None


NO_ADDRESS = "0.0.0.0"  # noqa: S104 - a placeholder, never bound


def client_ip(request: HttpRequest) -> str:
    """The client's address, for rate limits and sign-in lockouts (django-axes).

    REMOTE_ADDR is the peer that connected: behind a reverse proxy, the proxy. With
    settings.KAIKU_PROXY_COUNT proxies in front, each appending the address it saw to
    X-Forwarded-For, the entry that many places from the right is the one the
    outermost proxy saw; entries further left are the client's own say and are not
    trusted. A header shorter than that (a request that bypassed the proxies) falls
    back to REMOTE_ADDR.
    """
    proxies = settings.KAIKU_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies and _is_address(forwarded[-proxies]):
            return forwarded[-proxies]
    remote = request.META.get("REMOTE_ADDR", "")
    # A request with no address (a test client, an internal sign-in) still needs one
    # that the lockout's address column (inet on PostgreSQL) takes.
    return remote if _is_address(remote) else NO_ADDRESS


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def check_public_submission(request: HttpRequest, survey_key: str) -> int | None:
    """Per-IP and per-survey limits on a public submission; seconds to wait, or None."""
    return hit("ip", client_ip(request), limit("submit_per_ip")) or hit(
        "survey", survey_key, limit("submit_per_survey")
    )
