"""`kaiku privacy`: answer a data-subject request (find, export, erase) or apply the
retention policies, from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Organisation
from kaiku.privacy import exports, identifiers, retention, selectors, services
from kaiku.privacy.models import RequestChannel

BY = {
    "email": identifiers.EMAIL,
    "phone": identifiers.PHONE,
    "respondent": identifiers.RESPONDENT,
    "token": identifiers.TOKEN,
}


class Command(BaseCommand):
    help = (
        "find | export | erase a person of one organisation, found by --email, --phone, "
        "--respondent (pseudonym or external reference) or --token (invitation); or "
        "retention: apply the retention policies (--dry-run only counts)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["find", "export", "erase", "retention"])
        parser.add_argument("--organisation", help="The organisation's short name (slug).")
        for name in BY:
            parser.add_argument(f"--{name}", default="")
        parser.add_argument(
            "--output", help="export: write here (.zip: JSON and CSV; else JSON); default stdout"
        )
        parser.add_argument("--yes", action="store_true", help="erase: do not ask first.")
        parser.add_argument(
            "--delete-responses", action="store_true", help="erase: the responses too."
        )
        parser.add_argument(
            "--delete-import-files",
            action="store_true",
            help="erase: the import files their imported answers came from.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count only; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"No organisation {options['organisation']!r}.")
        try:
            if options["action"] == "retention":
                self._retention(organisation, dry_run=options["dry_run"])
                return
            if organisation is None:
                raise CommandError("--organisation is required.")
            given = [(name, options[name]) for name in BY if options[name]]
            if len(given) != 1:
                raise CommandError("Give one of --email, --phone, --respondent or --token.")
            name, value = given[0]
            actor = Actor.system(organisation)
            getattr(self, f"_{options['action']}")(actor, value, BY[name], options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _retention(self, organisation: Organisation | None, *, dry_run: bool) -> None:
        if organisation is not None:
            results = {
                organisation.slug: retention.apply_retention(
                    organisation=organisation, dry_run=dry_run
                )
            }
        else:
            results = retention.apply_all(dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        for slug, counts in results.items():
            shown = ", ".join(f"{k} {n}" for k, n in counts.items() if n) or "nothing"
            self.stdout.write(f"{slug}: {verb} {shown}")

    def _find(self, actor: Actor, value: str, kind: str, options: dict[str, Any]) -> None:
        outcome = services.find(
            actor=actor, identifier=value, identifier_type=kind, channel=RequestChannel.CLI
        )
        people = selectors.found_people(actor.organisation, outcome.respondent_ids)
        for person in people:
            self.stdout.write(
                f"{person.pseudonym}  ref={person.external_ref or '-'}  "
                f"email={person.email or '-'}  responses={person.responses}  "
                f"comments={person.comments}  invitations={person.invitations}  "
                f"cases={person.cases}  consents={person.consents}"
            )
        self.stdout.write(f"{len(people)} found.")

    def _export(self, actor: Actor, value: str, kind: str, options: dict[str, Any]) -> None:
        outcome = services.export(
            actor=actor, identifier=value, identifier_type=kind, channel=RequestChannel.CLI
        )
        assert outcome.document is not None
        output = options["output"]
        if not output:
            json.dump(outcome.document, self.stdout, ensure_ascii=False, indent=2, default=str)
            self.stdout.write("")
            return
        path = Path(output)
        if path.suffix.lower() == ".zip":
            path.write_bytes(exports.as_zip(outcome.document))
        else:
            path.write_text(json.dumps(outcome.document, ensure_ascii=False, indent=2, default=str))
        path.chmod(0o600)
        self.stdout.write(f"{len(outcome.respondent_ids)} found; written to {path}.")

    def _erase(self, actor: Actor, value: str, kind: str, options: dict[str, Any]) -> None:
        choices = {
            "delete_responses": options["delete_responses"],
            "delete_import_files": options["delete_import_files"],
        }
        counts = services.erasure_preview(
            actor=actor, identifier=value, identifier_type=kind, **choices
        )
        self._counts("would erase" if not options["yes"] else "erasing", counts)
        if options["dry_run"]:
            return
        if counts["respondents"] and not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError("Add --yes to erase (it cannot be undone).")
            if input("Erase? This cannot be undone. [y/N] ").strip().lower() not in ("y", "yes"):
                self.stdout.write("Nothing erased.")
                return
        outcome = services.erase(
            actor=actor,
            identifier=value,
            identifier_type=kind,
            channel=RequestChannel.CLI,
            **choices,
        )
        self._counts("erased", outcome.counts)

    def _counts(self, verb: str, counts: dict[str, int]) -> None:
        shown = ", ".join(f"{k} {n}" for k, n in counts.items() if n) or "nothing"
        self.stdout.write(f"{verb}: {shown}")
