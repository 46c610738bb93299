"""The journey export through a real Celery worker with Redis as the broker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from kaiku.celery import app
from kaiku.journeys import services
from kaiku.journeys.models import ExportStatus, JourneyExport
from tests.factories import make_journey, make_organisation, owner_actor
from tests.services import REDIS_URL

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


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
    # included) and keeps it, so a changed URL needs fresh pools.
    app.pool.force_close_all()
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


def test_export_is_built_by_the_worker(worker: subprocess.Popen[bytes]) -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation, stages=3)
    export = services.request_journey_export(actor=owner_actor(organisation), journey=journey)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and worker.poll() is None:
        export.refresh_from_db()
        if export.status == ExportStatus.DONE:
            break
        time.sleep(0.2)
    if export.status != ExportStatus.DONE:
        worker.terminate()
        output = worker.communicate(timeout=20)[0].decode(errors="replace")
        pytest.fail(f"the worker did not build the export; its output:\n{output[-8000:]}")
    document = JourneyExport.objects.get(pk=export.pk).document
    assert document is not None
    assert [s["name"] for s in document["journey"]["stages"]] == ["Stage 1", "Stage 2", "Stage 3"]
