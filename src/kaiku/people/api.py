"""The API for employee pulse results and staff support: people's data, so only
aggregates behind the anonymity threshold, or a person's own."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Router
from ninja.errors import HttpError

from kaiku.core.schemas import Id
from kaiku.organisations.models import Role, Team
from kaiku.organisations.permissions import OrgAccess, actor_of
from kaiku.people import selectors, support

router = Router(tags=["people"])


@router.get("/people/support", auth=OrgAccess(Role.VIEWER, write=False))
def staff_support(request: HttpRequest) -> Any:
    """The sensitive cases each person the signed-in person may see carried, month by
    month (counts and crisis kinds, never texts), in alphabetical order. An API key
    is not a person, so it gets 403."""
    actor = actor_of(request)
    if actor.user is None:
        raise HttpError(403, "Sign in: an API key is not a person.")
    found = support.staff_support(actor)
    return {
        "months": [m.strftime("%Y-%m") for m in found.months],
        "threshold": found.threshold,
        "people": [
            {
                "user_id": person.user_id,
                "name": person.name,
                "is_self": person.is_self,
                "open_now": person.open_now,
                "months": [
                    {
                        "month": m.month.strftime("%Y-%m"),
                        "carried": m.carried,
                        "new": m.came_in,
                        "kinds": m.kinds,
                        "support_to_consider": m.support_to_consider,
                        "load_reached": m.load_reached,
                        "self_harm": m.self_harm,
                    }
                    for m in person.months
                ],
            }
            for person in found.people
        ],
    }


@router.get("/pulse", auth=OrgAccess(Role.VIEWER, write=False))
def pulse_results(
    request: HttpRequest,
    survey_id: Id | None = None,
    team_id: Id | None = None,
    month: str = "",
) -> Any:
    """An employee pulse's completed months, by team, behind the anonymity threshold:
    a hidden cell is only `{"shown": false}`. Filters pick cells of the same grid the
    page shows, so no combination of them reveals a smaller group. An API key sees
    every team; a person, the teams they may see (admins all, leads their own)."""
    actor = actor_of(request)
    surveys = selectors.pulse_surveys(actor.organisation)
    survey = surveys.filter(pk=survey_id).first() if survey_id else surveys.first()
    if survey is None:
        raise HttpError(404, "No such employee pulse.")
    teams = (
        list(Team.objects.filter(organisation=actor.organisation).order_by("name"))
        if actor.user is None
        else selectors.visible_teams(actor)
    )
    if team_id is not None:
        teams = [t for t in teams if t.pk == team_id]
        if not teams:
            raise HttpError(404, "No such team, or not one you may see.")
    report = selectors.pulse_report(
        survey, teams, today=timezone.localdate(), month=month, language=actor_language(request)
    )
    months = [m for m in report.months if not month or m.key == month]
    names = {t.pk: t.name for t in report.teams}
    return {
        "survey_id": survey.pk,
        "min_n": report.min_n,
        "measures": report.kinds,
        "months": [
            {
                "month": m.key,
                "cells": [
                    {
                        "team_id": key or None,
                        "team": names.get(key, ""),
                        **(m.cells[key].as_dict() if m is report.detail else _bare(m.cells[key])),
                    }
                    for key in m.cells
                ],
            }
            for m in months
        ],
    }


def _bare(cell: selectors.Cell) -> dict:
    """A cell without themes and comments: those are read for one month at a time."""
    found = cell.as_dict()
    found.pop("themes", None)
    found.pop("quotes", None)
    return found


def actor_language(request: HttpRequest) -> str:
    return (get_language() or "fi")[:2]
