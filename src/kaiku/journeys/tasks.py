"""Background tasks for service paths; each takes ids and calls one service."""

from celery import shared_task

from kaiku.journeys import services


@shared_task(name="journeys.build_journey_export", acks_late=True, max_retries=3)
def build_journey_export_task(export_id: int) -> None:
    services.build_journey_export(export_id=export_id)
