"""Closing the loop end to end: negative responses posted through the API, the cases
they open and the webhook notifications that reach a receiver, with every part of
the production setup running (gunicorn, a Celery worker on Redis, celery beat).

    .venv/bin/python benchmarks/loop_delivery.py [--responses 10000]
        [--scenario steady|kill|both] [--clients 16] [--timeout 600]
        [--database-url postgres://postgres@127.0.0.1:5432/kaiku_loopbench]
        [--broker-url redis://127.0.0.1:6379/12] [--worker-concurrency 2]
        [--kill-on cases|deliveries] [--keep-logs]

Each scenario sets up, through Kaiku's own services, an organisation with an open
survey on a journey, a write API key, one webhook pointing at a local receiver
(benchmarks/webhook_receiver.py, a process of its own that verifies every request's
signature) and one alert rule `nps <= 6` with that webhook and no e-mail. It starts
`kaiku serve`, one `kaiku worker` and `celery -A kaiku beat` (the whole beat
schedule: the loop's sweeps run every 15 s), then posts N responses with an NPS of
0 to 6 and no comment from several client threads, each with its own
Idempotency-Key, so that every response should open one case and send one webhook.

Printed per scenario: the submission rate; seconds from the first POST until every
case was open and until every notification had reached the receiver; response →
case and response → webhook latency (p50, p95, max); cases opened, notifications
delivered (distinct `X-Kaiku-Delivery` keys), lost, repeated (raw requests minus
distinct keys: a worker that dies between sending and recording sends again) and
responses with more than one case; bad signatures; the outbox's final states.

Scenario "kill" SIGKILLs the worker (its whole process group) once a third of the
cases are open (or, with --kill-on deliveries, once a third of the webhooks have
arrived: then the worker is more likely to die holding a message under its lease)
and starts a new one at once. It also prints what the dead worker held (its
unacknowledged tasks in Redis, the outbox messages under its lease) and when each
of those was done, i.e. how long the recovery took. With Redis as the broker an
unacknowledged task comes back only after the transport's visibility timeout (an
hour by default), so recovery within the run is the sweeps' work.

A scenario that is not complete after --timeout seconds (from its first POST) gives
up and prints what is missing.

The database is created and migrated by the run and dropped at the end; one that
already exists is used as it is and kept. The Redis database must be empty, and is
flushed after each scenario. Every process the run starts is stopped at the end,
on errors and on Ctrl-C too. Needs PostgreSQL and Redis.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script
from benchmarks.harness import (
    ROOT,
    Processes,
    answers,
    clean_up,
    create_database,
    free_port,
    services_for,
    terminated_as_interrupt,
    wait_until,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kaiku_loopbench"
# Not 15: the test suite's worker uses that one.
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/12"
KILL_AT = 1 / 3
POLL_S = 0.5
PROGRESS_EVERY_S = 30.0
CLIENT_ATTEMPTS = 5
# Kombu's Redis transport redelivers an unacknowledged task after this by default.
KOMBU_VISIBILITY_TIMEOUT_S = 3600


# The world one scenario needs --------------------------------------------------------


@dataclass
class World:
    organisation: Any
    survey: Any
    webhook: Any
    api_key: str


def make_world(label: str, receiver_url: str) -> World:
    from tests.factories import make_survey, make_user

    from kaiku.loop import services as loop
    from kaiku.organisations.actors import Actor
    from kaiku.organisations.services import create_api_key, create_organisation

    owner = make_user(f"loopbench-{uuid.uuid4().hex[:12]}@example.org")
    organisation = create_organisation(name=f"Loop benchmark, {label}", owner=owner)
    survey = make_survey(organisation)  # open, on a journey of its own
    actor = Actor.system(organisation)
    _key, secret = create_api_key(actor=actor, name="loop benchmark", scope="write")
    webhook = loop.save_webhook(actor=actor, name="Benchmark receiver", url=receiver_url)
    loop.save_rule(
        actor=actor,
        name="Detractor",
        conditions=[{"measure": "nps", "op": "lte", "value": 6}],
        notify_assignee=False,
        notify_emails=[],
        webhooks=[webhook],
    )
    return World(organisation, survey, webhook, secret)


# The client ---------------------------------------------------------------------


@dataclass
class Sent:
    started: float  # the first attempt, Unix seconds
    response_id: int | None = None
    status: int = 0
    attempts: int = 0
    error: str = ""


@dataclass
class Submitter:
    """Posts the responses from `clients` threads, each with a keep-alive connection."""

    base_url: str
    world: World
    count: int
    clients: int
    run: str
    stop: threading.Event = field(default_factory=threading.Event)
    sent: list[Sent | None] = field(default_factory=list)
    finished_at: float = 0.0
    _next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.sent = [None] * self.count

    def start(self) -> list[threading.Thread]:
        threads = [
            threading.Thread(target=self._client, daemon=True, name=f"client-{n}")
            for n in range(self.clients)
        ]
        for thread in threads:
            thread.start()
        watcher = threading.Thread(target=self._finish, args=(threads,), daemon=True)
        watcher.start()
        return threads

    def done(self) -> int:
        return sum(1 for s in self.sent if s is not None and s.status)

    def _finish(self, threads: list[threading.Thread]) -> None:
        for thread in threads:
            thread.join()
        self.finished_at = time.time()

    def _take(self) -> int | None:
        with self._lock:
            if self._next >= self.count or self.stop.is_set():
                return None
            self._next += 1
            return self._next - 1

    def _client(self) -> None:
        import httpx

        headers = {"Authorization": f"Bearer {self.world.api_key}"}
        with httpx.Client(base_url=self.base_url, headers=headers, timeout=30) as client:
            while (number := self._take()) is not None:
                self.sent[number] = self._post(client, number)

    def _post(self, client: Any, number: int) -> Sent:
        import httpx

        body = {"survey_id": self.world.survey.pk, "answers": {"nps": number % 7}}
        key = {"Idempotency-Key": f"loopbench-{self.run}-{number}"}
        sent = Sent(started=time.time())
        for attempt in range(1, CLIENT_ATTEMPTS + 1):
            sent.attempts = attempt
            try:
                answer = client.post("/api/v1/responses", json=body, headers=key)
            except httpx.HTTPError as error:
                sent.error = f"{type(error).__name__}: {error}"
            else:
                if answer.status_code in (200, 201):
                    sent.status = answer.status_code
                    sent.response_id = int(answer.json()["id"])
                    return sent
                sent.error = f"HTTP {answer.status_code}: {answer.text[:200]}"
                if answer.status_code < 500:
                    break  # the same request would get the same answer
            time.sleep(0.5 * attempt)
        sent.status = -1
        return sent


# What the receiver heard ----------------------------------------------------------


@dataclass
class Arrivals:
    """The receiver's log, read as it grows."""

    path: Path
    first: dict[str, float] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)
    times: dict[str, list[float]] = field(default_factory=dict)
    bad_signatures: int = 0
    _offset: int = 0

    def read(self) -> None:
        if not self.path.exists():
            return
        with self.path.open("rb") as log:
            log.seek(self._offset)
            chunk = log.read()
        end = chunk.rfind(b"\n") + 1
        self._offset += end
        for line in chunk[:end].decode().splitlines():
            arrived_text, valid, key = line.split(" ", 2)
            arrived = float(arrived_text)
            if valid != "1":
                self.bad_signatures += 1
                continue
            self.requests[key] = self.requests.get(key, 0) + 1
            self.times.setdefault(key, []).append(arrived)
            self.first.setdefault(key, arrived)

    def total(self) -> int:
        return sum(self.requests.values())


