"""Delivering the outbox: each message is sent once per attempt, by one worker, with
retries that back off, and a receiver that says it is gone is left alone.

A worker claims a message with one conditional UPDATE that sets a lease
(`locked_until`); only the worker whose UPDATE changed the row sends it, so two
workers, or a task queued twice, send it once. The sending happens outside any
transaction (a slow receiver must not hold database locks), and the outcome is
written with one more UPDATE that only lands while the lease is still ours.

A crash between sending and recording the outcome sends the message again after the
lease expires; receivers can recognise the repeat by the message's key, which goes
with every attempt (the webhook's `X-Kaiku-Delivery` header, the e-mail's Message-ID).

Webhook requests are signed: `X-Kaiku-Signature` is `sha256=` and the hex HMAC-SHA256,
with the webhook's secret, of the `X-Kaiku-Timestamp` value, a dot and the body.
Receivers check it with `verify`.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import hashlib
import hmac
import json
import logging
import random
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from kaiku.loop import addresses
from kaiku.loop.models import Channel, Delivery, OutboxMessage, Webhook, WebhookFormat

logger = logging.getLogger(__name__)

# The whole of one webhook request, from connecting to the answer's status line.
TIMEOUT_S = 10.0
# How long a claimed message is ours. Longer than any one attempt takes, so that a
# live worker keeps its message; short enough that a dead worker's is soon taken over.
LEASE = timedelta(seconds=60)
# Attempts in all; with the backoff below the last comes some 15 hours after the first.
MAX_ATTEMPTS = 8
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_FACTOR = 4
BACKOFF_CAP = timedelta(hours=6)
# Spread retries apart so that messages that failed together do not retry together.
BACKOFF_JITTER = 0.10
# Signed timestamps older or newer than this are refused by `verify` (replays).
SIGNATURE_TOLERANCE_S = 300
USER_AGENT = "Kaiku-Webhook/1"
# HTTP answers that may pass: the receiver is busy, restarting or throttling us.
RETRYABLE_STATUSES = frozenset({408, 429})
ERROR_LENGTH = 500


class Verdict(enum.Enum):
    SENT = "sent"
    RETRY = "retry"  # may pass: try again later, until MAX_ATTEMPTS
    FAIL = "fail"  # retrying cannot help
    GONE = "gone"  # the webhook's receiver said 410 Gone


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    error: str = ""
    # False when nothing was sent at all (the webhook was already switched off).
    attempted: bool = True


# Public API -----------------------------------------------------------------------


def deliver(message_id: int) -> str:
    """Deliver one message if it is due and no other worker holds it.

    Returns the message's status afterwards (a `Delivery` value), or "" when there is
    no such message. Call it outside a transaction: the claim must be visible to other
    workers at once, and the sending must hold no database locks.
    """
    lease_until = _claim(message_id)
    if lease_until is None:
        return _status(message_id)
    message = OutboxMessage.objects.select_related("webhook").filter(pk=message_id).first()
    if message is None:  # deleted with its case just now
        return ""
    outcome = _send(message)
    return _record(message, outcome, lease_until)


def deliver_due(limit: int = 500) -> int:
    """Deliver pending messages whose time has come, oldest first; returns how many
    were sent. The scheduled sweep: picks up messages whose task was lost and those
    whose worker died (their lease has expired)."""
    now = timezone.now()
    due = (
        OutboxMessage.objects.filter(status=Delivery.PENDING, next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(deliver(message_id) == Delivery.SENT for message_id in list(due))


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt number `attempt` (1 for the first): 30 s, 2 min,
    8 min, 32 min, 2 h 8 min, then 6 h; each ±10 %."""
    # The exponent is bounded so that a large attempt number cannot overflow timedelta;
    # any bound past the cap will do.
    exponent = min(max(attempt - 1, 0), 16)
    wait = min(BACKOFF_FIRST * BACKOFF_FACTOR**exponent, BACKOFF_CAP)
    # Jitter, not a secret: any pseudo-random spread will do.
    return wait * (1 + random.uniform(-BACKOFF_JITTER, BACKOFF_JITTER))  # noqa: S311


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The `X-Kaiku-Signature` value: HMAC-SHA256 of "<timestamp>." and the body."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def verify(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    tolerance_s: int = SIGNATURE_TOLERANCE_S,
    now: datetime | None = None,
) -> bool:
    """Whether a webhook request is ours: the signature matches and the timestamp is
    within `tolerance_s` of `now`, so that a captured request cannot be replayed later."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    current = (now or timezone.now()).timestamp()
    if abs(current - sent_at) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def message_id_header(key: str) -> str:
    """The e-mail's Message-ID: the same for every attempt of one outbox message."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@kaiku>"


