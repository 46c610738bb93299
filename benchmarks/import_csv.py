"""Import speed and memory: a generated CSV of past feedback through `kaiku import`'s
engine into a fresh database.

    .venv/bin/python benchmarks/import_csv.py [--rows 1000000] [--database-url URL]

Prints rows per second (reading, checking and saving; before analysis) and the
process's peak resident memory. Without --database-url a throwaway SQLite file is used.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import os
import pstats
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

TEXTS = [
    "Jono oli pitkä ja kukaan ei kertonut miksi.",
    "Ystävällinen vastaanotto, kiitos!",
    "Lasku tuli väärään osoitteeseen.",
    "Bra service, men lång väntetid.",
    "The nurse explained everything clearly.",
]


def generate(path: Path, rows: int) -> None:
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["submitted_at", "nps", "ease", "feeling", "what_happened", "idempotency_key"]
        )
        for i in range(rows):
            nps = rng.randint(0, 10)
            feeling = rng.choice(["joy:2", "trust", "anger:3; sadness", "fear:1", ""])
            text = rng.choice(TEXTS) if nps <= 6 and rng.random() < 0.6 else ""
            day = 1 + i % 28
            writer.writerow(
                [
                    f"2025-{1 + i % 12:02d}-{day:02d} 12:00",
                    nps,
                    rng.randint(1, 7),
                    feeling,
                    text,
                    f"row-{i}",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--profile", action="store_true", help="Print the top functions.")
    parser.add_argument("--dry-run", action="store_true", help="Read and check only.")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kaiku-import-bench-"))
    os.environ["KAIKU_DATA_DIR"] = str(workdir)
    if options.database_url:
        os.environ["DATABASE_URL"] = options.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaiku.settings")
    source = workdir / "feedback.csv"
    started = time.perf_counter()
    generate(source, options.rows)
    size = source.stat().st_size / 1e6
    took = time.perf_counter() - started
    print(f"generated {options.rows:,} rows ({size:.0f} MB) in {took:.1f} s")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from tests.factories import make_survey, make_user

    from kaiku.organisations.services import create_organisation
    from kaiku.responses.importing import Importer, read_table
    from kaiku.responses.models import Response
    from kaiku.textanalysis import tasks

    # The figure is for importing before analysis: what would be queued for the
    # analysis workers is counted instead of analysed here.
    queued: list[int] = []
    tasks.analyse_responses_task.delay = queued.extend  # type: ignore[method-assign]

    # A fresh owner each run, so that a database kept between runs can be used again.
    owner = make_user(f"import-benchmark-{uuid.uuid4().hex[:12]}@example.org")
    organisation = create_organisation(name="Import benchmark", owner=owner)
    survey = make_survey(organisation, status="closed")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu_before = time.process_time()
    started = time.perf_counter()
    profiler = cProfile.Profile() if options.profile else None
    if profiler:
        # The profiler sees one thread: save in this one, so the profile shows all the work.
        Importer._writers = lambda self: 0  # type: ignore[method-assign]
    with source.open("rb") as stream:
        header, rows = read_table(stream, source.name)
        importer = Importer(survey, header, batch_size=options.batch_size, dry_run=options.dry_run)
        report = profiler.runcall(importer.run, rows) if profiler else importer.run(rows)
    if profiler:
        pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(30)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stored = Response.objects.filter(survey=survey).count()
    vendor = connection.vendor
    from benchmarks.yardstick import describe

    print(describe())
    print(
        f"database: {vendor}   batch size: {options.batch_size}   python {sys.version.split()[0]}"
    )
    print(f"rows: {report.rows:,}   imported: {report.imported:,}   rejected: {report.rejected:,}")
    print(f"stored: {stored:,}   queued for analysis (responses with text): {len(queued):,}")
    print(f"import: {elapsed:.1f} s = {report.rows / elapsed:,.0f} rows/s")
    # Steadier than the wall clock on a shared machine; on SQLite it is all the work.
    print(f"CPU time of this process: {cpu:.1f} s = {report.rows / cpu:,.0f} rows per CPU-second")
    print(f"peak RSS: {peak:.0f} MB (before the import: {before:.0f} MB)")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
