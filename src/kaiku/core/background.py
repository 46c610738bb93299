"""Sending background work to Celery so that a broker outage loses nothing.

Work that a task will do is first recorded in the database (an answer waiting for its
analysis, an outbox message, a queued import); the task only says "do it now". So a
message that cannot be sent (Redis down) or that is lost (Redis restarted without its
data, a worker killed holding it) costs time, not the work: `send` logs the failure
instead of failing the request that saved the work, and a scheduled sweep finds
what waited too long with `lost_work` and sends it again.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction
from django.db.models import Max, QuerySet
from kombu.exceptions import ChannelError, OperationalError

from kaiku.core.models import SweepMark

logger = logging.getLogger(__name__)


def send(task: Task, *args: Any) -> bool:
    """Queue the task; False, logged, when the broker cannot be reached. In the embedded
    setup (no broker) the task runs here and now, and its errors are raised."""
    try:
        task.delay(*args)
    except OperationalError:
        logger.warning(
            "Could not queue %s: the broker is unreachable; a sweep will send it again",
            task.name,
            exc_info=True,
        )
        return False
    return True


def send_after_commit(task: Task, *args: Any) -> None:
    """Queue the task once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send(task, *args))


def lost_work(name: str, waiting: QuerySet[Any], limit: int = 50_000) -> list[int]:
    """Ids of the work in `waiting` that was waiting at this sweep's previous run
    already, if the broker's queue is empty now: with nothing queued ahead of it, its
    task was lost. Work newer than the previous run may still be on its way (a task
    being sent, or held by a worker) and waits for the next run; while the queue holds
    messages the work may be behind them, and nothing is resent.

    Sweeps run every settings.KAIKU_SWEEP_SECONDS: lost work is sent again within two."""
    with transaction.atomic():
        mark, _created = SweepMark.objects.select_for_update().get_or_create(name=name)
        previous = mark.last_id
        mark.last_id = waiting.aggregate(newest=Max("pk"))["newest"] or 0
        mark.save()
    if not previous or queued_messages() > 0:
        return []
    return list(
        waiting.filter(pk__lte=previous).order_by("pk").values_list("pk", flat=True)[:limit]
    )


def queued_messages() -> int:
    """Messages waiting in the default queue (not those a worker holds)."""
    from kaiku.celery import app

    if app.conf.task_always_eager:
        return 0
    queue = app.conf.task_default_queue
    with app.connection_for_read() as connection:
        channel: Any = connection.default_channel  # kombu's types lack queue_declare
        try:
            return int(channel.queue_declare(queue, passive=True).message_count)
        except ChannelError:  # Redis drops an empty queue's key: nothing is waiting
            return 0