def webhook_body(webhook_format: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What a webhook of this format receives: chat services get their own shape."""
    text = str(payload.get("text", ""))
    if webhook_format == WebhookFormat.SLACK:
        return {"text": text}
    if webhook_format == WebhookFormat.TEAMS:
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": text,
            "text": text,
        }
    return payload


# Claiming and recording -----------------------------------------------------------


def _claim(message_id: int) -> datetime | None:
    """Take the message for one attempt; returns the lease's end, or None when it is
    not due, not pending, or held by another worker."""
    now = timezone.now()
    lease_until = now + LEASE
    claimed = (
        OutboxMessage.objects.filter(
            pk=message_id, status=Delivery.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .update(locked_until=lease_until)
    )
    return lease_until if claimed else None


def _status(message_id: int) -> str:
    status = OutboxMessage.objects.filter(pk=message_id).values_list("status", flat=True)
    return str(status.first() or "")


def _record(message: OutboxMessage, outcome: Outcome, lease_until: datetime) -> str:
    now = timezone.now()
    attempts = message.attempts + 1
    changes: dict[str, Any] = {"locked_until": None, "last_error": outcome.error[:ERROR_LENGTH]}
    if outcome.attempted:
        changes["attempts"] = F("attempts") + 1
    if outcome.verdict is Verdict.SENT:
        changes.update(status=Delivery.SENT, sent_at=now)
    elif outcome.verdict is Verdict.GONE:
        changes.update(status=Delivery.STOPPED)
    elif outcome.verdict is Verdict.RETRY and attempts < MAX_ATTEMPTS:
        changes.update(next_attempt_at=now + backoff(attempts))
    else:
        changes.update(status=Delivery.FAILED)
    with transaction.atomic():
        # Only while the lease is ours: a worker that overran it lost the message to
        # another, whose outcome is the one to keep.
        recorded = OutboxMessage.objects.filter(pk=message.pk, locked_until=lease_until).update(
            **changes
        )
        if recorded and outcome.verdict is Verdict.GONE and message.webhook_id:
            _stop_webhook(message.webhook_id, now)
    if not recorded:
        logger.warning("Outbox message %s: lease lost before the outcome was recorded", message.pk)
    return _status(message.pk)


def _stop_webhook(webhook_id: int, now: datetime) -> None:
    """The receiver is gone for good: switch the webhook off and drop what waits for it."""
    Webhook.objects.filter(pk=webhook_id, active=True).update(active=False, stopped_at=now)
    OutboxMessage.objects.filter(webhook_id=webhook_id, status=Delivery.PENDING).update(
        status=Delivery.STOPPED, locked_until=None, last_error="The webhook was stopped."
    )


# Sending --------------------------------------------------------------------------


def _send(message: OutboxMessage) -> Outcome:
    try:
        if message.channel == Channel.WEBHOOK:
            return _send_webhook(message)
        if message.channel == Channel.EMAIL:
            return _send_email(message)
        return Outcome(Verdict.FAIL, f"Unknown channel {message.channel!r}.")
    except Exception as error:
        # A bug must not leave the message claimed and retried for ever: count the
        # attempt, so that it ends as failed, and say what happened.
        logger.exception("Outbox message %s could not be sent", message.pk)
        return Outcome(Verdict.RETRY, f"Unexpected error: {_describe(error)}")


def _send_webhook(message: OutboxMessage) -> Outcome:
    webhook = message.webhook
    if webhook is None:
        return Outcome(Verdict.FAIL, "The message names no webhook.")
    if not webhook.active:
        return Outcome(Verdict.GONE, "The webhook is switched off.", attempted=False)
    # Checked again at each delivery: a name that resolved outside when the webhook was
    # saved may point inside the network now (DNS rebinding).
    if addresses.refused(webhook.url):
        return Outcome(Verdict.FAIL, "The address now resolves inside the private network.")
    body = json.dumps(
        webhook_body(webhook.format, message.payload), ensure_ascii=False, separators=(",", ":")
    ).encode()
    headers = _webhook_headers(webhook.secret, message.key, body)
    try:
        status, reason = asyncio.run(_post(webhook.url, body, headers))
    except TimeoutError:
        return Outcome(Verdict.RETRY, f"No answer within {TIMEOUT_S:g} s.")
    except httpx.HTTPError as error:
        return Outcome(Verdict.RETRY, _describe(error))
    return _judge_answer(status, reason)


def _webhook_headers(secret: str, key: str, body: bytes) -> dict[str, str]:
    timestamp = str(int(timezone.now().timestamp()))
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Kaiku-Delivery": key,
        "X-Kaiku-Timestamp": timestamp,
        "X-Kaiku-Signature": sign(secret, timestamp, body),
    }


async def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST and return the answer's status; the body is never read, as nothing in it
    matters and a large one would only cost time. `asyncio.timeout` bounds the whole
    exchange, which httpx's own timeouts (each per step) do not."""
    # A redirect is not followed: the signed request is for this URL only.
    async with (
        asyncio.timeout(TIMEOUT_S),
        httpx.AsyncClient(timeout=TIMEOUT_S, follow_redirects=False, verify=_tls()) as client,
        client.stream("POST", url, content=body, headers=headers) as answer,
    ):
        return answer.status_code, answer.reason_phrase


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context per process: building one reads the whole CA bundle, which cost
    a worker more than the request itself (28–63 ms a message, measured)."""
    return httpx.create_ssl_context()


def _judge_answer(status: int, reason: str) -> Outcome:
    if 200 <= status < 300:
        return Outcome(Verdict.SENT)
    error = f"HTTP {status} {reason}".strip()
    if status == 410:
        return Outcome(Verdict.GONE, error)
    if status >= 500 or status in RETRYABLE_STATUSES:
        return Outcome(Verdict.RETRY, error)
    # Other 4xx (and 3xx, as redirects are not followed): the same request would get
    # the same answer.
    return Outcome(Verdict.FAIL, error)


def _send_email(message: OutboxMessage) -> Outcome:
    if not message.recipient:
        return Outcome(Verdict.FAIL, "The message has no recipient.")
    extra = message.payload.get("headers", {}) if isinstance(message.payload, dict) else {}
    headers = {str(name): str(value) for name, value in dict(extra).items()}
    # Ours last, so that the payload cannot change how a repeat is recognised.
    headers["Message-ID"] = message_id_header(message.key)
    headers["X-Kaiku-Delivery"] = message.key
    # Django's default SMTP timeout is none at all: a hung server would hold the
    # worker past its lease.
    connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or TIMEOUT_S)
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers=headers,
        connection=connection,
    )
    try:
        email.send()
    except BadHeaderError as error:
        return Outcome(Verdict.FAIL, _describe(error))
    except smtplib.SMTPRecipientsRefused as error:
        # A 5xx for the address ("no such user") will not change; a 4xx may.
        codes = [code for code, _text in error.recipients.values()]
        permanent = bool(codes) and all(code >= 500 for code in codes)
        return Outcome(Verdict.FAIL if permanent else Verdict.RETRY, _describe(error))
    except (smtplib.SMTPException, OSError) as error:
        return Outcome(Verdict.RETRY, _describe(error))
    return Outcome(Verdict.SENT)


def _describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".strip().rstrip(":")
    return text[:ERROR_LENGTH]
