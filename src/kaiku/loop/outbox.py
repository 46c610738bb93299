"""Writing notifications into the outbox, in the caller's transaction, and handing
them to the delivery workers once it commits.

What a notification says stays short and holds no customer text: an e-mail or a
chat channel is no place for what a customer wrote about their illness. It names
the case and links to it; the text is read in Kaiku, behind its sign-in.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from datetime import datetime

from django import db
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaiku.core.background import send
from kaiku.loop import delivery
from kaiku.loop.models import AlertRule, Case, Channel, OutboxMessage, Webhook
from kaiku.organisations.models import Membership
from kaiku.responses.models import Response


def notify_opened(*, case: Case, rules: list[AlertRule], urgent: bool) -> int:
    """E-mails and webhooks for a case just opened; returns how many were written."""
    addresses: list[str] = []
    if case.assignee and case.assignee.email and (urgent or any(r.notify_assignee for r in rules)):
        addresses.append(case.assignee.email)
    for rule in rules:
        addresses += rule.notify_emails
    if urgent:
        # Self-harm: everyone who could act, at once.
        addresses += _emails(
            Membership.objects.filter(organisation_id=case.organisation_id, handles_sensitive=True)
        )
        if case.team_id:
            addresses += _emails(Membership.objects.filter(leads=case.team_id))
    with translation.override(settings.LANGUAGE_CODE):
        subject = (_("Urgent case: %(title)s") if urgent else _("New case: %(title)s")) % {
            "title": case.title
        }
        body = _case_body(case)
    written = 0
    for address in dict.fromkeys(a.strip().lower() for a in addresses if a.strip()):
        written += _email(case, f"case:{case.pk}:opened:email:{address}", address, subject, body)
    for webhook in _webhooks(rules):
        written += _webhook(
            case, webhook, f"case:{case.pk}:opened:webhook:{webhook.pk}", "case.opened"
        )
    return written


def notify_escalated(*, case: Case, at: datetime) -> int:
    """The deadline passed: the handler and the team's leads hear of it."""
    addresses = [case.assignee.email] if case.assignee and case.assignee.email else []
    if case.team_id:
        addresses += _emails(Membership.objects.filter(leads=case.team_id))
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Deadline passed: %(title)s") % {"title": case.title}
        body = _case_body(case)
    written = 0
    stamp = at.strftime("%Y%m%dT%H%M")
    for address in dict.fromkeys(a.lower() for a in addresses):
        written += _email(
            case, f"case:{case.pk}:escalated:{stamp}:email:{address}", address, subject, body
        )
    return written


def notify_without_case(*, response: Response, rules: list[AlertRule]) -> int:
    """Rules that only notify (no case): their webhooks and e-mails."""
    written = 0
    for rule in rules:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Alert: %(rule)s") % {"rule": rule.name}
        body = f"{subject}\n\n{_link(reverse('responses:detail', args=[response.pk]))}\n"
        for address in rule.notify_emails:
            key = f"response:{response.pk}:rule:{rule.pk}:email:{address.lower()}"
            written += queue(
                OutboxMessage(
                    organisation_id=response.organisation_id,
                    key=key,
                    channel=Channel.EMAIL,
                    recipient=address,
                    subject=subject,
                    body=body,
                )
            )
        for webhook in rule.webhooks.all():
            if not webhook.active:
                continue
            payload = {
                "event": "response.alert",
                "text": subject,
                "rule": rule.name,
                "response": {
                    "id": response.pk,
                    "url": _link(reverse("responses:detail", args=[response.pk])),
                },
            }
            written += queue(
                OutboxMessage(
                    organisation_id=response.organisation_id,
                    key=f"response:{response.pk}:rule:{rule.pk}:webhook:{webhook.pk}",
                    channel=Channel.WEBHOOK,
                    webhook=webhook,
                    payload=payload,
                )
            )
    return written


def _case_body(case: Case) -> str:
    lines = [case.title, ""]
    lines.append(_("Priority: %(p)s") % {"p": case.get_priority_display()})
    if case.deadline_at:
        deadline = timezone.localtime(case.deadline_at).strftime("%d.%m.%Y %H:%M")
        lines.append(_("Deadline: %(d)s") % {"d": deadline})
    if case.sensitive:
        lines.append(_("Sensitive: the customer may be in grief, illness or crisis."))
    lines += ["", _link(reverse("loop:case", args=[case.pk]))]
    return "\n".join(lines) + "\n"


def _email(case: Case, key: str, address: str, subject: str, body: str) -> int:
    return queue(
        OutboxMessage(
            organisation_id=case.organisation_id,
            key=key[:200] if len(key) <= 200 else _hashed(key),
            channel=Channel.EMAIL,
            case=case,
            recipient=address,
            subject=subject[:300],
            body=body,
        )
    )


def _webhook(case: Case, webhook: Webhook, key: str, event: str) -> int:
    payload = {
        "event": event,
        "text": f"{case.get_priority_display()}: {case.title}",
        "case": {
            "id": case.pk,
            "title": case.title,
            "priority": case.priority,
            "state": case.state,
            "sensitive": case.sensitive,
            "team": case.team.name if case.team else None,
            "deadline_at": case.deadline_at.isoformat() if case.deadline_at else None,
            "url": _link(reverse("loop:case", args=[case.pk])),
        },
        "response": {"id": case.response_id},
    }
    return queue(
        OutboxMessage(
            organisation_id=case.organisation_id,
            key=key,
            channel=Channel.WEBHOOK,
            case=case,
            webhook=webhook,
            payload=payload,
        )
    )


def queue(message: OutboxMessage) -> int:
    """Write a message unless one with its key is there already; deliver after commit."""
    message.next_attempt_at = timezone.now()
    if OutboxMessage.objects.filter(key=message.key).exists():
        return 0
    try:
        with transaction.atomic():  # a savepoint: a writer racing us keeps its row
            message.save()
    except IntegrityError:
        return 0
    message_id = message.pk
    transaction.on_commit(lambda: dispatch(message_id))
    return 1


def dispatch(message_id: int) -> None:
    """Hand a committed message to delivery: a worker with a broker. Without one, a
    background thread: a respondent's thank-you page must not wait for a slow
    webhook (tests deliver inline, KAIKU_OUTBOX_INLINE). A thread lost with its
    process leaves the message pending; `kaiku run_loop` sends it."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        from kaiku.loop.tasks import deliver_message_task

        send(deliver_message_task, message_id)
    elif settings.KAIKU_OUTBOX_INLINE:
        delivery.deliver(message_id)
    else:
        threading.Thread(
            target=_deliver_in_background, args=(message_id,), daemon=True, name="kaiku-outbox"
        ).start()


def _deliver_in_background(message_id: int) -> None:
    try:
        delivery.deliver(message_id)
    finally:
        db.connections.close_all()


def _webhooks(rules: Iterable[AlertRule]) -> list[Webhook]:
    found: dict[int, Webhook] = {}
    for rule in rules:
        for webhook in rule.webhooks.all():
            if webhook.active:
                found[webhook.pk] = webhook
    return list(found.values())


def _emails(memberships: QuerySet[Membership]) -> list[str]:
    return [email for email in memberships.values_list("user__email", flat=True) if email]


def _link(path: str) -> str:
    return settings.KAIKU_BASE_URL.rstrip("/") + path


def _hashed(key: str) -> str:
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()
