"""Where the dashboards hear that responses changed: an import saved many, comments
were analysed, a person corrected an analysis, or a response is about to be deleted."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save, pre_delete

from kaiku.analytics import services
from kaiku.responses.models import Response
from kaiku.responses.signals import responses_imported
from kaiku.textanalysis.models import Correction
from kaiku.textanalysis.signals import answers_analysed


def analysed(sender: Any, analyses: list, **kwargs: Any) -> None:
    services.refresh_facts(response_ids=sorted({a.response_id for a in analyses}))


def corrected(sender: Any, instance: Correction, **kwargs: Any) -> None:
    response_id = instance.answer.response_id
    transaction.on_commit(lambda: services.refresh_facts(response_ids=[response_id]))


def deleting(sender: Any, instance: Response, **kwargs: Any) -> None:
    services.forget_response(response_id=instance.pk)


def imported(sender: Any, **kwargs: Any) -> None:
    # After the commit and the analysis queued with it: an import of a million rows
    # should not leave its roll-up to the first person who opens a dashboard.
    transaction.on_commit(services.roll_up_new_responses)


def connect() -> None:
    responses_imported.connect(imported, dispatch_uid="analytics.imported")
    answers_analysed.connect(analysed, dispatch_uid="analytics.analysed")
    post_save.connect(corrected, sender=Correction, dispatch_uid="analytics.corrected")
    pre_delete.connect(deleting, sender=Response, dispatch_uid="analytics.deleting")
