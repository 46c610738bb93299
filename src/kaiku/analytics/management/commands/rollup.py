"""`kaiku rollup`: bring the dashboards' facts and rollups up to date, or rebuild them."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaiku.analytics import services
from kaiku.organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Give new responses their facts and add them to the rollups; with --rebuild, build "
        "the rollups again from the facts (and with --facts, the facts from the responses)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Rebuild the rollups.")
        parser.add_argument(
            "--facts", action="store_true", help="With --rebuild: work out every fact again."
        )
        parser.add_argument("--organisation", help="Only this organisation (its slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"No organisation with the slug {options['organisation']!r}.")
        started = time.perf_counter()
        if options["rebuild"]:
            facts = services.rebuild(organisation=organisation, facts=options["facts"])
            seconds = time.perf_counter() - started
            self.stdout.write(f"Rebuilt the rollups from {facts:,} facts in {seconds:.1f} s.")
        else:
            if options["facts"]:
                raise CommandError("--facts goes with --rebuild.")
            done = services.roll_up_new_responses()
            self.stdout.write(
                f"{done:,} new responses rolled up in {time.perf_counter() - started:.1f} s."
            )
