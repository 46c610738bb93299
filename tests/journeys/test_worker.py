"""The journey export through a real Celery worker with Redis as the broker."""

from __future__ import annotations

import subprocess
import time

import pytest

from kaiku.journeys import services
from kaiku.journeys.models import ExportStatus, JourneyExport
from tests.factories import make_journey, make_organisation, owner_actor
from tests.worker import output_of

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_export_is_built_by_the_worker(worker: subprocess.Popen[bytes]) -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation, stages=3)
    export = services.request_journey_export(actor=owner_actor(organisation), journey=journey)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and worker.poll() is None:
        export.refresh_from_db()
        if export.status == ExportStatus.DONE:
            break
        time.sleep(0.2)
    if export.status != ExportStatus.DONE:
        pytest.fail(f"the worker did not build the export; its output:\n{output_of(worker)}")
    document = JourneyExport.objects.get(pk=export.pk).document
    assert document is not None
    assert [s["name"] for s in document["journey"]["stages"]] == ["Stage 1", "Stage 2", "Stage 3"]
