"""The demo's walkthrough: seeded through the services, once, with photos and an action."""

from __future__ import annotations

import pytest

from kaiku.demo.services import seed_demo
from kaiku.demo.walkthroughs import OBSERVATIONS, seed_demo_walkthrough
from kaiku.walkthroughs.models import Observation, Walkthrough, WalkthroughStatus

pytestmark = pytest.mark.django_db


def test_the_demo_walkthrough_is_done_with_photos_and_an_action_and_seeded_once() -> None:
    organisation, _logins = seed_demo()
    walkthrough = seed_demo_walkthrough(organisation)
    assert walkthrough is not None
    assert seed_demo_walkthrough(organisation) is None
    assert Walkthrough.objects.count() == 1
    walkthrough.refresh_from_db()
    assert walkthrough.status == WalkthroughStatus.DONE
    assert walkthrough.walkers.count() == 2
    observations = Observation.objects.filter(walkthrough=walkthrough)
    assert observations.count() == len(OBSERVATIONS)
    assert observations.exclude(photo="").count() == 2
    assert observations.filter(action__isnull=False, category="signs").count() == 1
    assert not observations.filter(created_by__isnull=True).exists()