# One scenario ----------------------------------------------------------------------


@dataclass
class Kill:
    at: float  # Unix seconds
    posted: int
    cases: int
    delivered: int
    unacked: dict[bytes, tuple[str, list[Any], str]]
    leased: dict[int, str]  # outbox message id -> key
    busy: list[str]  # database sessions in a long transaction just before the kill
    received: dict[str, float] = field(default_factory=dict)  # task id -> taken by the worker
    replacement_ready_s: float = 0.0


@dataclass
class Outcome:
    name: str
    submitter: Submitter
    arrivals: Arrivals
    completed: bool
    ended_at: float
    kill: Kill | None = None
    unacked_at_end: int = 0


def run_scenario(name: str, options: argparse.Namespace, env: dict[str, str]) -> Outcome:
    from kaiku.loop.models import Case, Delivery, OutboxMessage

    workdir = Path(env["KAIKU_DATA_DIR"])
    processes = Processes(workdir, env)
    python = sys.executable
    kaiku = str(Path(python).with_name("kaiku"))
    receiver_port, server_port = free_port(), free_port()
    world = make_world(name, f"http://127.0.0.1:{receiver_port}/hook")
    organisation = world.organisation
    arrivals = Arrivals(workdir / f"arrivals-{name}.txt")
    worker_args = ["--concurrency", str(options.worker_concurrency)]
    try:
        receiver = [python, str(ROOT / "benchmarks" / "webhook_receiver.py")]
        receiver += ["--port", str(receiver_port), "--log", str(arrivals.path)]
        secret = {"KAIKU_RECEIVER_SECRET": world.webhook.secret}
        processes.start(f"receiver-{name}", receiver, secret)
        processes.start(f"serve-{name}", [kaiku, "serve", "--bind", f"127.0.0.1:{server_port}"])
        processes.start(f"worker-{name}-a", worker_command(name, "a", worker_args))
        beat = [python, "-m", "celery", "-A", "kaiku", "beat", "--loglevel", "INFO"]
        beat += ["--schedule", str(workdir / f"beat-schedule-{name}")]
        processes.start(f"beat-{name}", beat)
        wait_until(lambda: answers(f"http://127.0.0.1:{receiver_port}/"), "the receiver")
        wait_until(lambda: answers(f"http://127.0.0.1:{server_port}/healthz"), "kaiku serve")
        wait_until(lambda: " ready." in processes.log(f"worker-{name}-a"), "the worker")

        print(f"\n== {name}: {options.responses:,} negative responses ==", flush=True)
        submitter = Submitter(
            f"http://127.0.0.1:{server_port}",
            world,
            options.responses,
            options.clients,
            f"{name}-{uuid.uuid4().hex[:8]}",
        )
        cases = Case.objects.filter(organisation=organisation)
        expected = options.responses
        kill: Kill | None = None
        started = time.time()
        submitter.start()
        deadline = started + options.timeout
        next_report = started + PROGRESS_EVERY_S
        completed = False
        while time.time() < deadline:
            time.sleep(POLL_S)
            arrivals.read()
            opened = cases.count()
            now = time.time()
            progress = opened if options.kill_on == "cases" else len(arrivals.first)
            if name == "kill" and kill is None and progress >= expected * KILL_AT:
                kill = kill_worker(processes, name, worker_args, submitter, opened, arrivals)
            if now >= next_report:
                next_report += PROGRESS_EVERY_S
                print(
                    f"  {now - started:5.0f} s: posted {submitter.done():>7,}   cases "
                    f"{opened:>7,}   delivered {len(arrivals.first):>7,}",
                    flush=True,
                )
            if submitter.finished_at:
                # Responses the API refused open nothing: wait only for those it took.
                expected = sum(1 for s in submitter.sent if s is not None and s.response_id)
            if submitter.finished_at and opened >= expected and len(arrivals.first) >= expected:
                # Done when nothing is left to send: a repeat may still come until then.
                pending = OutboxMessage.objects.filter(
                    organisation=organisation, status=Delivery.PENDING
                )
                if not pending.exists():
                    completed = True
                    break
        ended_at = time.time()
        submitter.stop.set()
        time.sleep(1.0)  # the last requests in flight reach the receiver's log
        arrivals.read()
        if kill is not None:
            kill.replacement_ready_s = _ready_after(processes, f"worker-{name}-b", kill.at)
        return Outcome(
            name,
            submitter,
            arrivals,
            completed,
            ended_at,
            kill,
            unacked_at_end=len(set(_unacked(env["CELERY_BROKER_URL"])) & set(kill.unacked))
            if kill
            else 0,
        )
    finally:
        processes.stop_all()


