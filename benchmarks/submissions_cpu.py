"""CPU time per request of the two public submission paths, in-process: the HTML form
POST and the public JSON POST, each the very request benchmarks/submissions.py sends,
through Django's WSGI handler (middleware, CSRF, session and all), no server or wrk.

    .venv/bin/python benchmarks/submissions_cpu.py [--database-url URL] [--requests 2000]
        [--profile form|json] [--top 40]

Prints ms of process CPU (and wall) per request for each path, the median of rounds
taken in turn; with --profile, the cProfile of that path instead (it inflates code of
many small calls: compare changes by the plain figures). Without --database-url a
throwaway SQLite file is used; a PostgreSQL database is migrated and keeps its rows.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

HOST = "127.0.0.1:8765"


def environ(method: str, url: str, body: bytes = b"", **headers: str) -> dict[str, Any]:
    """What gunicorn hands the application for this request."""
    path, _, query = url.partition("?")
    env = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8765",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "40000",
        "HTTP_HOST": HOST,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if body:
        env["CONTENT_LENGTH"] = str(len(body))
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        env[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    return env


def call(app: Callable[..., Any], env: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    result = app(env, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()  # request_finished: what a server does after each answer
    return answer["status"], answer["headers"], body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", choices=["form", "json"])
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=10)
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kaiku-submit-cpu-"))
    from benchmarks.submission_env import form_answer, form_tokens, submission_env

    env = submission_env(workdir, options.database_url)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0)
    from tests.factories import make_survey, make_user

    from kaiku.organisations.services import create_organisation

    owner = make_user(f"benchmark-{uuid.uuid4().hex[:12]}@example.org")
    survey = make_survey(create_organisation(name="CPU benchmark", owner=owner))
    app = get_wsgi_application()

    form_url = f"/s/{survey.public_token}/"
    status, headers, html = call(app, environ("GET", form_url))
    assert status == 200, status
    cookie = headers["Set-Cookie"].split(";")[0]
    page = html.decode()
    form = form_answer(form_tokens(page)).encode()
    body = json.dumps(
        {"answers": {"nps": 8, "ease": 6, "feeling": [{"emotion": "joy", "intensity": 2}]}}
    ).encode()
    paths = {
        "form": (
            lambda: environ(
                "POST", form_url, form,
                content_type="application/x-www-form-urlencoded", cookie=cookie,
                referer=f"http://{HOST}{form_url}", origin=f"http://{HOST}",
            ),
            302,
        ),
        "json": (
            lambda: environ(
                "POST", f"/api/v1/public/surveys/{survey.public_token}/responses", body,
                content_type="application/json",
            ),
            201,
        ),
        "healthz": (lambda: environ("GET", "/healthz"), 200),  # the yardstick
    }  # fmt: skip

    for name, (make_environ, expected) in paths.items():
        for _ in range(50):  # warm: caches, prepared statements, imports
            status, _headers, answer = call(app, make_environ())
            assert status == expected, (name, status, answer[:500])
    if options.profile:
        make_environ = paths[options.profile][0]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(options.requests):
            call(app, make_environ())
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(options.top)
        stats.sort_stats("tottime").print_stats(options.top)
        return

    # Rounds taken in turn, and the median of each path's: a shared machine is noisy.
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    wall: dict[str, list[float]] = {name: [] for name in paths}
    per_round = max(1, options.requests // options.rounds)
    for _ in range(options.rounds):
        for name, (make_environ, _expected) in paths.items():
            started_cpu, started_wall = time.process_time(), time.perf_counter()
            for _ in range(per_round):
                call(app, make_environ())
            cpu[name].append(1000 * (time.process_time() - started_cpu) / per_round)
            wall[name].append(1000 * (time.perf_counter() - started_wall) / per_round)
    vendor = django.db.connection.vendor
    print(f"database: {vendor}   requests per path: {per_round * options.rounds}")
    for name in paths:
        print(
            f"{name:<8} {statistics.median(cpu[name]):6.3f} ms CPU   "
            f"{statistics.median(wall[name]):6.3f} ms wall per request (median of "
            f"{options.rounds} rounds; CPU from {min(cpu[name]):.3f} to {max(cpu[name]):.3f})"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
