"""Background tasks for privacy."""

from celery import shared_task

from kaiku.privacy import retention


@shared_task(name="privacy.apply_retention")
def apply_retention_task() -> dict[str, dict[str, int]]:
    return retention.apply_all()
