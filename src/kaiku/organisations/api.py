"""JSON API for the organisation: who am I, and its teams."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from kaiku.organisations import selectors, services
from kaiku.organisations.models import Role
from kaiku.organisations.permissions import OrgAccess, actor_of, api_reader

router = Router(tags=["organisation"])


class OrganisationOut(Schema):
    id: int
    name: str
    slug: str
    role: str
    via: str


class TeamIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=2000)


class TeamOut(Schema):
    id: int
    name: str
    description: str


@router.get("/organisation", response=OrganisationOut, auth=api_reader())
def current_organisation(request: HttpRequest) -> Any:
    """The organisation the key or session acts in, and with which role."""
    actor = actor_of(request)
    org = actor.organisation
    via = "api_key" if actor.api_key is not None else "session"
    return {"id": org.pk, "name": org.name, "slug": org.slug, "role": actor.role.value, "via": via}


@router.get("/teams", response=list[TeamOut], auth=api_reader())
def list_teams(request: HttpRequest) -> Any:
    return selectors.teams(actor_of(request).organisation)


@router.post("/teams", response={201: TeamOut}, auth=OrgAccess(Role.ADMIN, write=True))
def create_team(request: HttpRequest, payload: TeamIn) -> Any:
    return Status(201, services.create_team(actor=actor_of(request), **payload.dict()))
