"""`kaiku train --organisation SLUG`: adapt polarity to one organisation's feedback."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaiku.organisations.models import Organisation
from kaiku.textanalysis import services


class Command(BaseCommand):
    help = (
        "Learn an organisation's polarity layer from its comments and the scores and "
        "emotions its respondents gave; it is used only if it does no worse than the "
        "base model on a held-out fifth of those comments. Prints the comparison as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="The organisation's short name.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation {options['organisation']!r}.")
        model = services.adapt_organisation_model(organisation=organisation)
        self.stdout.write(json.dumps({"version": model.version, **model.report}, indent=2))
        if model.kept:
            self.stderr.write(
                "Kept. Run `kaiku reanalyze --organisation "
                f"{organisation.slug}` to analyse earlier comments with it."
            )
