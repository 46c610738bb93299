"""Failure tests on loopback: Kaiku's production setup (gunicorn through `kaiku serve`,
a Celery worker on Redis, celery beat, PostgreSQL) under load while one part fails.

    .venv/bin/python benchmarks/failures.py [--scenario postgres|worker|redis|all]
        [--count 10000] [--clients 8] [--outage 8] [--sweep-seconds 5]
        [--database-url postgres://postgres@127.0.0.1:5432/kaiku_failbench]
        [--broker-url redis://127.0.0.1:6379/11] [--json PATH] [--keep-logs]
        [--postgres-stop CMD --postgres-start CMD] [--redis-stop CMD --redis-start CMD]

postgres  --count answers through the API (POST /api/v1/responses, each with its
          own Idempotency-Key; one in four with a comment) from --clients threads.
          Once a third are in, PostgreSQL goes away for --outage seconds. A client
          that gets 503 waits for its Retry-After and sends again; so does one whose
          connection fails. Checked: every answer the server took (2xx) is stored,
          every other answer was 503 with Retry-After, every answer is stored in
          the end, none twice.
worker    --count comments in batches (POST /api/v1/responses/batch), analysed by
          the worker; once a third are analysed, the worker is killed with SIGKILL
          (its whole process group) and a new one started. Its unacknowledged tasks
          come back from Redis only after the visibility timeout (an hour), so the
          sweep for lost work (every --sweep-seconds) sends them again. Checked: every
          comment analysed, each exactly once.
redis     --count answers through the public link (POST /api/v1/public/…, no key;
          half with a comment). Once a third are in, Redis goes away for --outage
          seconds, and its data with it (a restart without persistence: the queue
          is emptied). Checked: every answer during the outage taken (2xx), and every
          comment analysed once Redis is back, each exactly once.

"Exactly once" is counted by the database itself: a trigger, added for the run,
counts the analyses each answer got (committed inserts of its analysis row).

By default a server "goes away" by cutting a TCP proxy that the application reaches
it through (benchmarks/outages.py): its connections are reset and new ones refused,
as in a restart, while the benchmark keeps its own direct connection. With
--postgres-stop/--postgres-start (or --redis-…) the real server is stopped and
started by those commands instead, for example
`--postgres-stop "pg_ctlcluster 15 main stop -m fast" --postgres-start
"pg_ctlcluster 15 main start"`.

The database is created, migrated and dropped by the run (one that exists is kept);
the Redis database must be empty and is flushed after each scenario. Every process
the run starts is stopped at the end, on errors and on Ctrl-C too. --json writes the
figures; the exit status is 1 when a check failed. tests/core/test_failure_scripts.py runs a
short form of all three in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script
from benchmarks.harness import (
    Processes,
    answers,
    clean_up,
    create_database,
    free_port,
    services_for,
    terminated_as_interrupt,
    wait_until,
)
from benchmarks.outages import Outage, Proxy

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kaiku_failbench"
# Not 15 (the test suite's worker) nor 12 (benchmarks/loop_delivery.py).
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/11"
AT = 1 / 3
ATTEMPTS = 100
BATCH = 100
POLL_S = 0.25
COMMENTS = [
    "Jonotin tunnin eikä kukaan kertonut miksi",
    "Lasku tuli väärään osoitteeseen ja asiakaspalveluun ei saanut yhteyttä",
    "Väntade länge i telefon utan att någon svarade",
    "The appointment was moved twice and nobody told me why",
]


def comment(number: int) -> str:
    return f"{COMMENTS[number % len(COMMENTS)]} (#{number})"


# The client ---------------------------------------------------------------------


@dataclass
class Attempt:
    at: float
    status: int  # 0: no answer (the connection failed)
    retry_after: str | None
    seconds: float


@dataclass
class Item:
    number: int
    attempts: list[Attempt] = field(default_factory=list)
    response_id: int | None = None

    @property
    def final(self) -> int:
        return self.attempts[-1].status if self.attempts else 0


@dataclass
class Load:
    """Sends `count` items from `clients` threads; each retries a 503 after its
    Retry-After, and a failed connection after a second, until answered."""

    base_url: str
    count: int
    clients: int
    request: Any  # (httpx.Client, number) -> httpx.Response
    headers: dict[str, str] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    finished: threading.Event = field(default_factory=threading.Event)
    _next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        self.items = [Item(n) for n in range(self.count)]
        threads = [threading.Thread(target=self._client, daemon=True) for _ in range(self.clients)]
        for thread in threads:
            thread.start()

        def finish() -> None:
            for thread in threads:
                thread.join()
            self.finished.set()

        threading.Thread(target=finish, daemon=True).start()

    def answered(self) -> int:
        return sum(1 for item in self.items if 200 <= item.final < 300)

    def attempts(self) -> list[Attempt]:
        return [a for item in self.items for a in item.attempts]

    def _take(self) -> int | None:
        with self._lock:
            if self._next >= self.count:
                return None
            self._next += 1
            return self._next - 1

    def _client(self) -> None:
        import httpx

        with httpx.Client(base_url=self.base_url, headers=self.headers, timeout=30) as client:
            while (number := self._take()) is not None:
                self._send(client, self.items[number])

    def _send(self, client: Any, item: Item) -> None:
        import httpx

        for _ in range(ATTEMPTS):
            started = time.time()
            try:
                answer = self.request(client, item.number)
            except httpx.HTTPError:
                item.attempts.append(Attempt(started, 0, None, time.time() - started))
                time.sleep(1.0)
                continue
            retry_after = answer.headers.get("Retry-After")
            item.attempts.append(
                Attempt(started, answer.status_code, retry_after, time.time() - started)
            )
            if 200 <= answer.status_code < 300:
                body = answer.json()
                item.response_id = body.get("id")
                return
            if answer.status_code != 503:
                return  # the same request would get the same answer
            time.sleep(float(retry_after or 1))


# The world and what the database says ---------------------------------------------


@dataclass
class World:
    organisation: Any
    survey: Any
    api_key: str


def make_world(label: str) -> World:
    from tests.factories import make_survey, make_user

    from kaiku.organisations.actors import Actor
    from kaiku.organisations.services import create_api_key, create_organisation

    owner = make_user(f"failbench-{uuid.uuid4().hex[:12]}@example.org")
    organisation = create_organisation(name=f"Failure benchmark, {label}", owner=owner)
    survey = make_survey(organisation)  # open; a comment is asked when NPS <= 6
    _key, secret = create_api_key(actor=Actor.system(organisation), name="bench", scope="write")
    return World(organisation, survey, secret)


def count_analyses_per_answer() -> None:
    """A trigger counts each committed insert of an analysis row, per answer."""
    from django.db import connection

    from kaiku.textanalysis.models import TextAnalysis

    table = connection.ops.quote_name(TextAnalysis._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS failbench_analyses "
            "(answer_id bigint PRIMARY KEY, times integer NOT NULL)"
        )
        cursor.execute(
            "CREATE OR REPLACE FUNCTION failbench_count() RETURNS trigger AS $$ BEGIN "
            "INSERT INTO failbench_analyses VALUES (NEW.answer_id, 1) ON CONFLICT (answer_id) "
            "DO UPDATE SET times = failbench_analyses.times + 1; RETURN NEW; END $$ "
            "LANGUAGE plpgsql"
        )
        cursor.execute(f"DROP TRIGGER IF EXISTS failbench_count ON {table}")
        cursor.execute(
            f"CREATE TRIGGER failbench_count AFTER INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION failbench_count()"
        )


def quietly(read: Any, default: Any = None) -> Any:
    """A read from the database that a real server stop may interrupt."""
    from django.db import InterfaceError, OperationalError, connection

    try:
        return read()
    except (InterfaceError, OperationalError):
        connection.close()
        return default


def texts(world: World) -> Any:
    from kaiku.responses.models import Answer

    return Answer.objects.filter(response__survey=world.survey).exclude(text="")


def analysed(world: World) -> int:
    from kaiku.textanalysis.models import TextAnalysis

    return quietly(lambda: TextAnalysis.objects.filter(response__survey=world.survey).count(), 0)


def analysis_counts(world: World) -> dict[str, int]:
    """Comments analysed once, more than once, and not at all."""
    from django.db import connection

    ids = list(texts(world).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT answer_id, times FROM failbench_analyses WHERE answer_id = ANY(%s)", [ids]
        )
        times = dict(cursor.fetchall())
    return {
        "comments": len(ids),
        "analysed_once": sum(1 for i in ids if times.get(i) == 1),
        "analysed_twice_or_more": sum(1 for i in ids if times.get(i, 0) > 1),
        "not_analysed": sum(1 for i in ids if i not in times),
    }


def wait_for_analyses(world: World, deadline: float) -> float | None:
    """Seconds until every comment was analysed; None when the deadline came first."""
    started = time.time()
    while time.time() < deadline:
        total = quietly(lambda: texts(world).count())
        if total is not None and analysed(world) >= total:
            return time.time() - started
        time.sleep(POLL_S)
    return None


def submitted(world: World) -> Counter[str]:
    """How many times each idempotency key was stored."""
    from kaiku.responses.models import Response

    return Counter(
        Response.objects.filter(survey=world.survey).values_list("idempotency_key", flat=True)
    )


# The running system ------------------------------------------------------------------


@dataclass
class System:
    """`kaiku serve`, celery beat and a `kaiku worker`, started for one scenario."""

    processes: Processes
    base_url: str
    kaiku: str
    name: str
    workers: int = 0

    @property
    def worker(self) -> str:
        return f"worker-{self.name}-{self.workers}"

    def start_worker(self) -> None:
        self.workers += 1
        self.processes.start(self.worker, [self.kaiku, "worker", "--concurrency", "2"])
        wait_until(lambda: " ready." in self.processes.log(self.worker), self.worker)


def start_system(workdir: Path, name: str, database_url: str, broker_url: str) -> System:
    """Only the server a scenario takes away is reached through its proxy: a Python
    proxy slows every query and message down."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "KAIKU_CACHE_URL": broker_url,
    }
    processes = Processes(workdir, environment)
    kaiku = str(Path(sys.executable).with_name("kaiku"))
    port = free_port()
    processes.start(f"serve-{name}", [kaiku, "serve", "--bind", f"127.0.0.1:{port}"])
    beat = [sys.executable, "-m", "celery", "-A", "kaiku", "beat", "--loglevel", "INFO"]
    processes.start(f"beat-{name}", [*beat, "--schedule", str(workdir / f"beat-{name}")])
    system = System(processes, f"http://127.0.0.1:{port}", kaiku, name)
    system.start_worker()
    wait_until(lambda: answers(f"{system.base_url}/healthz"), "kaiku serve")
    return system


