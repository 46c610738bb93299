"""Background tasks for text analysis; each takes ids and calls one service."""

from celery import shared_task

from kaiku.textanalysis import services


@shared_task(name="textanalysis.analyse_responses", acks_late=True)
def analyse_responses_task(response_ids: list[int]) -> None:
    services.analyse_responses(response_ids=response_ids)


@shared_task(name="textanalysis.analyse_answers", acks_late=True)
def analyse_answers_task(answer_ids: list[int]) -> None:
    services.analyse_answers(answer_ids=answer_ids)


@shared_task(name="textanalysis.analyse_lost")
def analyse_lost_task() -> None:
    services.analyse_lost()


@shared_task(name="textanalysis.adapt_organisation", acks_late=True)
def adapt_organisation_task(organisation_id: int) -> None:
    from kaiku.organisations.models import Organisation

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is not None:
        services.adapt_organisation_model(organisation=organisation)
