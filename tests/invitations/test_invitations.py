"""E-mail invitations sent to a real local SMTP server (aiosmtpd): personal links
answered once, one reminder, opt-out and the contact-frequency cap."""

from __future__ import annotations

import io
import re
import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from kaiku.invitations import services
from kaiku.invitations.models import Invitation, InvitationStatus
from kaiku.responses.models import Response
from tests.factories import make_organisation, make_survey, owner_actor

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def inbox(settings: Any) -> Iterator[Inbox]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.KAIKU_BASE_URL = "http://testserver"
    settings.KAIKU_MIN_FILL_SECONDS = 0
    cache.clear()
    try:
        yield handler
    finally:
        controller.stop()


def _round(survey, csv_text: str, **options: Any):  # type: ignore[no-untyped-def]
    contacts, errors = services.read_contacts(io.BytesIO(csv_text.encode()))
    invitation_round, report = services.create_round(
        actor=owner_actor(survey.organisation),
        survey=survey,
        name="Marraskuu",
        contacts=contacts,
        **options,
    )
    return invitation_round, report, errors


def _link(message: Message, kind: str) -> str:
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    return re.search(rf"http://testserver(/{kind}/[\w-]+/)", body).group(1)  # type: ignore[union-attr]


def _answer(client: Client, path: str, nps: str = "9") -> Any:
    html = client.get(path).content.decode()
    fields = dict(re.findall(r'name="(started|csrfmiddlewaretoken)" value="([^"]+)"', html))
    return client.post(path, {**fields, "q_nps": nps})


def test_invitation_is_delivered_and_its_link_answers_once(
    inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    with django_capture_on_commit_callbacks(execute=True):
        _round(
            survey, "email,name,language\nmaija@example.org,Maija,fi\nsven@example.org,Sven,sv\n"
        )
    assert len(inbox.messages) == 2
    to_maija = next(m for m in inbox.messages if m["To"] == "maija@example.org")
    assert "Miten onnistuimme?" in to_maija["Subject"]
    assert to_maija["List-Unsubscribe"].startswith("<http://testserver/o/")
    to_sven = next(m for m in inbox.messages if m["To"] == "sven@example.org")
    assert "Hur lyckades vi?" in to_sven["Subject"]

    client = Client()
    path = _link(to_maija, "i")
    first = _answer(client, path)
    assert first.status_code == 302
    response = Response.objects.get()
    assert response.source == "email" and response.respondent.contact.email == "maija@example.org"  # type: ignore[union-attr]
    assert Invitation.objects.get(response=response).respondent == response.respondent
    second = client.get(path)
    assert second.status_code == 410
    again = client.post(path, {"q_nps": "1"})
    assert again.status_code == 410 and Response.objects.count() == 1


def test_the_subject_is_the_survey_title_as_written_not_html_escaped(
    inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    organisation, _ = make_organisation()
    title = "Q&A: <palaute> \"heti\" 'nyt'"
    survey = make_survey(
        organisation, title={"fi": title, "sv": "Hur lyckades vi?", "en": "How did we do?"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        _round(survey, "email,name,language\nmaija@example.org,Maija,fi\n")
    assert inbox.messages[0]["Subject"] == title


def test_one_reminder_to_those_who_have_not_answered(inbox: Inbox) -> None:
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    _round(survey, "email\na@example.org\nb@example.org\n", reminder_after_days=3)
    services.send_due_invitations()
    answered = Invitation.objects.get(respondent__contact__email="a@example.org")
    _answer(Client(), f"/i/{answered.token}/")
    inbox.messages.clear()
    later = timezone.now() + timedelta(days=4)
    assert services.send_due_invitations(now=later)["reminded"] == 1
    assert [m["To"] for m in inbox.messages] == ["b@example.org"]
    assert inbox.messages[0]["Subject"].startswith("Muistutus")
    assert services.send_due_invitations(now=later + timedelta(days=5))["reminded"] == 0


def test_opt_out_stops_future_invitations(inbox: Inbox) -> None:
    from kaiku.responses.models import Contact

    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    _round(survey, "email\nc@example.org\n")
    services.send_due_invitations()
    path = _link(inbox.messages[0], "o")
    client = Client()
    page = client.get(path).content.decode()
    assert Contact.objects.get(email="c@example.org").opted_out_at is None  # a GET changes nothing
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert client.post(path, {"csrfmiddlewaretoken": token}).status_code == 200
    assert Contact.objects.get(email="c@example.org").opted_out_at is not None
    _r, report, _e = _round(make_survey(organisation), "email\nc@example.org\n")
    assert (report.invited, report.skipped) == (0, 1)
    skipped = Invitation.objects.get(status=InvitationStatus.SKIPPED)
    assert skipped.reason == "opted_out"


def test_a_person_is_invited_at_most_once_in_thirty_days(inbox: Inbox) -> None:
    organisation, _ = make_organisation()
    _round(make_survey(organisation), "email\nd@example.org\n")
    _r, soon, _e = _round(make_survey(organisation), "email\nd@example.org\n")
    assert (soon.invited, soon.skipped) == (0, 1)
    _r, later, _e = _round(
        make_survey(organisation),
        "email\nd@example.org\n",
        scheduled_at=timezone.now() + timedelta(days=31),
    )
    assert later.invited == 1


def test_bad_contact_rows_are_reported_with_row_numbers() -> None:
    contacts, errors = services.read_contacts(
        io.BytesIO(b"Email;Name\nok@example.org;A\nnot-an-address;B\n\n")
    )
    assert [c.email for c in contacts] == ["ok@example.org"]
    assert errors[0][:2] == (3, "email")


def test_scheduled_round_waits_for_its_time(inbox: Inbox) -> None:
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    _round(survey, "email\ne@example.org\n", scheduled_at=timezone.now() + timedelta(hours=2))
    assert services.send_due_invitations()["sent"] == 0 and inbox.messages == []
    assert services.send_due_invitations(now=timezone.now() + timedelta(hours=3))["sent"] == 1


def test_unreachable_smtp_marks_the_invitation_failed_for_a_retry(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    organisation, _ = make_organisation()
    _round(make_survey(organisation), "email\nf@example.org\n")
    assert services.send_due_invitations()["failed"] == 1
    invitation = Invitation.objects.get()
    assert invitation.status == InvitationStatus.FAILED and invitation.attempts == 1
