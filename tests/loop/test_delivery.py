"""Delivering the outbox to a real local HTTP server and a real local SMTP server
(aiosmtpd): signed webhooks, retries with backoff, 410 Gone, leases and one send
under concurrent workers."""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from kaiku.loop import delivery
from kaiku.loop.models import Channel, Delivery, OutboxMessage, Webhook, WebhookFormat
from kaiku.organisations.models import Organisation
from tests.factories import make_organisation
from tests.loop.servers import Inbox, Receiver, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_timeout(monkeypatch: pytest.MonkeyPatch) -> float:
    monkeypatch.setattr(delivery, "TIMEOUT_S", 0.5)
    return 0.5


# Rows ---------------------------------------------------------------------------


@pytest.fixture
def organisation() -> Organisation:
    return make_organisation()[0]


def _webhook(organisation: Organisation, receiver: Receiver, **fields: Any) -> Webhook:
    return Webhook.objects.create(
        organisation=organisation, name="Receiver", url=receiver.url, **fields
    )


def _message(
    webhook: Webhook, key: str = "case:1:opened:webhook:1", **fields: Any
) -> OutboxMessage:
    values: dict[str, Any] = {
        "payload": {"event": "case.opened", "text": "Urgent: Long queue", "case": {"id": 1}},
        "next_attempt_at": timezone.now(),
    }
    values.update(fields)
    return OutboxMessage.objects.create(
        organisation=webhook.organisation,
        key=key,
        channel=Channel.WEBHOOK,
        webhook=webhook,
        **values,
    )


def _email(
    organisation: Organisation, key: str = "case:1:opened:email:a@example.org", **fields: Any
) -> OutboxMessage:
    values: dict[str, Any] = {
        "recipient": "maija@example.org",
        "subject": "New case: Long queue",
        "body": "Long queue\n\nhttp://testserver/loop/cases/1/\n",
        "next_attempt_at": timezone.now(),
    }
    values.update(fields)
    return OutboxMessage.objects.create(
        organisation=organisation, key=key, channel=Channel.EMAIL, **values
    )


