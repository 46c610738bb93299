"""JSON API for text analysis: the stored analyses of an organisation's comments, and
analysing texts on request without storing them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from kaiku.analysis.language import SUPPORTED
from kaiku.organisations.models import Role
from kaiku.organisations.permissions import OrgAccess, actor_of
from kaiku.textanalysis import engine, selectors
from kaiku.textanalysis.models import Polarity

router = Router(tags=["analysis"])

MAX_TEXTS = 1000
MAX_CHARS = 100_000


class AnalysisOut(Schema):
    answer_id: int
    response_id: int
    question: str
    status: str
    language: str
    text: str = Field(
        description="Cleaned, with personal data redacted by the organisation's policy."
    )
    truncated: bool
    redactions: list[str]
    emotions: dict[str, float]
    labels: list[str]
    valence: float | None
    polarity: str
    intensity: float | None
    themes: list[dict[str, Any]]
    flags: list[dict[str, Any]]
    urgent: bool
    model_version: str
    analysed_at: datetime


class AnalysisFilter(Schema):
    survey: int | None = None
    polarity: Polarity | None = None
    theme: str = ""
    flag: str = ""
    urgent: bool = False
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0)


@router.get("/analyses", response=list[AnalysisOut], auth=OrgAccess(Role.VIEWER, write=False))
def list_analyses(request: HttpRequest, filters: Query[AnalysisFilter]) -> Any:
    """Analysed comments, newest first."""
    found = selectors.comments(
        actor_of(request).organisation,
        selectors.CommentFilter(
            survey_id=filters.survey,
            polarity=filters.polarity or "",
            theme=filters.theme[:64],
            flag=filters.flag[:32],
            urgent=filters.urgent,
        ),
    )[filters.offset : filters.offset + filters.limit]
    return [
        {
            **{f: getattr(a, f) for f in AnalysisOut.model_fields if f != "question"},
            "question": a.answer.question.key,
        }
        for a in found
    ]


class AnalyseIn(Schema):
    texts: list[str] = Field(max_length=MAX_TEXTS)
    lang: str | None = Field(None, description="fi, sv or en; detected when left out.")


@router.post(
    "/analyse",
    response={200: dict[str, Any], 422: dict[str, Any]},
    auth=OrgAccess(Role.VIEWER, write=False),
)
def analyse_texts(request: HttpRequest, body: AnalyseIn) -> Any:
    """Analyse up to 1,000 texts and return what was found; nothing is stored. Personal
    data is redacted by the organisation's policy."""
    if body.lang is not None and body.lang not in SUPPORTED:
        return Status(422, {"detail": [{"loc": ["body", "lang"], "msg": "use fi, sv or en"}]})
    too_long = [i for i, text in enumerate(body.texts) if len(text) > MAX_CHARS]
    if too_long:
        return Status(
            422,
            {
                "detail": [
                    {"loc": ["body", "texts", i], "msg": f"at most {MAX_CHARS} characters"}
                    for i in too_long
                ]
            },
        )
    organisation = actor_of(request).organisation
    _, adapter = engine.for_organisation(organisation.pk)
    results = engine.analyzer().analyze_batch(
        body.texts,
        lang=body.lang,
        redact=organisation.pii_redaction != "off",
        adapter=adapter,
    )
    return {"results": [r.as_dict() for r in results]}
