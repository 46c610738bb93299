"""Reads for responses, scoped to an organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from kaiku.organisations.models import Organisation
from kaiku.responses.models import Answer, Response


def responses(organisation: Organisation, survey_id: int | None = None) -> QuerySet[Response]:
    found = Response.objects.filter(organisation=organisation)
    if survey_id is not None:
        found = found.filter(survey_id=survey_id)
    answers = Answer.objects.select_related("question").prefetch_related("emotions", "curve")
    return found.select_related("respondent").prefetch_related(Prefetch("answers", answers))


def response(organisation: Organisation, response_id: int) -> Response:
    return get_object_or_404(responses(organisation), pk=response_id)


def response_data(response: Response) -> dict[str, Any]:
    """A response with its answers as plain data (the API's shape)."""
    fields = [
        *("id", "survey_id", "touchpoint_id", "source", "channel", "language", "segment_id"),
        *("team_id", "experienced_at", "submitted_at", "metadata"),
    ]
    return {
        **{f: getattr(response, f) for f in fields},
        "respondent": str(response.respondent.pseudonym) if response.respondent else None,
        "answers": [
            {
                "question": a.question.key,
                "kind": a.kind,
                "number": a.number,
                "text": a.text,
                "choices": a.choices,
                "emotions": [
                    {"emotion": e.emotion, "intensity": e.intensity} for e in a.emotions.all()
                ],
                "curve": [
                    {"stage_id": c.stage_id, "score": c.score, "word": c.word}
                    for c in a.curve.all()
                ],
                "analysis_state": a.analysis_state,
            }
            for a in response.answers.all()
        ],
    }
