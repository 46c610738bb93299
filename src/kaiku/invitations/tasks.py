"""Background tasks for invitations."""

from celery import shared_task

from kaiku.invitations import services


@shared_task(name="invitations.send_due")
def send_due_invitations_task() -> dict[str, int]:
    return services.send_due_invitations()
