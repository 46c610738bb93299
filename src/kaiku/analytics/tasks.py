from celery import shared_task

from kaiku.analytics import services


@shared_task(name="analytics.roll_up_new_responses", acks_late=True)
def roll_up_new_responses_task() -> None:
    services.roll_up_new_responses()
