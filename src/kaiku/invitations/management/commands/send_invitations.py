"""`kaiku send_invitations`: send due invitations and reminders (for cron, or run by
Celery beat every minute)."""

from typing import Any

from django.core.management.base import BaseCommand

from kaiku.invitations.services import send_due_invitations


class Command(BaseCommand):
    help = "Send invitations whose time has come, and reminders that are due."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = send_due_invitations()
        self.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items()))