def in_outage(outage: Outage, seconds: float, log: dict[str, float]) -> threading.Thread:
    def run() -> None:
        log["began"] = time.time()
        outage.begin()
        time.sleep(seconds)
        outage.end()
        log["ended"] = time.time()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def when(condition: Any, deadline: float) -> bool:
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(POLL_S)
    return False


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# Scenarios ------------------------------------------------------------------------


def postgres_scenario(options: argparse.Namespace, system: System, outage: Outage) -> dict:
    world = make_world("postgres")
    run = uuid.uuid4().hex[:8]

    def post(client: Any, number: int) -> Any:
        answers = {"nps": number % 11}
        if number % 4 == 0:
            answers = {"nps": number % 7, "what_happened": comment(number)}
        return client.post(
            "/api/v1/responses",
            json={"survey_id": world.survey.pk, "answers": answers},
            headers={"Idempotency-Key": f"{run}-{number}"},
        )

    load = Load(
        system.base_url,
        options.count,
        options.clients,
        post,
        headers={"Authorization": f"Bearer {world.api_key}"},
    )
    log: dict[str, float] = {}
    started = time.time()
    deadline = started + options.timeout
    load.start()
    when(lambda: load.answered() >= options.count * AT, deadline)
    in_outage(outage, options.outage, log).join()
    load.finished.wait(max(0.0, deadline - time.time()))
    loaded_s = time.time() - started
    settled_s = wait_for_analyses(world, deadline)
    stored = submitted(world)
    attempts = load.attempts()
    by_status = Counter(a.status for a in attempts)
    two_xx = [i for i in load.items if any(200 <= a.status < 300 for a in i.attempts)]
    from kaiku.responses.models import Response

    ids = {i.response_id for i in two_xx}
    present = set(Response.objects.filter(pk__in=ids).values_list("pk", flat=True))
    refused = [a for a in attempts if a.status == 503]
    after = [a.at for a in attempts if a.at >= log["ended"] and 200 <= a.status < 300]
    return {
        "answers": options.count,
        "outage_s": round(log["ended"] - log["began"], 1),
        "seconds": round(loaded_s, 1),
        "requests": len(attempts),
        "answered_2xx": by_status[201] + by_status[200],
        # A retry answered 200 with the first id: an earlier attempt had been stored.
        "retries_found_stored_200": by_status[200],
        "answered_503": len(refused),
        "503_with_retry_after": sum(1 for a in refused if a.retry_after),
        "no_answer_connection_failed": by_status[0],
        "other_errors": sum(n for s, n in by_status.items() if s not in (0, 200, 201, 503)),
        "first_2xx_after_outage_s": round(min(after) - log["ended"], 2) if after else None,
        "accepted_but_not_stored": len(ids - present),
        "stored": sum(1 for n in stored.values() if n >= 1),
        "stored_twice": sum(1 for n in stored.values() if n > 1),
        "missing": options.count - len(stored),
        "comments_settled_s": None if settled_s is None else round(settled_s, 1),
        **analysis_counts(world),
    }


