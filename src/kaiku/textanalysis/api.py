"""JSON API for text analysis: the stored analyses of an organisation's comments, and
analysing texts on request without storing them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from kaiku.analysis.language import SUPPORTED
from kaiku.core.schemas import OFFSET_MAX, Id
from kaiku.organisations.models import Role
from kaiku.organisations.permissions import OrgAccess, actor_of
from kaiku.textanalysis import engine, selectors, services
from kaiku.textanalysis.models import OrganisationModel, Polarity

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
    survey: Id | None = None
    polarity: Polarity | None = None
    theme: str = ""
    flag: str = ""
    urgent: bool = False
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=OFFSET_MAX)


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


class ThemeOut(Schema):
    key: str
    name: str
    terms: dict[str, list[str]]
    origin: str = Field(description="default, changed, own or off")
    active: bool


class ThemeIn(Schema):
    key: str = Field(max_length=64)
    names: dict[str, str] = Field(default_factory=dict, description="By language: fi, sv, en.")
    terms: dict[str, list[str]] = Field(default_factory=dict, description="Term lists by language.")
    active: bool = True


@router.get("/themes", response=list[ThemeOut], auth=OrgAccess(Role.VIEWER, write=False))
def list_themes(request: HttpRequest) -> Any:
    """The default themes as the organisation has changed them, and its own."""
    return [row.__dict__ for row in selectors.theme_rows(actor_of(request).organisation)]


@router.post("/themes", response=ThemeOut, auth=OrgAccess(Role.ANALYST, write=True))
def save_theme(request: HttpRequest, body: ThemeIn) -> Any:
    """Add a theme, or change or switch off one (by its key). Every term is checked."""
    actor = actor_of(request)
    services.save_theme(
        actor=actor, key=body.key, names=body.names, terms=body.terms, active=body.active
    )
    rows = {row.key: row for row in selectors.theme_rows(actor.organisation)}
    return rows[body.key.strip().lower()].__dict__


class SuggestionOut(Schema):
    touchpoint: str
    phrase: str
    stem: str
    comments: int
    example: str


@router.get(
    "/themes/suggestions", response=list[SuggestionOut], auth=OrgAccess(Role.VIEWER, write=False)
)
def theme_suggestions(request: HttpRequest) -> Any:
    """Recurring words in comments no theme matched, per touchpoint."""
    return [s.__dict__ for s in selectors.theme_suggestions(actor_of(request).organisation)]


class CorrectionIn(Schema):
    answer_id: Id
    polarity: str = ""
    labels: list[str] = []


@router.post("/analyses/corrections", auth=OrgAccess(Role.HANDLER, write=True))
def correct_analysis(request: HttpRequest, body: CorrectionIn) -> Any:
    """A person's reading of a comment: its tone and emotions (a strong label)."""
    correction = services.correct_analysis(
        actor=actor_of(request),
        answer_id=body.answer_id,
        polarity=body.polarity,
        labels=body.labels,
    )
    return {
        "answer_id": correction.answer_id,
        "polarity": correction.polarity,
        "labels": correction.labels,
    }


@router.get("/analysis-model", auth=OrgAccess(Role.VIEWER, write=False))
def analysis_model(request: HttpRequest) -> Any:
    """The organisation's own polarity layer: whether it is used, and how it compared."""
    organisation = actor_of(request).organisation
    model = OrganisationModel.objects.filter(organisation=organisation).first()
    if model is None:
        return {"trained": False, "version": engine.analyzer().version}
    return {
        "trained": True,
        "version": model.version,
        "kept": model.kept,
        "trained_at": model.trained_at,
        "report": model.report,
    }


@router.post(
    "/analysis-model/train",
    response={202: dict[str, bool]},
    auth=OrgAccess(Role.ANALYST, write=True),
)
def train_analysis_model(request: HttpRequest) -> Any:
    """Train the organisation's polarity layer in the background → 202; poll GET."""
    services.request_adaptation(actor=actor_of(request))
    return Status(202, {"queued": True})
