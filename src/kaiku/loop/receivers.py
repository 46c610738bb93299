"""Where the loop hears of responses: comments analysed, or a response saved that
has none to wait for."""

from __future__ import annotations

from typing import Any

from kaiku.core.background import send, send_after_commit
from kaiku.loop.alerts import has_rules
from kaiku.responses.signals import response_submitted
from kaiku.textanalysis.signals import answers_analysed


def analysed(sender: Any, analyses: list, **kwargs: Any) -> None:
    from kaiku.loop.tasks import check_responses_task

    # Without rules only a comment telling of self-harm opens a case: an organisation
    # with no rules is spared a check of every other response.
    rules = {org: has_rules(org) for org in {a.organisation_id for a in analyses}}
    ids = sorted({a.response_id for a in analyses if a.urgent or rules[a.organisation_id]})
    if ids:
        send_after_commit(check_responses_task, ids)


def submitted(
    sender: Any, response_id: int, organisation_id: int, with_text: bool, **kwargs: Any
) -> None:
    # A response with comments is checked when they are analysed; one without can
    # meet only a rule, and most organisations' rules are few and rarely change.
    if with_text or not has_rules(organisation_id):
        return
    from kaiku.loop.tasks import check_responses_task

    send(check_responses_task, [response_id])


def connect() -> None:
    answers_analysed.connect(analysed, dispatch_uid="loop.analysed")
    response_submitted.connect(submitted, dispatch_uid="loop.submitted")