def worker_scenario(options: argparse.Namespace, system: System, outage: Outage) -> dict:
    import redis

    world = make_world("worker")
    run = uuid.uuid4().hex[:8]
    batches = (options.count + BATCH - 1) // BATCH

    def post(client: Any, number: int) -> Any:
        first = number * BATCH
        items = [
            {
                "survey_id": world.survey.pk,
                "answers": {"nps": n % 7, "what_happened": comment(n)},
                "idempotency_key": f"{run}-{n}",
            }
            for n in range(first, min(first + BATCH, options.count))
        ]
        return client.post("/api/v1/responses/batch", json={"responses": items})

    load = Load(
        system.base_url,
        batches,
        2,
        post,
        headers={"Authorization": f"Bearer {world.api_key}"},
    )
    started = time.time()
    deadline = started + options.timeout
    broker = redis.Redis.from_url(options.broker_url)
    load.start()
    when(lambda: analysed(world) >= options.count * AT, deadline)
    done_at_kill = analysed(world)
    killed_at = time.time()
    system.processes.kill(system.worker)
    held = broker.hlen("unacked")
    system.start_worker()
    load.finished.wait(max(0.0, deadline - time.time()))
    settled_s = wait_for_analyses(world, deadline)
    after_kill_s = time.time() - killed_at
    return {
        "comments_sent": options.count,
        "analysed_when_killed": done_at_kill,
        "tasks_the_dead_worker_held": held,
        "all_analysed_s_after_kill": None if settled_s is None else round(after_kill_s, 1),
        "texts_per_s": round(options.count / (time.time() - started), 1),
        **analysis_counts(world),
    }