def kill_worker(
    processes: Processes,
    name: str,
    worker_args: list[str],
    submitter: Submitter,
    opened: int,
    arrivals: Arrivals,
) -> Kill:
    from django.utils import timezone

    from kaiku.loop.models import Delivery, OutboxMessage

    busy = _long_transactions()
    processes.kill(f"worker-{name}-a")
    at = time.time()
    # Only the dead worker held anything: the new one starts after this look.
    unacked = _unacked(processes.env["CELERY_BROKER_URL"])
    leased = dict(
        OutboxMessage.objects.filter(
            organisation=submitter.world.organisation,
            status=Delivery.PENDING,
            locked_until__gt=timezone.now(),
        ).values_list("pk", "key")
    )
    processes.start(f"worker-{name}-b", worker_command(name, "b", worker_args))
    print(
        f"  {at - min(s.started for s in submitter.sent if s):5.0f} s: worker SIGKILLed "
        f"(with its pool processes) at {opened:,} cases open, {len(arrivals.first):,} "
        f"delivered; a new worker is starting",
        flush=True,
    )
    kill = Kill(at, submitter.done(), opened, len(arrivals.first), unacked, leased, busy)
    for line in processes.log(f"worker-{name}-a").splitlines():
        found = re.search(r"Task [\w.]+\[([\w-]+)\] received", line)
        if found and (moment := _log_time(line)) is not None:
            kill.received[found.group(1)] = moment
    return kill


