"""`kaiku export_journey`: print or write a journey as a JSON document."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaiku.journeys import selectors
from kaiku.journeys.models import Journey
from kaiku.organisations.models import Organisation


class Command(BaseCommand):
    help = "Export a journey as a kaiku.journey JSON document."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("journey_id", type=int)
        parser.add_argument("--organisation", required=True, help="The organisation's short name.")
        parser.add_argument("--output", "-o", help="File to write; standard output by default.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation {options['organisation']!r}.")
        journey = Journey.objects.filter(
            organisation=organisation, pk=options["journey_id"]
        ).first()
        if journey is None:
            raise CommandError(f"No journey {options['journey_id']} in {organisation.slug}.")
        text = json.dumps(selectors.journey_document(journey), ensure_ascii=False, indent=2)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as f:
                f.write(text + "\n")
            self.stderr.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text)
