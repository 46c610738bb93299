"""Background tasks for text analysis; each takes ids and calls one service."""

from celery import shared_task

from kaiku.textanalysis import services


@shared_task(name="textanalysis.analyse_responses", acks_late=True)
def analyse_responses_task(response_ids: list[int]) -> None:
    services.analyse_responses(response_ids=response_ids)
