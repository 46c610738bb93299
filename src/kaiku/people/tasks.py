"""Background tasks for the employee pulse; each takes ids and calls one service."""

from celery import shared_task

from kaiku.people import services


@shared_task(name="people.analyse_pulse", acks_late=True)
def analyse_pulse_task(response_ids: list[int]) -> None:
    services.analyse_pulse(response_ids=response_ids)


@shared_task(name="people.analyse_lost_pulse")
def analyse_lost_pulse_task() -> None:
    services.analyse_lost_pulse()
