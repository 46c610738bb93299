"""Concurrent changes to one journey, on PostgreSQL where they really run in parallel."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kaiku.journeys import services
from kaiku.journeys.models import Journey
from tests.factories import make_organisation, owner_actor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_stage_additions_get_distinct_positions() -> None:
    organisation, _ = make_organisation()
    actor = owner_actor(organisation)
    journey = services.create_journey(actor=actor, name="Kiireinen polku")
    failures: list[BaseException] = []
    start = threading.Barrier(8)

    def add(number: int) -> None:
        try:
            start.wait()
            services.add_stage(
                actor=actor, journey=Journey.objects.get(pk=journey.pk), name=f"S{number}"
            )
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    positions = sorted(journey.stages.values_list("position", flat=True))
    assert positions == list(range(1, 9))
