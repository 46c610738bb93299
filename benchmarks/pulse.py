"""The employee pulse at scale: a large organisation's year of pulses, and the pages
and API that read it behind the anonymity threshold.

    .venv/bin/python benchmarks/pulse.py [--teams 200] [--answers 100000]
        [--database-url postgres://…] [--rounds 20]

Prints: the load (pulse answers through the real pulse write path, for a sample, and
in bulk for the rest), the counts read from the answers (what a report costs when
its remembered counts are stale: once after new answers), then p50/p95 warm of the
pulse report (all teams), the pulse
page and CSV (an admin, through Django's test client), the API with each filter, and
the team view (employee and customer side by side with the correlation), and how many
cells of the grid the threshold hid. Without --database-url a throwaway SQLite file is
used.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

MEASURES = ("enps", "wellbeing", "workload", "goals", "values", "emotional_load")
TEXTS = [
    "Kiire on kova ja taukoja ei ehdi pitää.",
    "Hyvä tiimi, autetaan toisiamme.",
    "Perehdytys oli puutteellinen.",
    "Bra stämning men för mycket att göra.",
]


def timed(call: Callable[[], object], rounds: int) -> tuple[float, float]:
    call()  # warm
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rounds", type=int, default=20)
    options = parser.parse_args()

    os.environ["KAIKU_DATA_DIR"] = tempfile.mkdtemp(prefix="kaiku-pulse-bench-")
    if options.database_url:
        os.environ["DATABASE_URL"] = options.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaiku.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from benchmarks.yardstick import describe
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from kaiku.organisations import services as organisations
    from kaiku.organisations.actors import Actor
    from kaiku.organisations.models import Organisation, Role
    from kaiku.people import selectors, teams
    from kaiku.people.models import PulseAnswer, PulseResponse
    from kaiku.people.pulse import submit_pulse
    from kaiku.responses.services import Submission
    from kaiku.surveys import services as surveys
    from kaiku.surveys.starters import employee_pulse

    call_command("migrate", verbosity=0)
    print(describe(), connection.vendor)
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.create_user("bench@example.org", password="x")
    organisation = organisations.create_organisation(name="Pulssi", owner=owner, slug="pulssi")
    actor = Actor(organisation=organisation, role=Role.OWNER, user=owner)
    all_teams = [
        organisations.create_team(actor=actor, name=f"Tiimi {n:03d}") for n in range(options.teams)
    ]
    from kaiku.journeys import services as journeys

    journey = journeys.create_journey(actor=actor, name="Työarki")
    survey = surveys.create_survey(
        actor=actor,
        spec=employee_pulse(name="Pulssi", journey_id=journey.pk, languages=["fi"]),
    )
    surveys.set_status(actor=actor, survey=survey, status="open")
    questions = {q.kind: q for q in survey.questions.all()}
    rng = random.Random(5)
    months = []
    start = timezone.localdate().replace(day=1)
    for _ in range(12):
        start = (start - timedelta(days=1)).replace(day=1)
        months.append(start)
    # Team sizes vary: a tenth of the teams are small, so the threshold has work.
    sizes = [rng.choice([1, 2, 3]) if rng.random() < 0.1 else rng.randint(4, 20) for _ in all_teams]

    sample = min(500, options.answers)
    began = time.perf_counter()
    for _ in range(sample):
        team = rng.choice(all_teams)
        submit_pulse(
            Submission(
                survey=survey,
                answers={k: rng.randint(1, 5) for k in MEASURES if k != "enps"},
                source="web",
                team_id=team.pk,
            )
        )
    through_path = time.perf_counter() - began
    print(f"pulse answers through the write path: {sample / through_path:,.0f}/s ({sample})")

    began = time.perf_counter()
    made = sample
    while made < options.answers:
        batch_responses, batch = [], []
        for _ in range(min(5000, options.answers - made)):
            index = rng.choices(range(len(all_teams)), weights=sizes)[0]
            batch_responses.append(
                PulseResponse(
                    organisation=organisation,
                    survey=survey,
                    team=all_teams[index],
                    month=rng.choice(months),
                    language="fi",
                )
            )
        PulseResponse.objects.bulk_create(batch_responses)
        for response in batch_responses:
            lean = (hash(response.team_id) % 7 - 3) / 6
            for kind in MEASURES:
                low, high = (0, 10) if kind == "enps" else (1, 5)
                value = round(low + (lean + 1) / 2 * (high - low) + rng.gauss(0, 1))
                batch.append(
                    PulseAnswer(
                        response=response,
                        question=questions[kind],
                        kind=kind,
                        number=max(low, min(high, value)),
                    )
                )
            if rng.random() < 0.2:
                batch.append(
                    PulseAnswer(
                        response=response,
                        question=questions["text"],
                        kind="text",
                        text=rng.choice(TEXTS),
                        analysed=True,
                        polarity=rng.choice(["positive", "negative", "neutral"]),
                        themes=["waiting_time"],
                    )
                )
        PulseAnswer.objects.bulk_create(batch, batch_size=5000)
        made += len(batch_responses)
    print(f"bulk load: {made:,} pulse answers in {time.perf_counter() - began:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    today = timezone.localdate()
    report = selectors.pulse_report(survey, all_teams, today=today)
    cells = [c for m in report.months for k, c in m.cells.items() if k]
    hidden = sum(not c.shown for c in cells)
    print(f"grid: {len(report.months)} months × {len(all_teams)} teams; hidden {hidden} cells")

    client = Client()
    client.force_login(owner)
    org = Organisation.objects.get(pk=organisation.pk)
    from kaiku.organisations.services import create_api_key

    _key, secret = create_api_key(actor=Actor(org, Role.OWNER, owner), name="b", scope="read")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    one = all_teams[0].pk
    month = report.months[-1].key
    first, last = report.months[0].start, report.months[-1].start
    figures = [
        ("counts from the answers", lambda: selectors._counts(survey, first, last)),
        (
            "pulse report (all teams)",
            lambda: selectors.pulse_report(survey, all_teams, today=today),
        ),
        ("pulse page", lambda: client.get(f"/people/pulse/?survey={survey.pk}")),
        ("pulse CSV", lambda: b"".join(client.get("/people/pulse.csv").streaming_content)),
        ("API, no filter", lambda: api.get("/api/v1/pulse")),
        ("API, team + month", lambda: api.get(f"/api/v1/pulse?team_id={one}&month={month}")),
        ("team view (all teams)", lambda: teams.team_view(survey, all_teams, today=today)),
    ]
    for name, call in figures:
        p50, p95 = timed(call, options.rounds)
        print(f"{name:<26} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")


if __name__ == "__main__":
    main()
