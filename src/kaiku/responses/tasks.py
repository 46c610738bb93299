"""Background tasks for responses; each takes ids and calls one service."""

from celery import shared_task

from kaiku.responses import import_jobs


@shared_task(name="responses.run_import", acks_late=True)
def run_import_task(job_id: int) -> None:
    import_jobs.run_import(job_id=job_id)
