"""Finding a person: by e-mail, phone in any common spelling, pseudonym, external
reference or invitation token, within the active organisation only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Role
from kaiku.privacy import identifiers, services
from kaiku.privacy.models import DataSubjectRequest
from tests.factories import make_organisation
from tests.privacy.helpers import Person, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(django_capture_on_commit_callbacks: Any) -> Person:
    return make_person(django_capture_on_commit_callbacks)


def _find(person: Person, value: str, kind: str = "auto") -> list[int]:
    actor = Actor(organisation=person.organisation, role=Role.ADMIN, user=person.admin)
    return services.find(actor=actor, identifier=value, identifier_type=kind).respondent_ids


def test_found_by_email_whatever_its_case(person: Person) -> None:
    assert _find(person, person.email) == [person.respondent.pk]
    assert _find(person, f"  {person.email.upper()} ") == [person.respondent.pk]


@pytest.mark.parametrize(
    "spelling",
    ["040 123 4567", "0401234567", "+358 40 123 4567", "+358401234567", "(040) 123-4567"],
)
def test_found_by_phone_in_any_common_spelling(
    django_capture_on_commit_callbacks: Any, spelling: str
) -> None:
    person = make_person(django_capture_on_commit_callbacks, phone="040-1234567")
    assert _find(person, spelling, "phone") == [person.respondent.pk]
    assert _find(person, spelling) == [person.respondent.pk]


def test_found_by_pseudonym_reference_and_invitation_token(person: Person) -> None:
    expected = [person.respondent.pk]
    assert _find(person, str(person.respondent.pseudonym)) == expected
    assert _find(person, person.ref) == expected
    assert _find(person, person.ref, "respondent") == expected
    assert _find(person, person.invitation.token) == expected
    assert _find(person, person.invitation.token, "token") == expected


def test_a_person_of_another_organisation_is_not_found(person: Person) -> None:
    other, owner = make_organisation()
    actor = Actor(organisation=other, role=Role.OWNER, user=owner)
    for value in (person.email, person.phone, person.ref, person.invitation.token):
        assert services.find(actor=actor, identifier=value).respondent_ids == []
    assert services.find(actor=actor, identifier=person.email).request.status == "nothing_found"


def test_the_request_log_keeps_no_identifier_in_clear(person: Person) -> None:
    _find(person, person.email)
    request = DataSubjectRequest.objects.get()
    stored = " ".join(str(v) for v in vars(request).values())
    assert person.email not in stored and request.identifier_type == "email"
    # The same identifier gives the same digest; another organisation's would differ.
    assert request.identifier_digest == identifiers.digest(
        person.organisation.pk, identifiers.parse(person.email.upper())
    )
    assert request.identifier_digest != identifiers.digest(
        person.organisation.pk + 1, identifiers.parse(person.email)
    )


@pytest.mark.parametrize(
    ("value", "kind"), [("", "auto"), ("not-an-address@", "email"), ("12", "phone")]
)
def test_a_bad_identifier_is_refused(person: Person, value: str, kind: str) -> None:
    with pytest.raises(ValidationError):
        _find(person, value, kind)