def redis_scenario(options: argparse.Namespace, system: System, outage: Outage) -> dict:
    import redis

    world = make_world("redis")
    token = world.survey.public_token

    def post(client: Any, number: int) -> Any:
        answers = {"nps": number % 11}
        if number % 2 == 0:
            answers = {"nps": number % 7, "what_happened": comment(number)}
        return client.post(f"/api/v1/public/surveys/{token}/responses", json={"answers": answers})

    load = Load(system.base_url, options.count, options.clients, post)
    log: dict[str, float] = {}
    started = time.time()
    deadline = started + options.timeout
    broker = redis.Redis.from_url(options.broker_url)
    load.start()
    when(lambda: load.answered() >= options.count * AT, deadline)
    queued = broker.llen("celery")
    if not outage.real:
        broker.flushdb()  # a restart without persistence: the queue is gone
    in_outage(outage, options.outage, log).join()
    load.finished.wait(max(0.0, deadline - time.time()))
    settled_s = wait_for_analyses(world, deadline)
    settled_after_s = time.time() - log["ended"]
    attempts = load.attempts()
    during = [a for a in attempts if log["began"] <= a.at < log["ended"]]
    before = [a for a in attempts if a.at < log["began"]]
    from kaiku.responses.models import Response

    stored = quietly(lambda: Response.objects.filter(survey=world.survey).count(), 0)
    return {
        "answers": options.count,
        "outage_s": round(log["ended"] - log["began"], 1),
        "tasks_queued_when_redis_went": queued,
        "answers_during_outage": len(during),
        "taken_during_outage_2xx": sum(1 for a in during if 200 <= a.status < 300),
        "refused_or_failed": sum(1 for a in attempts if not 200 <= a.status < 300),
        "latency_p50_ms_before": round(1000 * statistics.median(a.seconds for a in before), 1),
        "latency_p95_ms_before": round(1000 * percentile([a.seconds for a in before], 0.95), 1),
        "latency_p50_ms_during": round(
            1000 * statistics.median(a.seconds for a in during) if during else 0.0, 1
        ),
        "latency_p95_ms_during": round(1000 * percentile([a.seconds for a in during], 0.95), 1),
        "stored": stored,
        "all_analysed_s_after_return": None if settled_s is None else round(settled_after_s, 1),
        **analysis_counts(world),
    }


