"""JSON API for the survey builder: /api/v1/surveys and questions."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status

from kaiku.core.schemas import Id
from kaiku.organisations.permissions import actor_of, api_editor, api_reader
from kaiku.surveys import selectors, services
from kaiku.surveys.models import LANGUAGES, Kiosk, Survey
from kaiku.surveys.schemas import (
    KioskActiveIn,
    KioskIn,
    KioskOut,
    MoveIn,
    QuestionIn,
    QuestionOut,
    StatusIn,
    SurveyIn,
    SurveyOut,
    SurveyPatch,
    SurveySummary,
)
from kaiku.surveys.starters import starter

router = Router(tags=["surveys"])


def _question_spec(payload: QuestionIn) -> services.QuestionSpec:
    data = payload.dict()
    return services.QuestionSpec(
        **{**data, "kind": str(payload.kind), "condition": data["condition"] or None}
    )


def _out(request: HttpRequest, survey: Survey) -> dict[str, Any]:
    survey = selectors.survey(actor_of(request).organisation, survey.pk)
    path = reverse("respond:answer", kwargs={"token": survey.public_token})
    return {
        **{f: getattr(survey, f) for f in ("id", "name", "journey_id", "mode", "status")},
        **{f: getattr(survey, f) for f in ("languages", "title", "intro", "thanks")},
        "sensitive": survey.sensitive,
        "sensitive_service": survey.is_sensitive,
        "support_text": survey.support_text,
        "touchpoint_ids": sorted(t.pk for t in survey.touchpoints.all()),
        "public_url": request.build_absolute_uri(path),
        "questions": list(survey.questions.all()),
    }


@router.get("/surveys", response=list[SurveySummary], auth=api_reader())
def list_surveys(request: HttpRequest) -> Any:
    return selectors.surveys(actor_of(request).organisation)


@router.post("/surveys", response={201: SurveyOut}, auth=api_editor())
def create_survey(request: HttpRequest, payload: SurveyIn) -> Any:
    spec = services.SurveySpec(
        **{
            **payload.dict(exclude={"questions"}),
            "mode": str(payload.mode),
            "questions": [_question_spec(q) for q in payload.questions],
        }
    )
    survey = services.create_survey(actor=actor_of(request), spec=spec)
    return Status(201, _out(request, survey))


@router.get("/survey-starters", response=SurveyIn, auth=api_reader())
def survey_starter(
    request: HttpRequest,
    which: Literal["sensitive", "pulse"],
    journey_id: Id,
    name: str = "",
    languages: str = "fi",
) -> Any:
    """A ready-made survey to edit and POST to /surveys: `sensitive` (gentle wording,
    care measures, support text) or `pulse` (the anonymous employee pulse)."""
    chosen = [lang for lang in LANGUAGES if lang in languages.split(",")] or ["fi"]
    spec = starter(which, name=name or which, journey_id=journey_id, languages=chosen)
    return {
        **{k: v for k, v in spec.__dict__.items() if k != "questions"},
        "questions": [q.__dict__ for q in spec.questions],
    }


@router.get("/surveys/{survey_id}", response=SurveyOut, auth=api_reader())
def get_survey(request: HttpRequest, survey_id: int) -> Any:
    return _out(request, selectors.survey(actor_of(request).organisation, survey_id))


@router.patch("/surveys/{survey_id}", response=SurveyOut, auth=api_editor())
def update_survey(request: HttpRequest, survey_id: int, payload: SurveyPatch) -> Any:
    actor = actor_of(request)
    survey = selectors.survey(actor.organisation, survey_id)
    services.update_survey(actor=actor, survey=survey, **payload.dict(exclude_unset=True))
    return _out(request, survey)


@router.post("/surveys/{survey_id}/status", response=SurveyOut, auth=api_editor())
def set_status(request: HttpRequest, survey_id: int, payload: StatusIn) -> Any:
    actor = actor_of(request)
    survey = selectors.survey(actor.organisation, survey_id)
    services.set_status(actor=actor, survey=survey, status=str(payload.status))
    return _out(request, survey)


@router.post("/surveys/{survey_id}/questions", response={201: QuestionOut}, auth=api_editor())
def add_question(request: HttpRequest, survey_id: int, payload: QuestionIn) -> Any:
    actor = actor_of(request)
    survey = selectors.survey(actor.organisation, survey_id)
    return Status(
        201, services.add_question(actor=actor, survey=survey, spec=_question_spec(payload))
    )


@router.patch("/questions/{question_id}", response=QuestionOut, auth=api_editor())
def update_question(request: HttpRequest, question_id: int, payload: QuestionIn) -> Any:
    actor = actor_of(request)
    question = selectors.question(actor.organisation, question_id)
    return services.update_question(actor=actor, question=question, spec=_question_spec(payload))


@router.post("/questions/{question_id}/move", response=list[QuestionOut], auth=api_editor())
def move_question(request: HttpRequest, question_id: int, payload: MoveIn) -> Any:
    actor = actor_of(request)
    question = selectors.question(actor.organisation, question_id)
    services.move_question(actor=actor, question=question, offset=payload.offset)
    return list(question.survey.questions.order_by("position"))


@router.delete("/questions/{question_id}", response={204: None}, auth=api_editor())
def delete_question(request: HttpRequest, question_id: int) -> Any:
    actor = actor_of(request)
    services.delete_question(
        actor=actor, question=selectors.question(actor.organisation, question_id)
    )
    return Status(204, None)


def _kiosk_out(request: HttpRequest, kiosk: Kiosk) -> dict[str, Any]:
    fields = ("id", "name", "survey_id", "touchpoint_id", "language", "active", "reset_seconds")
    return {
        **{f: getattr(kiosk, f) for f in fields},
        "url": request.build_absolute_uri(reverse("kiosk", kwargs={"token": kiosk.token})),
    }


@router.get("/surveys/{survey_id}/kiosks", response=list[KioskOut], auth=api_reader())
def list_kiosks(request: HttpRequest, survey_id: int) -> Any:
    survey = selectors.survey(actor_of(request).organisation, survey_id)
    return [_kiosk_out(request, k) for k in survey.kiosks.all()]


@router.post("/surveys/{survey_id}/kiosks", response={201: KioskOut}, auth=api_editor())
def add_kiosk(request: HttpRequest, survey_id: int, payload: KioskIn) -> Any:
    """A shared device answering the survey's first scale with one tap."""
    actor = actor_of(request)
    survey = selectors.survey(actor.organisation, survey_id)
    kiosk = services.create_kiosk(
        actor=actor,
        survey=survey,
        name=payload.name,
        touchpoint_id=payload.touchpoint_id,
        language=payload.language or "",
    )
    return Status(201, _kiosk_out(request, kiosk))


@router.post("/kiosks/{kiosk_id}/active", response=KioskOut, auth=api_editor())
def set_kiosk_active(request: HttpRequest, kiosk_id: int, payload: KioskActiveIn) -> Any:
    actor = actor_of(request)
    kiosk = selectors.kiosk(actor.organisation, kiosk_id)
    return _kiosk_out(
        request, services.set_kiosk_active(actor=actor, kiosk=kiosk, active=payload.active)
    )
