"""Back-office pages for reading feedback: the comments with what the analysis found,
and one response whole."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaiku.audit.services import record
from kaiku.organisations.models import Role
from kaiku.organisations.permissions import actor_of, requires
from kaiku.responses import selectors
from kaiku.surveys.selectors import surveys
from kaiku.textanalysis import selectors as analyses
from kaiku.textanalysis.models import Polarity


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@requires(Role.VIEWER, write=False)
def comment_list(request: HttpRequest) -> HttpResponse:
    organisation = actor_of(request).organisation
    filters = analyses.CommentFilter(
        survey_id=_number(request.GET.get("survey")),
        polarity=request.GET.get("polarity", "")
        if request.GET.get("polarity") in Polarity.values
        else "",
        theme=request.GET.get("theme", "")[:64],
        flag=request.GET.get("flag", "")[:32],
        urgent=request.GET.get("urgent") == "1",
    )
    page = Paginator(analyses.comments(organisation, filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "responses/comments.html",
        {
            "page": page,
            "items": [analyses.analysis_view(a) for a in page],
            "filters": filters,
            "surveys": surveys(organisation).order_by("name"),
            "polarities": Polarity.choices,
            "themes": analyses.theme_choices(organisation),
            "flags": analyses.flag_choices(),
            "query": query.urlencode(),
        },
    )


@requires(Role.VIEWER, write=False)
def response_detail(request: HttpRequest, response_id: int) -> HttpResponse:
    actor = actor_of(request)
    response = selectors.response(actor.organisation, response_id)
    # Reading one person's answers whole is recorded, as exports are.
    record(actor=actor, action="response.view", obj=response)
    answers = []
    for answer in response.answers.all():
        analysis = getattr(answer, "analysis", None)
        answers.append((answer, analyses.analysis_view(analysis) if analysis else None))
    return render(
        request,
        "responses/detail.html",
        {
            "response": response,
            "answers": answers,
            "correctable": True,
            "polarities": Polarity.choices,
        },
    )
