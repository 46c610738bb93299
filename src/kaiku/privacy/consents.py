"""Consent records: written when a respondent gives or withdraws a consent, heard
through the signals of the places where that happens (a submitted response, the
invitation opt-out link, the "you said, we did" unsubscribe link)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaiku.invitations.signals import opted_out
from kaiku.loop.signals import changes_declined
from kaiku.privacy.models import ConsentChannel, ConsentKind, ConsentRecord
from kaiku.responses.models import Answer, Respondent, Response
from kaiku.responses.services import DO_NOT_CONTACT
from kaiku.responses.signals import response_submitted
from kaiku.surveys.models import CONSENT_KINDS, QuestionKind

KIND_OF_QUESTION = {
    QuestionKind.CONSENT_CONTACT: ConsentKind.CONTACT,
    QuestionKind.CONSENT_UPDATES: ConsentKind.UPDATES,
}
CHANNELS = set(ConsentChannel.values)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _in(language: str, message: str) -> str:
    # The page's own wording (the same msgid as its template), in the person's language.
    with translation.override(language or None):
        return _(message)


def record_from_response(*, response_id: int) -> list[ConsentRecord]:
    """The consents a response gave or withdrew: its consent answers, or, where the
    person asked not to be contacted (a sensitive service's form), both withdrawn.
    Safe to run again: a response's consents are recorded once."""
    response = (
        Response.objects.filter(pk=response_id, respondent__isnull=False)
        .only("organisation_id", "respondent_id", "source", "language", "metadata", "submitted_at")
        .first()
    )
    if response is None:
        return []  # anonymous: nobody to contact, nothing consented to
    assert response.respondent_id is not None
    common = {
        "organisation_id": response.organisation_id,
        "respondent_id": response.respondent_id,
        "at": response.submitted_at,
        "channel": response.source if response.source in CHANNELS else ConsentChannel.API,
        "language": response.language,
        "response_id": response.pk,
    }
    records = []
    if (response.metadata or {}).get(DO_NOT_CONTACT):
        text = _in(response.language, "Please do not contact me about my answers.")
        records = [
            ConsentRecord(**common, kind=kind, given=False, text=text, text_sha256=_sha256(text))
            for kind in (ConsentKind.CONTACT, ConsentKind.UPDATES)
        ]
    else:
        answers = Answer.objects.filter(response_id=response.pk, kind__in=CONSENT_KINDS)
        for answer in answers.select_related("question__survey"):
            text = answer.question.label(response.language)
            records.append(
                ConsentRecord(
                    **common,
                    kind=KIND_OF_QUESTION[QuestionKind(answer.kind)],
                    given=bool(answer.number),
                    text=text,
                    text_sha256=_sha256(text),
                    question_id=answer.question_id,
                )
            )
    return ConsentRecord.objects.bulk_create(records, ignore_conflicts=True)


def record_withdrawal(
    *, respondent_id: int, kind: str, channel: str, language: str, text: str
) -> ConsentRecord | None:
    """A consent withdrawn outside a response (an opt-out or unsubscribe link)."""
    respondent = Respondent.objects.filter(pk=respondent_id).only("organisation_id").first()
    if respondent is None:
        return None
    return ConsentRecord.objects.create(
        organisation_id=respondent.organisation_id,
        respondent_id=respondent_id,
        kind=kind,
        given=False,
        at=timezone.now(),
        channel=channel,
        language=language,
        text=text,
        text_sha256=_sha256(text),
    )


# Receivers ----------------------------------------------------------------------


def submitted(sender: Any, response_id: int, **kwargs: Any) -> None:
    record_from_response(response_id=response_id)


def invitations_stopped(sender: Any, respondent_id: int, language: str, **kwargs: Any) -> None:
    record_withdrawal(
        respondent_id=respondent_id,
        kind=ConsentKind.INVITATIONS,
        channel=ConsentChannel.OPT_OUT,
        language=language,
        text=_in(language, "Do you want to stop receiving survey invitations from us?"),
    )


def changes_stopped(sender: Any, respondent_id: int, language: str, **kwargs: Any) -> None:
    record_withdrawal(
        respondent_id=respondent_id,
        kind=ConsentKind.UPDATES,
        channel=ConsentChannel.UNSUBSCRIBE,
        language=language,
        text=_in(
            language,
            "You agreed to hear what was changed because of your feedback. Do you want "
            "to stop these messages?",
        ),
    )


def connect() -> None:
    response_submitted.connect(submitted, dispatch_uid="privacy.submitted")
    opted_out.connect(invitations_stopped, dispatch_uid="privacy.opted_out")
    changes_declined.connect(changes_stopped, dispatch_uid="privacy.changes_declined")
