"""Saving responses: typed answers, conditions, idempotency, nothing half-saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kaiku.responses import services
from kaiku.responses.models import (
    AnalysisState,
    Answer,
    Contact,
    CurvePoint,
    EmotionAnswer,
    Response,
)
from tests.factories import make_organisation, make_survey, submit

pytestmark = pytest.mark.django_db


def _survey():  # type: ignore[no-untyped-def]
    organisation, _ = make_organisation()
    return make_survey(organisation)


def _refused(survey, answers: dict[str, Any], **fields: Any) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as excinfo:
        submit(survey, answers, **fields)
    assert not Response.objects.exists() and not Answer.objects.exists()
    return excinfo.value.message_dict


def test_every_kind_is_stored_typed() -> None:
    survey = _survey()
    stages = list(survey.journey.stages.order_by("position"))
    response = submit(
        survey,
        {
            "nps": 4,
            "ease": "6",
            "feeling": [
                {"emotion": "anger", "intensity": 3},
                {"emotion": "sadness", "intensity": 1},
            ],
            "curve": [
                {"stage_id": stages[0].pk, "score": 2, "word": "selkeä"},
                {"stage_id": stages[1].pk, "score": -3},
            ],
            "what_happened": "  Jonotin tunnin.  ",
            "visit": "again",
            "contact_ok": True,
        },
        contact=services.ContactDetails(email="Maija@Example.org"),
    )
    answers = {a.question.key: a for a in response.answers.all()}
    assert answers["nps"].number == 4 and answers["ease"].number == 6
    assert answers["what_happened"].text == "Jonotin tunnin."
    assert answers["visit"].choices == ["again"]
    assert answers["contact_ok"].number == 1
    assert set(EmotionAnswer.objects.values_list("emotion", "intensity")) == {
        ("anger", 3),
        ("sadness", 1),
    }
    assert set(CurvePoint.objects.values_list("stage_id", "score", "word")) == {
        (stages[0].pk, 2, "selkeä"),
        (stages[1].pk, -3, ""),
    }
    contact = Contact.objects.get()
    assert contact.email == "maija@example.org" and contact.may_contact
    assert contact.respondent == response.respondent


def test_text_is_queued_for_analysis_and_analysed_after_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    survey = _survey()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = submit(survey, {"nps": 2, "what_happened": "Kukaan ei vastannut."})
    text = response.answers.get(question__key="what_happened")
    assert text.analysis_state == AnalysisState.QUEUED
    for callback in callbacks:
        callback()
    text.refresh_from_db()
    assert text.analysis_state == AnalysisState.DONE
    assert text.analysis.polarity == "negative"
    assert "communication" in text.analysis.theme_keys


def test_answer_to_a_question_whose_condition_fails_is_ignored() -> None:
    survey = _survey()
    response = submit(survey, {"nps": 10, "what_happened": "ei koske"})
    assert not response.answers.filter(question__key="what_happened").exists()


@pytest.mark.parametrize(
    ("answers", "path"),
    [
        ({"nps": 11}, "answers.nps"),
        ({"nps": "kymmenen"}, "answers.nps"),
        ({"nps": True}, "answers.nps"),
        ({"nps": 5, "ease": 0}, "answers.ease"),
        ({"nps": 5, "feeling": [{"emotion": "boredom"}]}, "answers.feeling"),
        ({"nps": 5, "feeling": [{"emotion": "joy", "intensity": 4}]}, "answers.feeling"),
        ({"nps": 5, "feeling": ["neutral", "joy"]}, "answers.feeling"),
        ({"nps": 5, "curve": [{"stage_id": 999999, "score": 1}]}, "answers.curve"),
        ({"nps": 5, "curve": [{"stage_id": "x", "score": 1}]}, "answers.curve"),
        ({"nps": 5, "visit": "third"}, "answers.visit"),
        ({"nps": 5, "what_happened": "x" * 2001}, "answers.what_happened"),
        ({"nps": 5, "nonsense": 1}, "answers.nonsense"),
        ({"ease": 3}, "answers.nps"),
    ],
)
def test_bad_answers_are_refused_by_question(answers: dict[str, Any], path: str) -> None:
    errors = _refused(_survey(), answers)
    assert path in errors


def test_touchpoint_segment_and_team_must_belong_to_the_survey_and_organisation() -> None:
    survey = _survey()
    other = make_survey(make_organisation()[0])
    foreign_touchpoint = other.touchpoints.first()
    errors = _refused(
        survey,
        {"nps": 5},
        touchpoint_id=foreign_touchpoint.pk,
        segment_id=999999,
        team_id=999999,  # type: ignore[union-attr]
    )
    assert {"touchpoint_id", "segment_id", "team_id"} <= set(errors)


def test_a_closed_survey_takes_no_live_answers_but_takes_imports() -> None:
    organisation, _ = make_organisation()
    survey = make_survey(organisation, status="closed")
    with pytest.raises(services.SurveyNotOpen):
        submit(survey, {"nps": 5})
    assert submit(survey, {"nps": 5}, source="import").pk


def test_the_same_idempotency_key_stores_one_response() -> None:
    survey = _survey()
    first, created = services.submit_response(
        services.Submission(survey=survey, answers={"nps": 7}, source="api", idempotency_key="abc")
    )
    again, created_again = services.submit_response(
        services.Submission(survey=survey, answers={"nps": 1}, source="api", idempotency_key="abc")
    )
    assert created and not created_again and again.pk == first.pk
    assert Response.objects.count() == 1
    assert Answer.objects.get().number == 7
