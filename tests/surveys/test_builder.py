"""The survey builder: questions of every kind, conditions, languages, status."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from kaiku.surveys import services
from kaiku.surveys.models import Question, Survey
from tests.factories import make_api_key, make_journey, make_organisation, make_survey, owner_actor

pytestmark = pytest.mark.django_db


def _spec(journey_id: int, **overrides: object) -> services.SurveySpec:
    fields: dict[str, object] = {
        "name": "Käyntikysely",
        "journey_id": journey_id,
        "title": {"fi": "Miten onnistuimme?"},
        "questions": [
            services.QuestionSpec(kind="nps", key="nps", text={"fi": "Suosittelisitko?"})
        ],
    }
    fields.update(overrides)
    return services.SurveySpec(**fields)  # type: ignore[arg-type]


def _errors(organisation, spec):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as excinfo:
        services.create_survey(actor=owner_actor(organisation), spec=spec)
    assert not Survey.objects.exists() and not Question.objects.exists()
    return excinfo.value.message_dict


def test_survey_is_created_with_questions_in_order() -> None:
    organisation, _ = make_organisation()
    survey = make_survey(organisation, status="draft")
    assert survey.status == "draft"
    assert list(survey.questions.values_list("key", flat=True))[:3] == ["nps", "ease", "feeling"]
    assert survey.questions.get(key="what_happened").condition == {
        "question": "nps",
        "op": "lte",
        "value": 6,
    }


def test_a_condition_must_read_an_earlier_question() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation)
    questions = [
        services.QuestionSpec(
            kind="text", key="why", text={"fi": "Miksi?"}, condition={"question": "nps", "value": 1}
        ),
        services.QuestionSpec(kind="nps", key="nps", text={"fi": "Suosittelisitko?"}),
    ]
    errors = _errors(organisation, _spec(journey.pk, questions=questions))
    assert "questions.0.condition" in errors


def test_choice_questions_need_options_and_texts_in_the_first_language() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation)
    questions = [
        services.QuestionSpec(
            kind="single_choice",
            key="c",
            text={"sv": "Bara svenska"},
            options=[{"value": "a", "label": {"fi": "A"}}],
        ),
    ]
    errors = _errors(organisation, _spec(journey.pk, questions=questions))
    assert "questions.0.text" in errors
    assert "questions.0.options" in errors


def test_touchpoints_must_be_on_the_surveys_journey() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation)
    elsewhere = make_journey(organisation).stages.first().touchpoints.first()  # type: ignore[union-attr]
    errors = _errors(organisation, _spec(journey.pk, touchpoint_ids=[elsewhere.pk]))  # type: ignore[union-attr]
    assert "touchpoint_ids" in errors


def test_unknown_kind_and_language_are_refused() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation)
    questions = [services.QuestionSpec(kind="horoscope", key="h", text={"fi": "?"})]
    errors = _errors(organisation, _spec(journey.pk, languages=["fi", "de"], questions=questions))
    assert "languages" in errors and "questions.0.kind" in errors


def test_a_survey_without_questions_cannot_open() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation)
    survey = services.create_survey(
        actor=owner_actor(organisation), spec=_spec(journey.pk, questions=[])
    )
    with pytest.raises(ValidationError):
        services.set_status(actor=owner_actor(organisation), survey=survey, status="open")


def test_a_question_with_a_dependant_cannot_be_deleted_or_moved_above_it() -> None:
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    nps = survey.questions.get(key="nps")
    with pytest.raises(ValidationError):
        services.delete_question(actor=owner_actor(organisation), question=nps)
    dependant = survey.questions.get(key="what_happened")
    with pytest.raises(ValidationError):
        for _ in range(5):
            services.move_question(actor=owner_actor(organisation), question=dependant, offset=-1)
    assert (
        survey.questions.get(key="nps").position
        < survey.questions.get(key="what_happened").position
    )


def test_moving_a_question_renumbers_without_gaps() -> None:
    organisation, _ = make_organisation()
    survey = make_survey(organisation)
    ease = survey.questions.get(key="ease")
    services.move_question(actor=owner_actor(organisation), question=ease, offset=1)
    keys = list(survey.questions.order_by("position").values_list("key", flat=True))
    assert keys[:3] == ["nps", "feeling", "ease"]
    positions = list(survey.questions.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))


def test_api_builds_a_survey_and_reads_it_back() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation)
    touchpoint = journey.stages.first().touchpoints.first()  # type: ignore[union-attr]
    _key, secret = make_api_key(organisation)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    payload = {
        "name": "Palaute",
        "journey_id": journey.pk,
        "languages": ["fi", "en"],
        "title": {"fi": "Palaute", "en": "Feedback"},
        "touchpoint_ids": [touchpoint.pk],  # type: ignore[union-attr]
        "questions": [
            {
                "kind": "csat",
                "key": "csat",
                "text": {"fi": "Tyytyväisyys", "en": "Satisfaction"},
                "required": True,
            },
            {
                "kind": "text",
                "key": "why",
                "text": {"fi": "Miksi?"},
                "condition": {"question": "csat", "op": "lte", "value": 2},
            },
        ],
    }
    created = client.post("/api/v1/surveys", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["public_url"].endswith(
        f"/s/{Survey.objects.get().public_token}/"
    )
    assert [q["key"] for q in body["questions"]] == ["csat", "why"]
    opened = client.post(
        f"/api/v1/surveys/{body['id']}/status", {"status": "open"}, content_type="application/json"
    )
    assert opened.json()["status"] == "open"
    assert client.get(f"/api/v1/surveys/{body['id']}").json()["questions"] == body["questions"]


def test_api_refuses_a_bad_question_with_its_path() -> None:
    organisation, _ = make_organisation()
    journey = make_journey(organisation)
    _key, secret = make_api_key(organisation)
    payload = {
        "name": "X",
        "journey_id": journey.pk,
        "title": {"fi": "X"},
        "questions": [{"kind": "nps", "text": {"xx": "?"}}],
    }
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").post(
        "/api/v1/surveys", payload, content_type="application/json"
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-3:] == ["questions", 0, "text"] or "text" in str(
        answer.json()
    )
