"""`kaiku reset_two_factor EMAIL`: remove a person's authenticator (a lost phone)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from kaiku.accounts.services import reset_two_factor_by_operator


class Command(BaseCommand):
    help = (
        "Remove the two-step sign-in device of the user with this e-mail or user name, "
        "for an owner who cannot ask another owner; they set up a new one at sign-in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        given = options["email"].strip()
        user = get_user_model().objects.filter(Q(email__iexact=given) | Q(username=given)).first()
        if user is None:
            raise CommandError(f"No user {given}.")
        if reset_two_factor_by_operator(user=user):
            self.stdout.write(self.style.SUCCESS(f"Two-step sign-in of {given} was reset."))
        else:
            self.stdout.write(f"{given} had no two-step sign-in device.")
