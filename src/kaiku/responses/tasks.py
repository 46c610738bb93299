"""Background tasks for responses; each takes ids and calls one service."""

from celery import shared_task

from kaiku.responses import import_jobs, services


@shared_task(name="responses.analyse_response", acks_late=True)
def analyse_response_task(response_id: int) -> None:
    services.mark_awaiting_analysis(response_ids=[response_id])


@shared_task(name="responses.analyse_responses", acks_late=True)
def analyse_responses_task(response_ids: list[int]) -> None:
    services.mark_awaiting_analysis(response_ids=response_ids)


@shared_task(name="responses.run_import", acks_late=True)
def run_import_task(job_id: int) -> None:
    import_jobs.run_import(job_id=job_id)
