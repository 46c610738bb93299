"""A subject-access export holds everything about the person, as JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import pytest

from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Role
from kaiku.privacy import exports, services
from tests.privacy.helpers import Person, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(django_capture_on_commit_callbacks: Any) -> Person:
    return make_person(django_capture_on_commit_callbacks)


def _document(person: Person) -> dict[str, Any]:
    actor = Actor(organisation=person.organisation, role=Role.ADMIN, user=person.admin)
    outcome = services.export(actor=actor, identifier=person.email)
    assert outcome.document is not None
    return outcome.document


def test_the_export_holds_contact_consents_answers_analysis_invitations_and_cases(
    person: Person,
) -> None:
    document = _document(person)
    [found] = document["people"]
    assert found["pseudonym"] == str(person.respondent.pseudonym)
    assert found["external_ref"] == person.ref
    assert found["contact"]["email"] == person.email
    assert found["contact"]["phone"] == person.phone and found["contact"]["may_contact"]
    [consent] = found["consents"]
    assert consent["kind"] == "contact" and consent["given"] is True
    assert consent["text"] == "Saammeko ottaa yhteyttä?" and len(consent["text_sha256"]) == 64
    [response] = found["responses"]
    answers = {a["question"]: a for a in response["answers"]}
    assert answers["nps"]["number"] == 2
    assert person.marker in answers["what_happened"]["text"]
    assert answers["what_happened"]["analysis"]["polarity"]
    assert person.marker in answers["what_happened"]["analysis"]["text"]
    assert response["metadata"]["crm_note"].endswith(person.marker)
    [invitation] = found["invitations"]
    assert invitation["round"] == "Kevät" and "token" not in invitation
    [case] = found["cases"]
    assert case["resolution"].endswith(person.marker)
    assert any(person.marker in event["text"] for event in case["events"])
    assert "actor" not in json.dumps(case["events"])  # staff are not the subject
    [message] = found["messages"]
    assert person.marker in message["body"]


def test_the_zip_has_the_json_and_csv_tables(person: Person) -> None:
    document = _document(person)
    archive = zipfile.ZipFile(io.BytesIO(exports.as_zip(document)))
    assert set(archive.namelist()) == {
        "subject.json",
        "answers.csv",
        "consents.csv",
        "cases.csv",
        "invitations.csv",
    }
    assert json.loads(archive.read("subject.json"))["people"][0]["contact"]["email"] == person.email
    answers = list(csv.DictReader(io.StringIO(archive.read("answers.csv").decode("utf-8-sig"))))
    text = next(row for row in answers if row["question"] == "what_happened")
    assert person.marker in text["text"]
    cases = archive.read("cases.csv").decode("utf-8-sig")
    assert "resolution" in cases and person.marker in cases


def test_an_export_is_logged_without_the_identifier(person: Person) -> None:
    from kaiku.audit.models import AuditEntry
    from kaiku.privacy.models import DataSubjectRequest

    _document(person)
    request = DataSubjectRequest.objects.get(kind="export")
    assert request.counts == {"responses": 1, "consent_records": 1, "cases": 1}
    entry = AuditEntry.objects.get(action="privacy.export")
    assert person.email not in json.dumps(entry.after) + entry.object_repr
