"""`kaiku seed_demo`: create the labelled demo organisation and print its logins."""

from typing import Any

from django.core.management.base import BaseCommand

from kaiku.analytics.services import roll_up_new_responses
from kaiku.demo.loop import seed_demo_loop
from kaiku.demo.people import seed_demo_pulse
from kaiku.demo.services import seed_demo
from kaiku.demo.walkthroughs import seed_demo_walkthrough


class Command(BaseCommand):
    help = "Create the demo organisation (generated demo data) and print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        organisation, logins = seed_demo()
        # After the commit that analysed the comments: the alert rules see their
        # flags, and the dashboards open ready.
        seed_demo_loop(organisation)
        seed_demo_pulse(organisation)
        seed_demo_walkthrough(organisation)
        roll_up_new_responses()
        self.stdout.write(self.style.SUCCESS(f"Demo organisation: {organisation.name}"))
        for login in logins:
            self.stdout.write(f"  {login.role:<8} {login.email}  /  {login.password}")
