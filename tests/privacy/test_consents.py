"""Consent records: from the public form, the invitation link (with "do not contact
me" in a sensitive service), the opt-out link and the unsubscribe link."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from kaiku.invitations.models import Invitation, InvitationRound
from kaiku.loop import announcements
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Role
from kaiku.privacy import consents, services
from kaiku.privacy.models import ConsentRecord
from kaiku.responses.models import Contact, Respondent, Response
from kaiku.surveys import services as surveys
from tests.factories import make_organisation, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_people(settings: Any) -> None:
    settings.KAIKU_MIN_FILL_SECONDS = 0
    cache.clear()


def _form(client: Client, path: str) -> dict[str, str]:
    html = client.get(path).content.decode()
    return dict(re.findall(r'name="(started|csrfmiddlewaretoken)" value="([^"]+)"', html))


def _consent_questions() -> list[surveys.QuestionSpec]:
    return [
        surveys.QuestionSpec(kind="csat", key="csat", text={"fi": "Olitko tyytyväinen?"}),
        surveys.QuestionSpec(
            kind="consent_contact",
            key="contact_ok",
            text={"fi": "Saammeko ottaa yhteyttä?", "sv": "Får vi kontakta dig?"},
        ),
        surveys.QuestionSpec(
            kind="consent_updates",
            key="updates_ok",
            text={"fi": "Saammeko kertoa muutoksista?", "sv": "Får vi berätta om ändringar?"},
        ),
    ]


def test_the_public_form_records_each_consent_with_its_words(
    django_capture_on_commit_callbacks: Any,
) -> None:
    organisation, _ = make_organisation()
    survey = make_survey(organisation, questions=_consent_questions())
    client = Client()
    path = f"/s/{survey.public_token}/?lang=sv"
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            path,
            {
                **_form(client, path),
                "q_csat": "4",
                "q_contact_ok": "yes",
                "q_updates_ok": "no",
                "contact_email": "kund@example.org",
            },
        )
    assert answer.status_code == 302
    records = {r.kind: r for r in ConsentRecord.objects.all()}
    assert set(records) == {"contact", "updates"}
    contact, updates = records["contact"], records["updates"]
    assert (contact.given, updates.given) == (True, False)
    assert contact.channel == "web" and contact.language == "sv"
    assert contact.text == "Får vi kontakta dig?"
    assert contact.text_sha256 == hashlib.sha256("Får vi kontakta dig?".encode()).hexdigest()
    response = Response.objects.get()
    assert contact.response == response and contact.respondent_id == response.respondent_id
    assert contact.at == response.submitted_at


def test_a_response_is_recorded_once_however_often_its_signal_comes(
    django_capture_on_commit_callbacks: Any,
) -> None:
    organisation, _ = make_organisation()
    survey = make_survey(organisation, questions=_consent_questions())
    client = Client()
    path = f"/s/{survey.public_token}/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            path,
            {**_form(client, path), "q_contact_ok": "yes", "contact_email": "a@example.org"},
        )
    response = Response.objects.get()
    consents.record_from_response(response_id=response.pk)
    assert ConsentRecord.objects.count() == 1


def test_an_anonymous_answer_records_no_consent(django_capture_on_commit_callbacks: Any) -> None:
    organisation, _ = make_organisation()
    survey = make_survey(organisation, questions=_consent_questions())
    client = Client()
    path = f"/s/{survey.public_token}/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path, {**_form(client, path), "q_csat": "5", "q_contact_ok": "yes"})
    assert Response.objects.count() == 1 and ConsentRecord.objects.count() == 0


def _invitation(survey: Any, email: str = "omainen@example.org") -> Invitation:
    respondent = Respondent.objects.create(organisation=survey.organisation)
    Contact.objects.create(respondent=respondent, email=email, may_tell_changes=True)
    invitation_round = InvitationRound.objects.create(
        organisation=survey.organisation,
        survey=survey,
        name="Syksy",
        scheduled_at=survey.created_at,
    )
    return Invitation.objects.create(round=invitation_round, respondent=respondent, language="fi")


def test_do_not_contact_in_a_sensitive_service_withdraws_both_consents(
    django_capture_on_commit_callbacks: Any,
) -> None:
    organisation, _ = make_organisation()
    survey = make_survey(organisation, sensitive=True, questions=_consent_questions())
    invitation = _invitation(survey)
    client = Client()
    path = f"/i/{invitation.token}/"
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            path, {**_form(client, path), "q_contact_ok": "yes", "do_not_contact": "yes"}
        )
    assert answer.status_code == 302
    records = list(ConsentRecord.objects.order_by("kind"))
    assert [(r.kind, r.given, r.channel) for r in records] == [
        ("contact", False, "email"),
        ("updates", False, "email"),
    ]
    # The words of the form's checkbox, in the language the person answered in.
    assert records[0].text == "Älä ota minuun yhteyttä vastausteni vuoksi."


def test_the_opt_out_link_records_a_withdrawal_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    organisation, _ = make_organisation()
    invitation = _invitation(make_survey(organisation))
    client = Client()
    path = f"/o/{invitation.token}/"
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(path, _form(client, path)).status_code == 200
    [record] = ConsentRecord.objects.all()
    assert (record.kind, record.given, record.channel) == ("invitations", False, "opt_out")
    assert record.text == "Haluatko, ettemme enää lähetä sinulle kyselykutsuja?"
    assert record.language == "fi" and record.response is None


def test_the_unsubscribe_link_records_a_withdrawal(django_capture_on_commit_callbacks: Any) -> None:
    organisation, _ = make_organisation()
    invitation = _invitation(make_survey(organisation))
    contact = Contact.objects.get(respondent=invitation.respondent)
    token = announcements.unsubscribe_link(contact).rstrip("/").rsplit("/", 1)[-1]
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(f"/u/{token}/", HTTP_ACCEPT_LANGUAGE="en")
        fields = dict(
            re.findall(r'name="(csrfmiddlewaretoken)" value="([^"]+)"', page.content.decode())
        )
        assert client.post(f"/u/{token}/", fields, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    [record] = ConsentRecord.objects.all()
    assert (record.kind, record.given, record.channel) == ("updates", False, "unsubscribe")
    assert record.text.startswith("You agreed to hear what was changed")


def test_erasure_removes_the_consent_records_and_keeps_their_count(
    django_capture_on_commit_callbacks: Any,
) -> None:
    organisation, owner = make_organisation()
    invitation = _invitation(make_survey(organisation))
    client = Client()
    path = f"/o/{invitation.token}/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path, _form(client, path))
    actor = Actor(organisation=organisation, role=Role.OWNER, user=owner)
    outcome = services.erase(actor=actor, identifier="omainen@example.org")
    assert outcome.counts["consent_records"] == 1
    assert ConsentRecord.objects.count() == 0
    assert outcome.request.counts["consent_records"] == 1
