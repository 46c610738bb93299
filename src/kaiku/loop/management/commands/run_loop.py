"""`kaiku run_loop`: what Celery beat does for the loop, once — check responses a
lost task missed, deliver notifications that are due (retries), escalate cases past
their deadline. For cron every minute when Kaiku runs without a broker."""

from typing import Any

from django.core.management.base import BaseCommand

from kaiku.loop import delivery, services


class Command(BaseCommand):
    help = "Check missed responses, deliver due notifications, escalate overdue cases."

    def handle(self, *args: Any, **options: Any) -> None:
        opened = services.check_new_responses()
        sent = delivery.deliver_due()
        escalated = services.escalate_overdue()
        self.stdout.write(f"cases opened {opened}, messages sent {sent}, escalated {escalated}")
