"""The journey emotion map at scale: generated responses on the demo's clinic journey,
their facts and rollups, and the map page read warm.

    .venv/bin/python benchmarks/journey_map.py [--responses 1000000]
        [--database-url postgres://…] [--rounds 30]

Prints: loading the responses (the import engine, with a share of comments that are
analysed for real), the catch-up that gives responses their facts, a full rebuild
of the rollups from the facts, the map page (HTML, through Django's test client)
and the map's data p50/p95 warm with and without a period filter, the drivers, pain
points (the drivers page also with its remembered panels computed afresh, as after
new facts) and staff feedback pages, and the same data aggregated from the fact table
directly, without rollups, as a ratio.
Without --database-url a throwaway SQLite file is used.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

TEXTS = [
    "Jonotin puhelimessa yli puoli tuntia.",
    "Ystävällinen ja asiantunteva lääkäri, kiitos!",
    "Lasku tuli väärään osoitteeseen.",
    "Ohjeet olivat sekavat ja lomake kaatui.",
    "Bra service, men lång väntetid.",
]
TEXT_SHARE = 0.05


def rows(survey: Any, count: int) -> Any:
    from kaiku.demo.feedback import DEMO_STAFF, DEMO_STAFF_TEAM

    rng = random.Random(11)
    staff_rng = random.Random(12)  # its own, so the other columns stay as they were
    staff = [email for email, *_rest in DEMO_STAFF]
    touchpoints = list(survey.touchpoints.select_related("owner_team").order_by("pk"))
    stages = list(survey.journey.stages.order_by("position"))
    from django.utils import timezone

    now = timezone.now()
    for number in range(2, count + 2):
        touchpoint = rng.choice(touchpoints)
        mood = rng.gauss(0.3, 0.5)
        moment = now - timedelta(days=rng.uniform(0, 365))
        curve = "; ".join(f"{s.pk}:{max(-3, min(3, round(mood * 3)))}" for s in stages[:3])
        yield (
            number,
            [
                moment.strftime("%Y-%m-%d %H:%M"),
                touchpoint.name,
                rng.choice(["web", "phone", "in_person"]),
                rng.choice(["fi", "fi", "fi", "sv", "en"]),
                str(max(0, min(10, round(5 + mood * 5)))),
                str(max(1, min(7, round(4 + mood * 3)))),
                str(max(1, min(7, round(4 + mood * 3)))),
                rng.choice(["joy:2", "trust", "anger:3; sadness", "fear:1", ""]),
                curve,
                rng.choice(TEXTS) if rng.random() < TEXT_SHARE else "",
                *_front_desk(touchpoint, DEMO_STAFF_TEAM, staff, staff_rng),
            ],
        )


def _front_desk(touchpoint: Any, team: str, staff: list[str], rng: random.Random) -> list[str]:
    """The team and, seven times in ten, who served, at the demo's front desk."""
    if touchpoint.owner_team is None or touchpoint.owner_team.name != team:
        return ["", ""]
    return [team, rng.choice(staff) if rng.random() < 0.7 else ""]


def load(survey: Any, header: list[str], count: int, importer: Any, services: Any) -> None:
    from kaiku.analytics.receivers import imported
    from kaiku.responses.signals import responses_imported

    # The catch-up is timed on its own below, not inside the import.
    responses_imported.disconnect(imported, dispatch_uid="analytics.imported")
    started = time.perf_counter()
    report = importer(survey, header, is_demo=True).run(rows(survey, count))
    took = time.perf_counter() - started
    print(
        f"loaded {report.imported:,} responses ({TEXT_SHARE:.0%} with a comment, analysed and "
        f"rolled up as they came) in {took:.0f} s = {report.imported / took:,.0f}/s"
    )
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum would do soon after a bulk load: without fresh statistics
        # the planner guesses a million-row table small and the catch-up runs ~6×
        # slower.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    started = time.perf_counter()
    done = services.roll_up_new_responses()
    took = time.perf_counter() - started
    print(f"catch-up: facts for {done:,} responses in {took:.0f} s = {done / took:,.0f}/s")


