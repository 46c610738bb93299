"""A real Celery worker with Redis as the broker, for tests that need one: use the
`worker` fixture (import it into the test module)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from kaiku.celery import app
from tests.services import REDIS_URL


def _database_url(settings_dict: dict[str, Any]) -> str:
    """The URL of the database this test run uses, for the worker process."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    auth = settings_dict["USER"] or ""
    if settings_dict.get("PASSWORD"):
        auth += f":{settings_dict['PASSWORD']}"
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{settings_dict['NAME']}"


def _drop_connection_pools() -> None:
    # Celery builds its producer pool from the broker URL on first use (eager runs
    # included) and keeps it, so a changed URL needs fresh pools. Kombu keeps the
    # pools in process-wide registries too: those are emptied (and closed) as well.
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker() -> Iterator[None]:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    saved = app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url
    app.conf.task_always_eager = False
    app.conf.broker_url = app.conf.broker_write_url = REDIS_URL
    _drop_connection_pools()
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url = saved
        _drop_connection_pools()


@pytest.fixture
def unreachable_broker() -> Iterator[str]:
    """Celery sends to a Redis that is not there (nothing listens on port 1): a broker
    that is stopped. Yields its URL."""
    url = "redis://127.0.0.1:1/0"
    saved = app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url
    app.conf.task_always_eager = False
    app.conf.broker_url = app.conf.broker_write_url = url
    _drop_connection_pools()
    try:
        yield url
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_write_url = saved
        _drop_connection_pools()


@pytest.fixture
def worker(broker: None) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "CELERY_BROKER_URL": REDIS_URL,
        "DATABASE_URL": _database_url(connection.settings_dict),
    }
    kaiku = Path(sys.executable).with_name("kaiku")
    process = subprocess.Popen(
        [str(kaiku), "worker", "--pool", "solo", "--without-heartbeat", "--without-gossip"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def output_of(process: subprocess.Popen[bytes]) -> str:
    process.terminate()
    return process.communicate(timeout=20)[0].decode(errors="replace")[-8000:]
