""" "You said, we did": telling the customers whose feedback led to an action what
changed.

Recipients are the respondents whose feedback, given before the action was done,
was about one of its touchpoints or themes, who agreed to hear of changes, and who
have an e-mail address. Nobody whose feedback opened a sensitive case gets an
automated message. Each person gets one message per action however often it is
sent (the outbox key), in the language they answered in, with a link that stops
these messages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaiku.loop.models import Action, ActionState, Announcement, Case, Channel, OutboxMessage
from kaiku.loop.outbox import queue
from kaiku.loop.signals import changes_declined
from kaiku.organisations.actors import Actor
from kaiku.responses.models import Contact, Response

LANGUAGES = ("fi", "sv", "en")
SALT = "kaiku.loop.changes"
# What a person starts from; `{title}` is the action's title.
DEFAULTS = {
    "fi": (
        "Palautteesi auttoi: {title}",
        "Hei,\n\nkerroit meille kokemuksestasi. Palautteen perusteella olemme tehneet "
        "muutoksen: {title}.\n\nKiitos, että autoit meitä parantamaan palvelua.",
    ),
    "sv": (
        "Din respons hjälpte: {title}",
        "Hej,\n\ndu berättade om din upplevelse. Utifrån responsen har vi gjort en "
        "förändring: {title}.\n\nTack för att du hjälpte oss att förbättra servicen.",
    ),
    "en": (
        "Your feedback helped: {title}",
        "Hello,\n\nyou told us about your experience. Because of that feedback we have "
        "made a change: {title}.\n\nThank you for helping us improve the service.",
    ),
}


@dataclass
class Recipient:
    contact: Contact
    language: str


def _matching(action: Action) -> QuerySet[Response]:
    touchpoints = list(action.touchpoints.values_list("pk", flat=True))
    match = Q(touchpoint_id__in=touchpoints)
    if action.themes:
        match |= Q(text_analyses__theme_rows__key__in=action.themes)
    responses = Response.objects.filter(organisation_id=action.organisation_id).filter(match)
    if action.done_on is not None:
        responses = responses.filter(submitted_at__date__lte=action.done_on)
    return responses.filter(respondent__isnull=False)


def recipients(action: Action) -> list[Recipient]:
    matching = _matching(action)
    sensitive = Case.objects.filter(organisation_id=action.organisation_id, sensitive=True).values(
        "response__respondent_id"
    )
    contacts = (
        Contact.objects.filter(
            respondent_id__in=matching.values("respondent_id"), may_tell_changes=True
        )
        .exclude(email="")
        .exclude(respondent_id__in=sensitive)
        .order_by("respondent_id")
    )
    languages = dict(
        matching.order_by("respondent_id", "submitted_at").values_list("respondent_id", "language")
    )  # the latest answer's language wins, being last
    return [
        Recipient(
            c,
            languages.get(c.respondent_id, "fi")
            if languages.get(c.respondent_id) in LANGUAGES
            else "fi",
        )
        for c in contacts
    ]


def preview(action: Action) -> dict[str, int]:
    """How many would get the message, per language."""
    counts = dict.fromkeys(LANGUAGES, 0)
    for recipient in recipients(action):
        counts[recipient.language] += 1
    return counts


def defaults(action: Action) -> dict[str, tuple[str, str]]:
    return {
        lang: (subject.format(title=action.title), body.format(title=action.title))
        for lang, (subject, body) in DEFAULTS.items()
    }


@transaction.atomic
def send(
    *, actor: Actor, action: Action, subject: dict[str, str], body: dict[str, str]
) -> Announcement:
    """Compose the announcement and put one message per recipient in the outbox."""
    if action.state != ActionState.DONE:
        raise ValidationError({"action": _("Tell customers only of an action that is done.")})
    errors = {
        f"{part}_{lang}": [_("Write the text in every language.")]
        for part, texts in (("subject", subject), ("body", body))
        for lang in LANGUAGES
        if not (texts.get(lang) or "").strip()
    }
    if errors:
        raise ValidationError(errors)
    announcement = Announcement.objects.create(
        organisation_id=action.organisation_id,
        action=action,
        subject={k: v.strip()[:300] for k, v in subject.items()},
        body={k: v.strip()[:8000] for k, v in body.items()},
        sent_by=actor.user,
        sent_at=timezone.now(),
    )
    written = 0
    for recipient in recipients(action):
        link = unsubscribe_link(recipient.contact)
        text = announcement.body[recipient.language]
        footer = {
            "fi": "Et halua enää näitä viestejä? {link}",
            "sv": "Vill du inte längre få dessa meddelanden? {link}",
            "en": "Rather not hear of changes? {link}",
        }[recipient.language].format(link=link)
        written += queue(
            OutboxMessage(
                organisation_id=action.organisation_id,
                key=f"action:{action.pk}:changes:respondent:{recipient.contact.respondent_id}",
                channel=Channel.EMAIL,
                announcement=announcement,
                recipient=recipient.contact.email,
                subject=announcement.subject[recipient.language],
                body=f"{text}\n\n--\n{footer}\n",
                payload={"headers": {"List-Unsubscribe": f"<{link}>"}},
            )
        )
    announcement.recipients = written
    announcement.save(update_fields=["recipients"])
    return announcement


def unsubscribe_link(contact: Contact) -> str:
    token = signing.dumps({"r": contact.respondent_id}, salt=SALT)
    return settings.KAIKU_BASE_URL.rstrip("/") + reverse("loop_unsubscribe", args=[token])


def unsubscribe(token: str) -> bool:
    """Stop "you said, we did" messages to the person the token names."""
    try:
        respondent_id = signing.loads(token, salt=SALT)["r"]
    except (signing.BadSignature, KeyError, TypeError):
        return False
    changed = Contact.objects.filter(respondent_id=respondent_id, may_tell_changes=True).update(
        may_tell_changes=False
    )
    if changed:
        language = translation.get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(
            lambda: changes_declined.send(
                sender=Contact, respondent_id=respondent_id, language=language
            )
        )
    return True
