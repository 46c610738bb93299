"""`kaiku import`: past feedback from a CSV or XLSX file into one survey."""

from __future__ import annotations

import csv
import sys
from contextlib import ExitStack
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from kaiku.responses.importing import BATCH_SIZE, Importer, ImportFileError, RowError, read_table
from kaiku.surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Import past feedback from CSV or XLSX into a survey. Bad rows are reported "
        "(row, column, reason) and skipped; good rows are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--survey", type=int, required=True, help="The survey's id.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="TARGET=COLUMN",
            help="Read TARGET (a field or question key) from COLUMN; repeatable.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check only; save nothing.")
        parser.add_argument("--report", help="Write every rejected row to this CSV file.")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        survey = Survey.objects.filter(pk=options["survey"]).first()
        if survey is None:
            raise CommandError(f"No survey {options['survey']}.")
        mapping = {}
        for item in options["map"]:
            target, sep, column = item.partition("=")
            if not sep:
                raise CommandError(f"--map {item!r}: write TARGET=COLUMN.")
            mapping[target.strip()] = column.strip()
        with ExitStack() as stack:
            try:
                stream = stack.enter_context(open(options["file"], "rb"))
            except OSError as exc:
                raise CommandError(f"Cannot open {options['file']}: {exc}") from exc
            sink = None
            if options["report"]:
                report_file = stack.enter_context(
                    open(options["report"], "w", newline="", encoding="utf-8")
                )
                writer = csv.writer(report_file)
                writer.writerow(["row", "column", "reason"])

                def sink(error: RowError) -> None:
                    writer.writerow([error.row, error.column, error.reason])

            progress = stack.enter_context(
                tqdm(unit=" rows", disable=options["no_progress"], file=sys.stderr, mininterval=0.5)
            )

            def advance(rows: int) -> None:
                progress.update(rows - progress.n)

            try:
                header, rows = read_table(stream, options["file"])
                importer = Importer(
                    survey,
                    header,
                    mapping,
                    dry_run=options["dry_run"],
                    batch_size=options["batch_size"],
                    on_progress=advance,
                    error_sink=sink,
                )
                report = importer.run(rows)
            except ImportFileError as exc:
                raise CommandError(str(exc)) from exc
        verb = "would import" if report.dry_run else "imported"
        self.stdout.write(
            f"{report.rows} rows: {verb} {report.imported}, duplicates {report.duplicates}, "
            f"rejected {report.rejected}"
        )
        if report.ignored_columns:
            self.stdout.write("Ignored columns: " + ", ".join(report.ignored_columns))
        for error in report.errors[:20]:
            self.stdout.write(f"  row {error.row}, {error.column or '-'}: {error.reason}")
        if report.rejected > 20:
            self.stdout.write(
                f"  … and {report.rejected - 20} more"
                + (" (see the report file)" if options["report"] else " (use --report FILE)")
            )
