"""`kaiku reanalyze`: analyse free text again after the model changed."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from kaiku.organisations.models import Organisation
from kaiku.textanalysis import engine, services


class Command(BaseCommand):
    help = (
        "Analyse again the free-text answers that an older model version read, and any "
        "that still wait for analysis. --all analyses every answer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", help="Only this organisation (its short name).")
        parser.add_argument(
            "--all", action="store_true", help="Every answer, whatever its version."
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"No organisation {options['organisation']!r}.")
        total = services.count_to_reanalyse(organisation=organisation, everything=options["all"])
        with tqdm(
            total=total, unit=" answers", disable=options["no_progress"], file=sys.stderr
        ) as bar:
            done = services.reanalyse(
                organisation=organisation, everything=options["all"], progress=bar.update
            )
        version = (
            engine.for_organisation(organisation.pk)[0]
            if organisation
            else engine.analyzer().version
        )
        self.stdout.write(f"{done} answers analysed with model {version}.")