SCENARIOS = {"postgres": postgres_scenario, "worker": worker_scenario, "redis": redis_scenario}


def problems(name: str, figures: dict) -> list[str]:
    """What should never happen, for the exit status and the CI test."""
    found = []
    if figures["not_analysed"] or figures["analysed_twice_or_more"]:
        found.append("a comment was not analysed exactly once")
    if name == "postgres":
        if figures["accepted_but_not_stored"] or figures["missing"] or figures["stored_twice"]:
            found.append("an answer vanished or was stored twice")
        if figures["answered_503"] != figures["503_with_retry_after"]:
            found.append("a 503 came without Retry-After")
        if figures["other_errors"]:
            found.append("an error other than 503")
    if name == "redis":
        if figures["refused_or_failed"] or figures["stored"] != figures["answers"]:
            found.append("an answer was not taken while Redis was away")
    return found


# Main ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--outage", type=float, default=8.0, help="seconds a server is away")
    parser.add_argument("--sweep-seconds", type=float, default=5.0)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per scenario")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--broker-url", default=DEFAULT_BROKER_URL)
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--keep-logs", action="store_true")
    for server in ("postgres", "redis"):
        parser.add_argument(f"--{server}-stop", default="", help="command that stops it")
        parser.add_argument(f"--{server}-start", default="", help="command that starts it")
    options = parser.parse_args()
    broker = services_for(options.database_url, options.broker_url)
    database, queue = urlparse(options.database_url), urlparse(options.broker_url)
    postgres = Proxy(database.hostname or "127.0.0.1", database.port or 5432)
    redis_proxy = Proxy(queue.hostname or "127.0.0.1", queue.port or 6379)
    outages = {
        "postgres": Outage(postgres, options.postgres_stop, options.postgres_start),
        "redis": Outage(redis_proxy, options.redis_stop, options.redis_start),
    }
    user = database.username or "postgres"
    direct_db, direct_queue = options.database_url, options.broker_url
    proxied_db = database._replace(netloc=f"{user}@127.0.0.1:{postgres.port}").geturl()
    proxied_queue = queue._replace(netloc=f"127.0.0.1:{redis_proxy.port}").geturl()
    real = bool(options.postgres_stop), bool(options.redis_stop)
    servers = {  # (database, broker) each scenario's processes use
        "postgres": (direct_db if real[0] else proxied_db, direct_queue),
        "worker": (direct_db, direct_queue),
        "redis": (direct_db, direct_queue if real[1] else proxied_queue),
    }

    from benchmarks.submission_env import submission_env

    workdir = Path(tempfile.mkdtemp(prefix="kaiku-failures-"))
    os.environ.update(
        {
            **submission_env(workdir, options.database_url),
            "KAIKU_SWEEP_SECONDS": str(options.sweep_seconds),
            "KAIKU_RETRY_AFTER_SECONDS": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    results: dict[str, dict] = {}
    failed: list[str] = []
    created = False
    system: System | None = None
    names = list(SCENARIOS) if options.scenario == "all" else [options.scenario]
    with terminated_as_interrupt():
        try:
            created = create_database(options.database_url)
            import django

            django.setup()
            from benchmarks.yardstick import describe
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            count_analyses_per_answer()
            print(describe())
            how = "stop/start commands" if any(real) else "proxy cut"
            print(
                f"each server away {options.outage:g} s ({how}); sweeps every "
                f"{options.sweep_seconds:g} s; {options.clients} client threads",
                flush=True,
            )
            for name in names:
                print(f"\n== {name} ==", flush=True)
                began = time.time()
                system = start_system(workdir, name, *servers[name])
                print(f"  (started in {time.time() - began:.1f} s)", flush=True)
                began = time.time()
                outage = outages.get(name, outages["postgres"])
                figures = SCENARIOS[name](options, system, outage)
                figures["scenario_s"] = round(time.time() - began, 1)
                system.processes.stop_all()
                system = None
                broker.flushdb()
                results[name] = figures
                for key, value in figures.items():
                    print(f"  {key:<44} {value}")
                for problem in problems(name, figures):
                    failed.append(f"{name}: {problem}")
                    print(f"  FAILED: {problem}")
        finally:
            if system is not None:
                system.processes.stop_all()
            clean_up(broker, options.database_url, created, workdir, options.keep_logs)
    if options.json:
        options.json.write_text(json.dumps({"results": results, "failed": failed}, indent=2))
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted: every process this run started is stopped")
