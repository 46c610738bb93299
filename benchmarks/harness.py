"""What the benchmarks that run Kaiku's whole production setup share: the processes
they start (each in a process group, its output in a log), waiting for them, and the
throwaway PostgreSQL databases they run on."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 20.0


# Processes ----------------------------------------------------------------------


class Processes:
    """Every process the run starts, each in a process group of its own so that it
    is stopped (or killed) with its children, and its output in a log file."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir = workdir
        self.env = env
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, argv: list[str], extra_env: dict[str, str] | None = None) -> Any:
        log = (self.workdir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            argv,
            env={**self.env, **(extra_env or {})},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.running[name] = process
        return process

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def kill(self, name: str) -> None:
        """SIGKILL the process and its children, as a machine that dies would."""
        process = self.running.pop(name)
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self, name: str) -> None:
        process = self.running.pop(name, None)
        if process is None:
            return
        _signal_group(process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT_S)
        # Children left behind (a pool process, a gunicorn worker) go too.
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            self.stop(name)


def _signal_group(pgid: int, sig: int) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(check: Any, what: str, timeout: float = READY_TIMEOUT_S) -> float:
    """Poll `check` until it is true; returns the seconds it took."""
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(0.05)
    return time.perf_counter() - started


def answers(url: str) -> bool:
    import httpx

    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


# Databases ----------------------------------------------------------------------


def _admin(database_url: str) -> Any:
    import psycopg

    parsed = urlparse(database_url)
    return psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True)


def create_database(database_url: str) -> bool:
    """Create the database unless it exists; True when this run created it."""
    from psycopg import sql

    name = urlparse(database_url).path.lstrip("/")
    with _admin(database_url) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def drop_database(database_url: str) -> None:
    from psycopg import sql

    name = urlparse(database_url).path.lstrip("/")
    with _admin(database_url) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextmanager
def terminated_as_interrupt() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so that every `finally` runs."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def clean_up(broker: Any, database_url: str, created: bool, workdir: Path, keep_logs: bool) -> None:
    """What a run leaves: its connections closed, its Redis database empty, the
    database it created dropped, and its logs kept only when asked (printing where)."""
    import shutil

    from django.db import connections

    connections.close_all()
    broker.flushdb()
    if created:
        drop_database(database_url)
    if keep_logs:
        print(f"logs: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


def services_for(database_url: str, broker_url: str) -> Any:
    """The run's Redis database (a client), after checking that the database is
    PostgreSQL and the Redis database is empty; exits with the reason otherwise."""
    import sys

    import redis

    if not database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("This benchmark needs PostgreSQL (--database-url postgres://…).")
    broker = redis.Redis.from_url(broker_url)
    if broker.dbsize():
        sys.exit(f"{broker_url} is not empty; give an empty Redis database.")
    return broker
