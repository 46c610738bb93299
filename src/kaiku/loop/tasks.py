"""Background tasks of the loop: check responses against the alert rules, deliver
the outbox, and escalate cases whose deadline passed. Each takes ids or nothing and
is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from kaiku.loop import alerts, delivery, services


@shared_task(name="loop.check_responses")
def check_responses_task(response_ids: list[int]) -> int:
    return len(alerts.check_responses(response_ids=response_ids))


@shared_task(name="loop.check_new_responses")
def check_new_responses_task() -> int:
    return services.check_new_responses()


@shared_task(name="loop.deliver_message")
def deliver_message_task(message_id: int) -> str:
    return delivery.deliver(message_id)


@shared_task(name="loop.deliver_due")
def deliver_due_messages_task() -> int:
    return delivery.deliver_due()


@shared_task(name="loop.escalate_overdue")
def escalate_overdue_cases_task() -> int:
    return services.escalate_overdue()