def timed(call: Any, rounds: int) -> tuple[float, float]:
    call()  # warm
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Time the reads on a database loaded by an earlier run.",
    )
    options = parser.parse_args()

    os.environ["KAIKU_DATA_DIR"] = tempfile.mkdtemp(prefix="kaiku-map-bench-")
    if options.database_url:
        os.environ["DATABASE_URL"] = options.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaiku.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from benchmarks.yardstick import describe
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, F, Q, Sum
    from django.test import Client

    from kaiku.analytics import selectors, services
    from kaiku.analytics.models import EMOTION_FIELDS, ResponseFact, TouchpointDay
    from kaiku.demo.feedback import DEMO_STAFF_TEAM
    from kaiku.demo.services import DEMO_USERS, seed_demo
    from kaiku.journeys.models import Journey
    from kaiku.responses.importing import Importer
    from kaiku.surveys.models import Survey

    call_command("migrate", verbosity=0)  # also on --reuse: the schema may have moved on
    organisation, _logins = seed_demo()
    services.roll_up_new_responses()
    journey = Journey.objects.filter(organisation=organisation).order_by("pk").first()
    assert journey is not None
    survey = Survey.objects.get(journey=journey)
    header = ["submitted_at", "touchpoint", "channel", "language", "nps", "ease",
              "effectiveness", "feeling", "curve", "what_happened", "team",
              "served_by"]  # fmt: skip
    print(describe())
    print(f"database: {connection.vendor}")

    if not options.reuse:
        load(survey, header, options.responses, Importer, services)
    facts = ResponseFact.objects.count()
    started = time.perf_counter()
    services.rebuild()
    took = time.perf_counter() - started
    print(
        f"full rebuild of the rollups from {facts:,} facts: {took:.1f} s "
        f"({TouchpointDay.objects.count():,} touchpoint cells)"
    )
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk change; the reads below are then steady.
        with connection.cursor() as cursor:
            for table in ("touchpointday", "themeday", "stageday", "responsefact"):
                cursor.execute(f"VACUUM ANALYZE analytics_{table}")

    client = Client()
    client.force_login(organisation.memberships.get(user__username=DEMO_USERS[0][0]).user)
    url = f"/analytics/journeys/{journey.pk}/"
    assert client.get(url).status_code == 200
    last_90 = {"start": (django.utils.timezone.localdate() - timedelta(days=90)).isoformat()}
    for label, params in (("whole year", {}), ("last 90 days", last_90)):
        p50, p95 = timed(lambda p=params: client.get(url, p), options.rounds)
        print(f"map page (HTML), {label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    for page in ("drivers", "pain-points"):
        p50, p95 = timed(lambda p=page: client.get(f"{url}{p}/"), options.rounds)
        print(f"{page} page (HTML), whole year: p50 {p50:.0f} ms, p95 {p95:.0f} ms")

    def drivers_computed() -> None:
        services._changed([organisation.pk])  # as if new facts had come in
        client.get(f"{url}drivers/")

    p50, p95 = timed(drivers_computed, options.rounds)
    print(
        f"drivers page (HTML), whole year, its panels computed afresh: "
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms"
    )
    lead = Client()
    lead.force_login(organisation.memberships.get(user__username=DEMO_USERS[3][0]).user)
    team = organisation.teams.get(name=DEMO_STAFF_TEAM)
    in_team = ResponseFact.objects.filter(organisation=organisation, team_id=team.pk).count()
    team_url = f"/analytics/teams/{team.pk}/"
    assert lead.get(team_url).status_code == 200
    p50, p95 = timed(lambda: lead.get(team_url), options.rounds)
    print(
        f"team feedback page (HTML, the lead: 12 months × 4 members, {in_team:,} responses): "
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms"
    )

    filters = selectors.Filters()
    p50, p95 = timed(
        lambda: selectors.journey_map(organisation, journey.pk, filters), options.rounds
    )
    print(f"map data from rollups: p50 {p50:.0f} ms, p95 {p95:.0f} ms")

    def without_rollups() -> None:
        by_touchpoint = (
            ResponseFact.objects.filter(organisation=organisation, journey_id=journey.pk)
            .values("touchpoint_id")
            .annotate(
                responses=Count("pk"),
                valence_n=Count("valence"),
                valence_sum=Sum("valence"),
                valence_sumsq=Sum(F("valence") * F("valence")),
                negative=Count("pk", filter=Q(negative=True)),
                nps_n=Count("nps"),
                nps_promoters=Count("pk", filter=Q(nps__gte=9)),
                nps_detractors=Count("pk", filter=Q(nps__lte=6)),
                **{
                    name: aggregate
                    for score in ("csat", "ease", "effectiveness", "overall")
                    for name, aggregate in (
                        (f"{score}_n", Count(score)),
                        (f"{score}_sum", Sum(score)),
                        (f"{score}_sumsq", Sum(F(score) * F(score))),
                    )
                },
                **{e: Count("pk", filter=Q(**{e: True})) for e in EMOTION_FIELDS},
            )
        )
        for row in by_touchpoint:
            selectors.summarise({k: v or 0 for k, v in row.items()}, selectors.minimum_n())
        list(
            ResponseFact.objects.filter(organisation=organisation, journey_id=journey.pk)
            .values("touchpoint_id", "themes__theme")
            .annotate(n=Count("pk"))
        )

    slow50, slow95 = timed(without_rollups, max(3, options.rounds // 5))
    print(
        f"the same figures aggregated from the fact table without rollups: p50 {slow50:.0f} ms, "
        f"p95 {slow95:.0f} ms ({slow50 / p50:.0f}× the rollups' p50)"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
