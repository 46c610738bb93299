"""Reads for organisations: memberships, members, teams and keys of one organisation."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kaiku.organisations.models import ApiKey, Membership, Organisation, Team


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation")


def active_membership(user: User, organisation_id: int | None) -> Membership | None:
    """The membership for the session's organisation, or the user's first one."""
    memberships = memberships_of(user)
    if organisation_id is not None:
        chosen = memberships.filter(organisation_id=organisation_id).first()
        if chosen is not None:
            return chosen
    return memberships.first()


def members(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .prefetch_related("teams", "leads")
        .order_by("user__email")
    )


def member(organisation: Organisation, membership_id: int) -> Membership:
    return get_object_or_404(members(organisation), pk=membership_id)


def teams(organisation: Organisation) -> QuerySet[Team]:
    return Team.objects.filter(organisation=organisation)


def team(organisation: Organisation, team_id: int) -> Team:
    return get_object_or_404(teams(organisation), pk=team_id)


def api_keys(organisation: Organisation) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(organisation=organisation).select_related("created_by")


def api_key(organisation: Organisation, key_id: int) -> ApiKey:
    return get_object_or_404(api_keys(organisation), pk=key_id)
