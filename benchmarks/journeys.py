"""How fast the service-path core answers: creating journeys through the API and
rendering the blueprint of the largest demo journey.

    .venv/bin/python benchmarks/journeys.py [--rounds 50]

Uses a throwaway SQLite database in a temporary folder; prints figures only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=50)
    rounds = parser.parse_args().rounds

    os.environ["KAIKU_DATA_DIR"] = tempfile.mkdtemp(prefix="kaiku-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaiku.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from kaiku.demo.services import seed_demo
    from kaiku.journeys.models import Journey
    from kaiku.organisations.actors import Actor
    from kaiku.organisations.services import create_api_key

    call_command("migrate", verbosity=0)
    organisation, logins = seed_demo()
    _key, secret = create_api_key(actor=Actor.system(organisation), name="bench", scope="write")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    payload = {
        "name": "Benchmark",
        "stages": [
            {
                "name": f"Stage {s}",
                "touchpoints": [
                    {"name": f"T {s}.{t}", "channel": "web", "layer": "frontstage"}
                    for t in range(5)
                ],
            }
            for s in range(8)
        ],
    }

    biggest = max(Journey.objects.filter(organisation=organisation), key=lambda j: j.stages.count())

    create_ms = []
    for _ in range(rounds):
        start = time.perf_counter()
        answer = api.post("/api/v1/journeys", payload, content_type="application/json")
        create_ms.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 201, answer.content

    web = Client()
    web.login(username=logins[0].email, password=logins[0].password)
    render_ms = []
    for _ in range(rounds):
        start = time.perf_counter()
        page = web.get(f"/journeys/{biggest.pk}/")
        render_ms.append((time.perf_counter() - start) * 1000)
        assert page.status_code == 200

    def line(label: str, values: list[float]) -> str:
        p95 = sorted(values)[int(0.95 * (len(values) - 1))]
        return f"{label:<48} median {statistics.median(values):6.1f} ms   p95 {p95:6.1f} ms"

    print(f"rounds: {rounds}   python {sys.version.split()[0]}   database: SQLite (WAL)")
    print(line("POST /api/v1/journeys (8 stages, 40 touchpoints)", create_ms))
    touchpoints = sum(s.touchpoints.count() for s in biggest.stages.all())
    print(
        line(
            f"blueprint page ({biggest.stages.count()} stages, {touchpoints} touchpoints)",
            render_ms,
        )
    )


if __name__ == "__main__":
    main()
