"""Sensitive-service mode: what it refuses, what the respondent sees, and how its
feedback is followed up."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client

from kaiku.journeys import services as journeys
from kaiku.loop import alerts
from kaiku.loop import services as loop_services
from kaiku.organisations.models import Role
from kaiku.responses.models import Contact, Response
from kaiku.surveys import services
from kaiku.surveys.models import QuestionKind
from kaiku.surveys.starters import SUPPORT_TEXT, sensitive_survey
from tests.factories import make_journey, make_member, make_organisation, owner_actor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_people(settings: Any) -> None:
    settings.KAIKU_MIN_FILL_SECONDS = 0
    cache.clear()


def _sensitive(organisation, **changes: Any):  # type: ignore[no-untyped-def]
    journey = make_journey(organisation)
    spec = sensitive_survey(name="Suru", journey_id=journey.pk, languages=["fi", "sv", "en"])
    for name, value in changes.items():
        setattr(spec, name, value)
    actor = owner_actor(organisation)
    survey = services.create_survey(actor=actor, spec=spec)
    services.set_status(actor=actor, survey=survey, status="open")
    return survey


def _nps() -> services.QuestionSpec:
    return services.QuestionSpec(kind="nps", key="nps", text={"fi": "Suosittelisitko meitä?"})


def test_a_sensitive_survey_cannot_be_saved_with_an_nps_question() -> None:
    organisation, _ = make_organisation()
    with pytest.raises(ValidationError) as caught:
        _sensitive(organisation, questions=[_nps()])
    assert "recommend" in caught.value.message_dict["questions"][0]


def test_an_nps_question_cannot_be_added_to_a_sensitive_survey() -> None:
    organisation, _ = make_organisation()
    survey = _sensitive(organisation)
    with pytest.raises(ValidationError) as caught:
        services.add_question(actor=owner_actor(organisation), survey=survey, spec=_nps())
    assert "recommend" in caught.value.message_dict["kind"][0]
    assert not survey.questions.filter(kind="nps").exists()


def test_a_survey_with_nps_cannot_be_made_sensitive() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation)
    actor = owner_actor(organisation)
    survey = services.create_survey(
        actor=actor,
        spec=services.SurveySpec(
            name="Tavallinen", journey_id=journey.pk, title={"fi": "Kysely"}, questions=[_nps()]
        ),
    )
    with pytest.raises(ValidationError) as caught:
        services.update_survey(actor=actor, survey=survey, sensitive=True)
    assert "recommend" in caught.value.message_dict["sensitive"][0]
    survey.refresh_from_db()
    assert survey.sensitive is False


def test_a_journey_whose_surveys_ask_nps_cannot_be_made_sensitive() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation)
    actor = owner_actor(organisation)
    services.create_survey(
        actor=actor,
        spec=services.SurveySpec(
            name="Vanha NPS", journey_id=journey.pk, title={"fi": "Kysely"}, questions=[_nps()]
        ),
    )
    with pytest.raises(ValidationError) as caught:
        journeys.update_journey(actor=actor, journey=journey, name=journey.name, sensitive=True)
    assert "Vanha NPS" in caught.value.message_dict["sensitive"][0]


def test_a_survey_on_a_sensitive_journey_is_sensitive_and_refuses_nps() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation)
    actor = owner_actor(organisation)
    journeys.update_journey(actor=actor, journey=journey, name=journey.name, sensitive=True)
    with pytest.raises(ValidationError):
        services.create_survey(
            actor=actor,
            spec=services.SurveySpec(
                name="X", journey_id=journey.pk, title={"fi": "Kysely"}, questions=[_nps()]
            ),
        )
    survey = services.create_survey(
        actor=actor,
        spec=services.SurveySpec(name="Y", journey_id=journey.pk, title={"fi": "Kysely"}),
    )
    assert survey.is_sensitive and not survey.sensitive


def test_the_api_refuses_nps_on_a_sensitive_survey_with_the_reason(client: Client) -> None:
    from tests.factories import make_api_key

    organisation, _ = make_organisation()
    survey = _sensitive(organisation)
    _key, token = make_api_key(organisation)
    answer = client.post(
        f"/api/v1/surveys/{survey.pk}/questions",
        data={"kind": "nps", "text": {"fi": "Suosittelisitko?"}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 422
    assert "recommend" in str(answer.json())


def test_the_respondent_page_is_gentle_and_shows_the_support_text() -> None:
    organisation, _ = make_organisation()
    survey = _sensitive(organisation)
    html = Client().get(f"/s/{survey.public_token}/").content.decode()
    assert "Kaikkiin kysymyksiin vastaaminen on vapaaehtoista" in html
    assert "09 2525 0111" in html and SUPPORT_TEXT["fi"].split(":")[0] in html
    assert 'name="do_not_contact"' in html
    assert "Suosittelisitko" not in html


def _answer(survey, data: dict[str, str]) -> Response:  # type: ignore[no-untyped-def]
    client = Client()
    html = client.get(f"/s/{survey.public_token}/").content.decode()
    fields = dict(re.findall(r'name="(started|csrfmiddlewaretoken|tp)" value="([^"]+)"', html))
    page = client.post(f"/s/{survey.public_token}/", {**fields, **data})
    assert page.status_code == 302, page.content.decode()[:2000]
    thanks = client.get(page["Location"]).content.decode()
    assert "09 2525 0111" in thanks
    return Response.objects.filter(survey=survey).latest("pk")


def test_do_not_contact_drops_the_address_and_keeps_the_case_hands_off() -> None:
    organisation, _ = make_organisation()
    survey = _sensitive(organisation)
    survey.questions.create(
        key="contact_ok", kind=QuestionKind.CONSENT_CONTACT, position=99, text={"fi": "Saako?"}
    )
    response = _answer(
        survey,
        {
            "q_heard": "1",
            "q_contact_ok": "yes",
            "contact_email": "omainen@example.com",
            "do_not_contact": "yes",
        },
    )
    assert response.metadata == {"do_not_contact": True}
    assert response.respondent_id is None
    assert not Contact.objects.filter(email="omainen@example.com").exists()
    case = alerts.open_case(response=response, subject=alerts.subject_of(response), matched=[])
    assert case is None  # no rule, no self-harm: nothing opens by itself
    rule = loop_services.save_rule(
        actor=owner_actor(organisation),
        name="Ei tullut kuulluksi",
        conditions=[{"measure": "heard", "op": "lte", "value": 2}],
    )
    case = alerts.open_case(response=response, subject=alerts.subject_of(response), matched=[rule])
    assert case is not None and case.sensitive
    assert loop_services.asked_not_to_be_contacted(case)
    assert not loop_services.may_contact(case)


def test_a_sensitive_service_case_goes_to_a_trained_handler() -> None:
    organisation, _ = make_organisation()
    survey = _sensitive(organisation)
    _untrained, _m = make_member(organisation, Role.HANDLER)
    trained, membership = make_member(organisation, Role.HANDLER)
    membership.handles_sensitive = True
    membership.save()
    response = _answer(survey, {"q_supported": "2"})
    rule = loop_services.save_rule(
        actor=owner_actor(organisation),
        name="Tuki puuttui",
        conditions=[{"measure": "supported", "op": "lte", "value": 2}],
    )
    case = alerts.open_case(response=response, subject=alerts.subject_of(response), matched=[rule])
    assert case is not None and case.sensitive and case.assignee == trained
