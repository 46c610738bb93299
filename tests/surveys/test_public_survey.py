"""The survey behind a public link, kept per process between respondents' requests."""

from __future__ import annotations

import pytest

from kaiku.surveys import services
from kaiku.surveys.selectors import public_survey
from tests.factories import make_organisation, make_survey, owner_actor

pytestmark = pytest.mark.django_db


def test_a_change_to_one_request_s_survey_does_not_reach_the_next() -> None:
    organisation, _ = make_organisation()
    token = make_survey(organisation).public_token
    first = public_survey(token)
    first.title["fi"] = "Muutettu"
    first.languages.append("de")
    again = public_survey(token)
    assert again.title["fi"] == "Miten onnistuimme?"
    assert again.languages == ["fi", "sv", "en"]


def test_an_edited_survey_is_read_afresh() -> None:
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    assert public_survey(survey.public_token).title["fi"] == "Miten onnistuimme?"
    services.update_survey(
        actor=owner_actor(organisation), survey=survey, title={"fi": "Uusi otsikko"}
    )
    assert public_survey(survey.public_token).title["fi"] == "Uusi otsikko"