def _make_due(message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


# Webhooks -----------------------------------------------------------------------


def test_a_webhook_is_sent_once_signed_and_with_its_delivery_key(
    organisation: Organisation, receiver: Receiver
) -> None:
    webhook = _webhook(organisation, receiver)
    message = _message(webhook)

    assert delivery.deliver(message.pk) == Delivery.SENT

    [request] = receiver.requests
    headers = request.headers
    assert headers["X-Kaiku-Delivery"] == message.key
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == "Kaiku-Webhook/1"
    assert delivery.verify(
        webhook.secret, headers["X-Kaiku-Timestamp"], request.body, headers["X-Kaiku-Signature"]
    )
    assert request.json() == message.payload
    message.refresh_from_db()
    assert message.attempts == 1 and message.sent_at is not None
    assert message.locked_until is None and message.last_error == ""


def test_a_webhook_that_now_resolves_inside_the_network_is_not_sent(
    organisation: Organisation, receiver: Receiver, settings: Any
) -> None:
    """Saved while private addresses were allowed (or when its name resolved outside):
    at delivery the address is checked again, and a private one gets nothing."""
    webhook = _webhook(organisation, receiver)  # the receiver listens on 127.0.0.1
    message = _message(webhook)
    settings.KAIKU_WEBHOOK_PRIVATE_ADDRESSES = False

    assert delivery.deliver(message.pk) == Delivery.FAILED
    assert receiver.requests == []
    message.refresh_from_db()
    assert "private network" in message.last_error


def test_a_server_error_is_retried_later_with_the_same_delivery_key(
    organisation: Organisation, receiver: Receiver
) -> None:
    message = _message(_webhook(organisation, receiver))
    receiver.status = 500

    assert delivery.deliver(message.pk) == Delivery.PENDING
    message.refresh_from_db()
    assert message.attempts == 1 and "500" in message.last_error
    assert message.next_attempt_at > timezone.now() and message.locked_until is None

    _make_due(message)
    receiver.status = 200
    assert delivery.deliver(message.pk) == Delivery.SENT
    keys = [r.headers["X-Kaiku-Delivery"] for r in receiver.requests]
    assert keys == [message.key, message.key]


def test_a_timeout_is_retried_later(
    organisation: Organisation, receiver: Receiver, fast_timeout: float
) -> None:
    message = _message(_webhook(organisation, receiver))
    receiver.delay = fast_timeout * 2

    started = time.monotonic()
    assert delivery.deliver(message.pk) == Delivery.PENDING
    assert time.monotonic() - started < fast_timeout * 2
    message.refresh_from_db()
    assert message.attempts == 1 and message.next_attempt_at > timezone.now()

    _make_due(message)
    receiver.delay = 0
    assert delivery.deliver(message.pk) == Delivery.SENT
    assert len(receiver.requests) == 2


def test_410_gone_stops_the_message_and_the_webhook_and_what_waits_for_it(
    organisation: Organisation, receiver: Receiver
) -> None:
    webhook = _webhook(organisation, receiver)
    first = _message(webhook, key="first")
    second = _message(webhook, key="second")
    receiver.status = 410

    assert delivery.deliver(first.pk) == Delivery.STOPPED
    webhook.refresh_from_db()
    assert not webhook.active and webhook.stopped_at is not None
    assert delivery.deliver(second.pk) == Delivery.STOPPED
    assert len(receiver.requests) == 1


def test_a_message_to_a_switched_off_webhook_is_stopped_unsent(
    organisation: Organisation, receiver: Receiver
) -> None:
    message = _message(_webhook(organisation, receiver, active=False))

    assert delivery.deliver(message.pk) == Delivery.STOPPED
    assert receiver.requests == []
    message.refresh_from_db()
    assert message.attempts == 0


def test_404_fails_at_once(organisation: Organisation, receiver: Receiver) -> None:
    message = _message(_webhook(organisation, receiver))
    receiver.status = 404

    assert delivery.deliver(message.pk) == Delivery.FAILED
    message.refresh_from_db()
    assert message.attempts == 1 and "404" in message.last_error


def test_a_redirect_is_not_followed(organisation: Organisation, receiver: Receiver) -> None:
    message = _message(_webhook(organisation, receiver))
    receiver.status = 302
    receiver.headers = {"Location": receiver.url + "/elsewhere"}

    assert delivery.deliver(message.pk) == Delivery.FAILED
    assert [r.path for r in receiver.requests] == ["/hook"]


def test_the_last_attempt_that_fails_fails_for_good(
    organisation: Organisation, receiver: Receiver
) -> None:
    message = _message(_webhook(organisation, receiver), attempts=delivery.MAX_ATTEMPTS - 1)
    receiver.status = 503

    assert delivery.deliver(message.pk) == Delivery.FAILED
    message.refresh_from_db()
    assert message.attempts == delivery.MAX_ATTEMPTS


def test_an_unreachable_webhook_is_retried_later(organisation: Organisation) -> None:
    webhook = Webhook.objects.create(
        organisation=organisation, name="Nobody", url=f"http://127.0.0.1:{free_port()}/hook"
    )
    message = _message(webhook)

    assert delivery.deliver(message.pk) == Delivery.PENDING
    message.refresh_from_db()
    assert message.attempts == 1 and message.last_error.startswith("ConnectError")


def test_slack_gets_its_text(organisation: Organisation, receiver: Receiver) -> None:
    message = _message(_webhook(organisation, receiver, format=WebhookFormat.SLACK))

    delivery.deliver(message.pk)

    assert receiver.requests[0].json() == {"text": "Urgent: Long queue"}


def test_teams_gets_a_message_card(organisation: Organisation, receiver: Receiver) -> None:
    message = _message(_webhook(organisation, receiver, format=WebhookFormat.TEAMS))

    delivery.deliver(message.pk)

    assert receiver.requests[0].json() == {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": "Urgent: Long queue",
        "text": "Urgent: Long queue",
    }


# Once, and only when due --------------------------------------------------------


def test_delivering_a_sent_message_again_sends_nothing(
    organisation: Organisation, receiver: Receiver
) -> None:
    message = _message(_webhook(organisation, receiver))

    assert delivery.deliver(message.pk) == Delivery.SENT
    assert delivery.deliver(message.pk) == Delivery.SENT
    assert len(receiver.requests) == 1


def test_a_message_not_yet_due_is_not_sent(organisation: Organisation, receiver: Receiver) -> None:
    later = timezone.now() + timedelta(minutes=5)
    message = _message(_webhook(organisation, receiver), next_attempt_at=later)

    assert delivery.deliver(message.pk) == Delivery.PENDING
    assert delivery.deliver_due() == 0
    assert receiver.requests == []


def test_a_message_locked_by_another_worker_is_not_sent(
    organisation: Organisation, receiver: Receiver
) -> None:
    locked = timezone.now() + timedelta(seconds=30)
    message = _message(_webhook(organisation, receiver), locked_until=locked)

    assert delivery.deliver(message.pk) == Delivery.PENDING
    assert delivery.deliver_due() == 0
    assert receiver.requests == []


def test_the_sweep_takes_over_a_message_whose_lock_expired(
    organisation: Organisation, receiver: Receiver
) -> None:
    expired = timezone.now() - timedelta(seconds=1)
    message = _message(_webhook(organisation, receiver), locked_until=expired)

    assert delivery.deliver_due() == 1
    message.refresh_from_db()
    assert message.status == Delivery.SENT and len(receiver.requests) == 1


def test_the_sweep_sends_the_oldest_due_first_up_to_its_limit(
    organisation: Organisation, receiver: Receiver
) -> None:
    webhook = _webhook(organisation, receiver)
    now = timezone.now()
    for minutes, key in [(1, "newest"), (3, "oldest"), (2, "middle")]:
        _message(webhook, key=key, next_attempt_at=now - timedelta(minutes=minutes))

    assert delivery.deliver_due(limit=2) == 2
    assert [r.headers["X-Kaiku-Delivery"] for r in receiver.requests] == ["oldest", "middle"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_request(receiver: Receiver) -> None:
    organisation = make_organisation()[0]
    message = _message(_webhook(organisation, receiver))
    receiver.delay = 0.3
    start = threading.Barrier(2)
    results: list[str] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(delivery.deliver(message.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert len(receiver.requests) == 1
    assert Delivery.SENT in results and len(results) == 2
    message.refresh_from_db()
    assert message.status == Delivery.SENT and message.attempts == 1


# Signatures and backoff ---------------------------------------------------------


def test_verify_refuses_a_changed_body_an_old_timestamp_and_a_wrong_secret() -> None:
    now = timezone.now()
    timestamp = str(int(now.timestamp()))
    body = b'{"text":"hello"}'
    signature = delivery.sign("secret", timestamp, body)

    assert delivery.verify("secret", timestamp, body, signature, now=now)
    assert not delivery.verify("secret", timestamp, body + b" ", signature, now=now)
    assert not delivery.verify("other", timestamp, body, signature, now=now)
    later = now + timedelta(seconds=301)
    assert not delivery.verify("secret", timestamp, body, signature, now=later)
    assert not delivery.verify("secret", "soon", body, signature, now=now)


def test_backoff_grows_fourfold_with_jitter_up_to_six_hours() -> None:
    for attempt, seconds in [(1, 30), (2, 120), (3, 480), (7, 6 * 3600), (30, 6 * 3600)]:
        wait = delivery.backoff(attempt).total_seconds()
        assert seconds * 0.9 <= wait <= seconds * 1.1


# E-mail -------------------------------------------------------------------------


def test_an_email_arrives_with_a_message_id_from_its_key(
    organisation: Organisation, inbox: Inbox
) -> None:
    message = _email(
        organisation, payload={"headers": {"List-Unsubscribe": "<https://example.org/u/1/>"}}
    )

    assert delivery.deliver(message.pk) == Delivery.SENT

    [received] = inbox.messages
    expected = hashlib.sha256(message.key.encode()).hexdigest()[:32]
    assert received["Message-ID"] == f"<{expected}@kaiku>"
    assert received["X-Kaiku-Delivery"] == message.key
    assert received["List-Unsubscribe"] == "<https://example.org/u/1/>"
    assert received["To"] == "maija@example.org"
    assert received["From"] == "kaiku@example.org"
    assert received["Subject"] == "New case: Long queue"


def test_an_unreachable_smtp_server_is_retried_later(
    organisation: Organisation, smtp_settings: Any
) -> None:
    smtp_settings.EMAIL_PORT = free_port()
    message = _email(organisation)

    assert delivery.deliver(message.pk) == Delivery.PENDING
    message.refresh_from_db()
    assert message.attempts == 1 and message.next_attempt_at > timezone.now()
    assert message.last_error


def test_an_address_the_server_does_not_know_fails_at_once(
    organisation: Organisation, inbox: Inbox
) -> None:
    inbox.unknown.add("nobody@example.org")
    message = _email(organisation, recipient="nobody@example.org")
    assert delivery.deliver(message.pk) == Delivery.FAILED
    message.refresh_from_db()
    assert message.attempts == 1 and "550" in message.last_error
    assert inbox.messages == []
