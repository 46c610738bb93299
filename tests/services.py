"""Is a service that some tests need reachable? Used by the Makefile and conftest.

`python tests/services.py postgres URL` exits 0 when the server answers.
"""

from __future__ import annotations

import os
import socket
import sys
from urllib.parse import urlparse

REDIS_URL = os.environ.get("KAIKU_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


def postgres_reachable(url: str) -> bool:
    return reachable(url, 5432)


def redis_reachable(url: str = REDIS_URL) -> bool:
    return reachable(url, 6379)


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


if __name__ == "__main__":
    service, target = sys.argv[1], sys.argv[2]
    ok = postgres_reachable(target) if service == "postgres" else redis_reachable(target)
    sys.exit(0 if ok else 1)
