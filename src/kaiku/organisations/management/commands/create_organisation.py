"""`kaiku create_organisation`: a new organisation with its first owner."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from kaiku.organisations.services import create_organisation


class Command(BaseCommand):
    help = "Create an organisation and make the given user (created if missing) its owner."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--slug", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        email = options["owner_email"].strip().lower()
        owner = User.objects.filter(email__iexact=email).first()
        if owner is None:
            owner = User.objects.create_user(username=email, email=email)
            self.stdout.write(
                f"Created user {email}; set a password with "
                f"`kaiku changepassword {email}` or the reset link."
            )
        organisation = create_organisation(name=options["name"], owner=owner, slug=options["slug"])
        self.stdout.write(self.style.SUCCESS(f"Organisation {organisation.slug} created."))