def _long_transactions(seconds: float = 5.0) -> list[str]:
    """Other sessions of this database in a transaction for over `seconds`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT extract(epoch FROM now() - xact_start), state, wait_event_type, "
            "left(query, 120) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND now() - xact_start > make_interval(secs => %s)",
            [seconds],
        )
        return [
            f"{age:.0f} s {state} (waiting: {wait or 'no'}): {query}"
            for age, state, wait, query in cursor.fetchall()
        ]


def worker_command(scenario: str, letter: str, worker_args: list[str]) -> list[str]:
    kaiku = str(Path(sys.executable).with_name("kaiku"))
    return [kaiku, "worker", "-n", f"loopbench-{scenario}-{letter}@%h", *worker_args]


def _ready_after(processes: Processes, name: str, since: float) -> float:
    """Seconds from `since` to the worker's "ready" line."""
    for line in processes.log(name).splitlines():
        if " ready." in line and (moment := _log_time(line)) is not None:
            return moment - since
    return float("nan")


def _log_time(line: str) -> float | None:
    """The Unix time of a Celery log line. Its stamp is in local time, which Django
    sets from TIME_ZONE in the worker and in this process alike."""
    found = re.search(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})", line)
    if found is None:
        return None
    return datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()


def _unacked(broker_url: str) -> dict[bytes, tuple[str, list[Any], str]]:
    """The tasks in the broker that a worker took and has not acknowledged, by their
    delivery tag: (the task's name, its arguments, its id)."""
    import redis

    found = {}
    client = redis.Redis.from_url(broker_url)
    for tag, raw in client.hgetall("unacked").items():
        message = json.loads(raw)[0]
        task = message.get("headers", {}).get("task", "?")
        try:
            args = json.loads(base64.b64decode(message["body"]))[0]
        except (KeyError, ValueError, IndexError, TypeError):
            args = [message.get("headers", {}).get("argsrepr", "?")]
        found[tag] = (task, args, message.get("headers", {}).get("id", ""))
    return found


# Report ----------------------------------------------------------------------------


def percentiles(values: list[float]) -> str:
    if not values:
        return "none"
    values = sorted(values)

    def at(q: float) -> float:
        return values[min(len(values) - 1, int(q * len(values)))]

    return f"p50 {at(0.50):.2f} s, p95 {at(0.95):.2f} s, max {values[-1]:.2f} s"


