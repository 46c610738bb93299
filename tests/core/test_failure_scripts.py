"""The failure scripts' short form: benchmarks/failures.py run as a user runs it, on
300 answers, with PostgreSQL restarted, the worker killed and Redis stopped under
load. The script checks its own figures; this test reads them too, so that a change
that loses or repeats work fails here and says where."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.services import REDIS_URL

ROOT = Path(__file__).resolve().parents[2]
# Not the worker tests' Redis database (tests/services.py).
BROKER_URL = REDIS_URL.rsplit("/", 1)[0] + "/14"


def _database_url() -> str:
    database = settings.DATABASES["default"]
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    return f"postgres://{database['USER'] or 'postgres'}@{host}:{port}/kaiku_failtest_{os.getpid()}"


@pytest.mark.postgres
@pytest.mark.redis
def test_nothing_is_lost_or_done_twice_when_servers_fail(tmp_path: Path) -> None:
    redis.Redis.from_url(BROKER_URL).flushdb()
    figures = tmp_path / "figures.json"
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "failures.py"),
            *("--count", "300", "--outage", "3", "--sweep-seconds", "2", "--timeout", "240"),
            *("--database-url", _database_url(), "--broker-url", BROKER_URL),
            *("--json", str(figures)),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-6000:]
    results = json.loads(figures.read_text())["results"]

    postgres = results["postgres"]
    assert postgres["answered_503"] > 0  # the restart did happen under load
    assert postgres["answered_503"] == postgres["503_with_retry_after"]
    assert postgres["other_errors"] == postgres["no_answer_connection_failed"] == 0
    assert postgres["accepted_but_not_stored"] == postgres["missing"] == 0
    assert postgres["stored"] == 300 and postgres["stored_twice"] == 0

    worker = results["worker"]
    assert worker["analysed_when_killed"] < worker["comments"] == 300
    assert worker["analysed_once"] == 300
    assert worker["analysed_twice_or_more"] == worker["not_analysed"] == 0

    stopped = results["redis"]
    assert stopped["answers_during_outage"] > 0
    assert stopped["taken_during_outage_2xx"] == stopped["answers_during_outage"]
    assert stopped["refused_or_failed"] == 0 and stopped["stored"] == 300
    assert stopped["analysed_once"] == stopped["comments"] == 150
    assert stopped["analysed_twice_or_more"] == stopped["not_analysed"] == 0
