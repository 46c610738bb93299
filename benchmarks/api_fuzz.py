"""Property-based fuzzing of the JSON API: schemathesis cases for every operation,
sent in-process (WSGI) with a write-scope API key, or the owner's session where a
key may not go.

    .venv/bin/python benchmarks/api_fuzz.py [--examples 15] [--operation "POST /api/v1/surveys"]

Each operation gets --examples cases, valid and invalid input, on random ids and on
the ids of objects that exist (tests/factories.py's world). Prints the cases sent,
the operations, the server errors (5xx) with their tracebacks, and the other failures
by check: a 5xx or an answer unlike its documented schema is a bug;
status_code_conformance only reports the 4xx answers that the schema leaves out.
A throwaway SQLite database is migrated for the run; e-mail stays in memory and
webhooks are refused before they leave the machine. VERBOSE=1 also prints the
operations that never answered 2xx and an example of each other failure.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any


def fuzz(operation: Any, target: Any, examples: int, seed: int) -> list[Any]:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as fixed_seed
    from tests.core import apifuzz

    outcomes: list[Any] = []

    @fixed_seed(seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=apifuzz.cases(operation, target.ids))
    def run(case: Any) -> None:
        outcomes.append(apifuzz.call(case, target))

    run()
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=15, help="cases per operation")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--operation", default="", help='only this one, e.g. "GET /api/v1/cases"')
    options = parser.parse_args()

    os.environ["KAIKU_DATA_DIR"] = tempfile.mkdtemp(prefix="kaiku-api-fuzz-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaiku.settings")
    os.environ["ALLOWED_HOSTS"] = "localhost,testserver"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["KAIKU_OUTBOX_INLINE"] = "true"
    # The owner's session stands in for what an API key may not do; no second step.
    os.environ["KAIKU_REQUIRE_2FA"] = "false"
    import django

    django.setup()
    from django.conf import settings

    # Each operation's world has six users; real password hashing would cost ~1 s a world.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from benchmarks.yardstick import describe
    from django.core.management import call_command
    from tests.core import apifuzz
    from tests.factories import make_world

    call_command("migrate", verbosity=0)
    schema = apifuzz.load_schema()  # after kaiku.wsgi's django.setup(), which sets up logging
    # Each 5xx is printed once below, with its traceback; the log would repeat every one.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    logging.getLogger("axes").setLevel(logging.WARNING)  # the owner's sign-in, once a world
    operations = [
        op
        for op in apifuzz.operations(schema)
        if not options.operation or apifuzz.label(op) == options.operation
    ]
    print(describe())

    started = time.perf_counter()
    total = 0
    statuses: Counter[int] = Counter()
    by_check: Counter[str] = Counter()
    server_errors: dict[str, Any] = {}  # one example per operation and traceback tail
    other: dict[tuple[str, str], str] = {}
    never_succeeded: list[str] = []
    with apifuzz.offline():
        for operation in operations:
            name = apifuzz.label(operation)
            # A world of its own: what an earlier operation archived or closed would
            # leave this one only "not found" answers.
            target = apifuzz.target(make_world())
            outcomes = fuzz(operation, target, options.examples, options.seed)
            total += len(outcomes)
            if not any(200 <= outcome.status < 300 for outcome in outcomes):
                seen = Counter(outcome.status for outcome in outcomes)
                answers = ", ".join(f"{status}×{n}" for status, n in sorted(seen.items()))
                never_succeeded.append(f"{name} ({answers})")
            for outcome in outcomes:
                statuses[outcome.status // 100 * 100] += 1
                for check, message in outcome.failures.items():
                    by_check[check] += 1
                    if check == "not_a_server_error":
                        tail = outcome.error.strip().splitlines()[-1:] or ["(no traceback)"]
                        server_errors.setdefault(f"{name}: {tail[0]}", (outcome, message))
                    else:
                        other.setdefault((name, check), message)
    elapsed = time.perf_counter() - started

    print(f"operations: {len(operations)}")
    print(f"cases: {total} ({total / elapsed:.0f}/s, {elapsed:.0f} s)")
    print("answers: " + ", ".join(f"{k // 100}xx {v}" for k, v in sorted(statuses.items())))
    print(f"operations never answered 2xx: {len(never_succeeded)}")
    print(f"server errors: {by_check['not_a_server_error']} ({len(server_errors)} distinct)")
    for check in sorted(by_check):
        if check != "not_a_server_error":
            print(f"other failures, {check}: {by_check[check]}")
    for key, (outcome, message) in server_errors.items():
        print(f"\n=== 5xx {key}\n{message}\n{outcome.error}")
    if os.environ.get("VERBOSE"):
        print("\nnever answered 2xx:\n" + "\n".join(never_succeeded))
        for (name, check), message in other.items():
            print(f"\n=== {check} {name}\n{message}")
    required = {check.__name__ for check in apifuzz.REQUIRED_CHECKS}
    sys.exit(1 if any(by_check[name] for name in required) else 0)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
