"""`kaiku import_journey`: create a journey from a kaiku.journey JSON document."""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaiku.journeys import services
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Organisation


class Command(BaseCommand):
    help = "Import a journey from a kaiku.journey JSON document; nothing is saved on errors."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--organisation", required=True, help="The organisation's short name.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation {options['organisation']!r}.")
        try:
            with open(options["file"], encoding="utf-8") as f:
                document = json.load(f)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        try:
            journey = services.import_journey(actor=Actor.system(organisation), document=document)
        except ValidationError as exc:
            problems = (
                [f"  {path}: {m}" for path, ms in exc.message_dict.items() for m in ms]
                if hasattr(exc, "error_dict")
                else [f"  {m}" for m in exc.messages]
            )
            raise CommandError("Nothing was imported:\n" + "\n".join(problems)) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported journey {journey.pk}: {journey.name}"))
