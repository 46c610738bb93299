"""The inner loop through a real Celery worker on Redis: a negative response sent
through the API opens a case in the worker, and its webhook reaches a real local
HTTP server, signed, once."""

from __future__ import annotations

import json
import subprocess
import time

import pytest
from django.test import Client

from kaiku.loop import delivery
from kaiku.loop import services as loop
from kaiku.loop.models import Case, Delivery, OutboxMessage
from tests.factories import make_api_key, make_organisation, make_survey, owner_actor
from tests.loop.servers import Receiver
from tests.worker import output_of

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_detractor_opens_a_case_and_its_webhook_arrives_once(
    worker: subprocess.Popen[bytes], receiver: Receiver
) -> None:
    organisation, _owner = make_organisation()
    actor = owner_actor(organisation)
    survey = make_survey(organisation)
    webhook = loop.save_webhook(actor=actor, name="Paikallinen", url=receiver.url)
    loop.save_rule(
        actor=actor,
        name="Arvostelija",
        conditions=[{"measure": "nps", "op": "lte", "value": 6}],
        webhooks=[webhook],
    )
    _key, secret = make_api_key(organisation, scope="write")
    answer = Client(headers={"Authorization": f"Bearer {secret}"}).post(
        "/api/v1/responses",
        json.dumps({"survey_id": survey.pk, "answers": {"nps": 3}}),
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and worker.poll() is None:
        if OutboxMessage.objects.filter(status=Delivery.SENT).exists():
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"no webhook was delivered; the worker said:\n{output_of(worker)}")
    case = Case.objects.get()
    assert case.title.startswith("Arvostelija")
    time.sleep(0.5)  # a second delivery, if there were one, would have come by now
    assert len(receiver.requests) == 1
    sent = receiver.requests[0]
    assert sent.json()["case"]["id"] == case.pk
    assert delivery.verify(
        webhook.secret,
        sent.headers["X-Kaiku-Timestamp"],
        sent.body,
        sent.headers["X-Kaiku-Signature"],
    )