def report(outcome: Outcome) -> None:
    from django.db.models import Count

    from kaiku.loop.models import Case, OutboxMessage
    from kaiku.responses.models import Response

    submitter, arrivals = outcome.submitter, outcome.arrivals
    world = submitter.world
    sent = [s for s in submitter.sent if s is not None]
    accepted = {s.response_id: s for s in sent if s.response_id is not None}
    failed = [s for s in sent if s.status == -1]
    first_post = min(s.started for s in sent)
    took = (submitter.finished_at or outcome.ended_at) - first_post
    retries = sum(s.attempts - 1 for s in sent)
    print(
        f"submitted {len(accepted):,} of {submitter.count:,} in {took:.1f} s = "
        f"{len(accepted) / took:,.0f}/s ({len(failed)} failed, {retries} client retries)"
    )
    for s in failed[:3]:
        print(f"  failed: {s.error}")
    stored = Response.objects.filter(survey=world.survey).count()
    if stored != len(accepted):
        print(f"  responses stored: {stored:,}, not {len(accepted):,}")

    cases = list(
        Case.objects.filter(organisation=world.organisation).values_list(
            "pk", "response_id", "created_at"
        )
    )
    expected = len(accepted)
    key_of = {pk: f"case:{pk}:opened:webhook:{world.webhook.pk}" for pk, _r, _t in cases}
    response_of_key = {key_of[pk]: response for pk, response, _t in cases}
    delivered = {key for key in arrivals.first if key in response_of_key}
    unexpected = set(arrivals.first) - delivered
    twice = (
        Case.objects.filter(organisation=world.organisation)
        .values("response_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )

    def after_first(moment: float | None) -> str:
        return f"{moment - first_post:.1f} s" if moment is not None else "never (see below)"

    last_case = max((t.timestamp() for _p, _r, t in cases), default=None)
    last_arrival = max((arrivals.first[k] for k in delivered), default=None)
    print(
        f"every case open ({len(cases):,}/{expected:,}) after: "
        f"{after_first(last_case if len(cases) >= expected else None)} from the first POST"
    )
    print(
        f"every notification delivered ({len(delivered):,}/{expected:,}) after: "
        f"{after_first(last_arrival if len(delivered) >= expected else None)} from the first POST"
    )
    to_case = [t.timestamp() - accepted[r].started for _p, r, t in cases if r in accepted]
    to_webhook = [
        arrivals.first[key] - accepted[response_of_key[key]].started
        for key in delivered
        if response_of_key[key] in accepted
    ]
    print(f"response → case open:         {percentiles(to_case)}")
    print(f"response → webhook received:  {percentiles(to_webhook)}")
    repeats = sum(arrivals.requests[k] - 1 for k in delivered)
    print(
        f"cases opened {len(cases):,} of {expected:,}; notifications delivered "
        f"{len(delivered):,} of {expected:,} (distinct keys); lost {expected - len(delivered):,}; "
        f"duplicated: {twice} responses with more than one case, {repeats} repeated "
        f"request(s) of a key"
    )
    print(
        f"receiver: {arrivals.total():,} requests with a valid signature for "
        f"{len(arrivals.first):,} distinct keys; {arrivals.bad_signatures} bad signature(s); "
        f"{len(unexpected)} unexpected key(s)"
    )
    states = dict(
        OutboxMessage.objects.filter(organisation=world.organisation)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    retried = OutboxMessage.objects.filter(organisation=world.organisation, attempts__gt=1).count()
    print(
        "outbox: "
        + ", ".join(f"{status} {n:,}" for status, n in sorted(states.items()))
        + f"; messages sent in more than one attempt {retried}"
    )
    if outcome.kill is not None:
        report_kill(outcome, {r: t for _p, r, t in cases})
    if not outcome.completed:
        report_missing(outcome, accepted, cases, delivered)


def report_kill(outcome: Outcome, case_at: dict[int, Any]) -> None:
    from kaiku.loop.models import OutboxMessage

    kill = outcome.kill
    assert kill is not None
    arrivals = outcome.arrivals
    first_post = min(s.started for s in outcome.submitter.sent if s)
    print(
        f"kill: at {kill.at - first_post:.1f} s, with {kill.posted:,} posted, {kill.cases:,} "
        f"cases open and {kill.delivered:,} delivered; the new worker was ready "
        f"{kill.replacement_ready_s:.1f} s after the kill"
    )
    print(
        f"  the dead worker held {len(kill.unacked)} unacknowledged task(s) and "
        f"{len(kill.leased)} outbox message(s) under its lease:"
    )

    def after(moment: float | None) -> str:
        return "never" if moment is None else f"{moment - kill.at:+.1f} s"

    # What the dead worker held, and when each was done, in seconds after the kill.
    done: list[float | None] = []
    messages: dict[int, list[str]] = {pk: ["under lease"] for pk in kill.leased}
    for task, args, task_id in kill.unacked.values():
        taken = kill.received.get(task_id)
        held = f" (taken {kill.at - taken:.1f} s before the kill)" if taken else ""
        if task == "loop.check_responses":
            for response_id in args[0] if args else []:
                moment = case_at.get(response_id)
                done.append(moment.timestamp() if moment is not None else None)
                print(
                    f"    task check_responses({response_id}){held}: case opened {after(done[-1])}"
                )
        elif task == "loop.deliver_message" and args:
            messages.setdefault(int(args[0]), []).insert(0, f"its task unacknowledged{held}")
        else:  # a sweep: its next run stands in for it
            print(f"    task {task}{tuple(args)}{held}: a sweep, run again by beat")
    for message_id, why in sorted(messages.items()):
        key, sent_at = OutboxMessage.objects.filter(pk=message_id).values_list(
            "key", "sent_at"
        ).first() or ("", None)
        received = ", ".join(after(t) for t in arrivals.times.get(key, [])) or "never"
        recorded = sent_at.timestamp() if sent_at is not None else None
        done.append(recorded)
        print(
            f"    message {message_id} ({', '.join(why)}): received {received}; "
            f"recorded sent {after(recorded)}"
        )
    for session in kill.busy:
        print(f"    just before the kill, a database session in a transaction for {session}")
    if done and None not in done:
        print(
            f"  recovery: everything the dead worker held was done "
            f"{max(0.0, max(m for m in done if m is not None) - kill.at):.1f} s after the kill"
        )
    print(
        f"  the whole run was complete {outcome.ended_at - kill.at:.1f} s after the kill"
        if outcome.completed
        else "  the run never completed"
    )
    if kill.unacked:
        print(
            f"  broker: {outcome.unacked_at_end} of those task(s) still unacknowledged in Redis "
            f"at the end; the Redis transport redelivers them only after its visibility "
            f"timeout ({_visibility_timeout()} s)"
        )


def _visibility_timeout() -> int:
    from kaiku.celery import app

    options = app.conf.broker_transport_options or {}
    return int(options.get("visibility_timeout", KOMBU_VISIBILITY_TIMEOUT_S))


def report_missing(
    outcome: Outcome, accepted: dict[int, Sent], cases: list[Any], delivered: set[str]
) -> None:
    from django.db.models import Count

    from kaiku.loop.models import OutboxMessage

    world = outcome.submitter.world
    opened = {r for _p, r, _t in cases}
    without = sorted(set(accepted) - opened)
    print(f"GAVE UP after {outcome.ended_at - min(s.started for s in accepted.values()):.0f} s:")
    print(f"  responses without a case: {len(without):,} (first ids: {without[:10]})")
    undelivered = OutboxMessage.objects.filter(organisation=world.organisation).exclude(
        key__in=delivered
    )
    print(f"  outbox messages not received: {undelivered.count():,}")
    for row in (
        undelivered.values("status", "last_error").annotate(n=Count("pk")).order_by("-n")[:5]
    ):
        print(f"    {row['n']:,} {row['status']}: {row['last_error'] or '(no error)'}")


# Main ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--broker-url", default=DEFAULT_BROKER_URL)
    parser.add_argument("--scenario", choices=["steady", "kill", "both"], default="both")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=600, help="seconds per scenario")
    parser.add_argument(
        "--worker-concurrency", type=int, default=2, help="pool processes of the one worker"
    )
    parser.add_argument(
        "--kill-on",
        choices=["cases", "deliveries"],
        default="cases",
        help="kill the worker once a third of the cases are open, or of the webhooks received",
    )
    parser.add_argument(
        "--keep-logs", action="store_true", help="keep the processes' logs and print where"
    )
    options = parser.parse_args()
    broker = services_for(options.database_url, options.broker_url)

    from benchmarks.submission_env import submission_env

    workdir = Path(tempfile.mkdtemp(prefix="kaiku-loop-bench-"))
    env = {
        **os.environ,
        **submission_env(workdir, options.database_url),
        "CELERY_BROKER_URL": options.broker_url,
        # No e-mail leaves: only webhooks count (the rule sends none anyway).
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    os.environ.update(env)
    created = False
    scenarios = ["steady", "kill"] if options.scenario == "both" else [options.scenario]
    with terminated_as_interrupt():
        try:
            created = create_database(options.database_url)
            import django

            django.setup()
            from benchmarks.yardstick import describe
            from django.core.management import call_command
            from django.db import connection

            call_command("migrate", verbosity=0)
            print(describe())
            note = "created by this run" if created else "existing, kept"
            print(
                f"database: {connection.settings_dict['NAME']} ({note})   broker: "
                f"{options.broker_url} (visibility timeout {_visibility_timeout()} s)"
            )
            print(
                f"kaiku serve: its defaults ({(os.cpu_count() or 1) + 1} gunicorn workers × 4 "
                f"threads); one kaiku worker --concurrency {options.worker_concurrency}; "
                f"celery beat (sweeps every 15 s); {options.clients} client threads, keep-alive"
            )
            for name in scenarios:
                outcome = run_scenario(name, options, env)
                report(outcome)
                broker.flushdb()
        finally:
            clean_up(broker, options.database_url, created, workdir, options.keep_logs)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted: every process this run started is stopped")
