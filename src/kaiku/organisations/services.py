"""Writes for organisations: creating tenants, members, teams and API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kaiku.audit.services import record, snapshot
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import ApiKey, ApiKeyScope, Membership, Organisation, Role, Team

API_KEY_PREFIX = "kaiku_"


@transaction.atomic
def create_organisation(*, name: str, owner: User, slug: str = "") -> Organisation:
    organisation = Organisation(name=name.strip(), slug=slug or _unique_slug(name))
    organisation.full_clean()
    organisation.save()
    Membership.objects.create(user=owner, organisation=organisation, role=Role.OWNER)
    actor = Actor(organisation=organisation, role=Role.OWNER, user=owner)
    record(
        actor=actor, action="organisation.create", obj=organisation, after=snapshot(organisation)
    )
    return organisation


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "org"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def add_member(*, actor: Actor, email: str, role: str, password: str | None = None) -> Membership:
    """Add a person by e-mail; a new user is created when none has that address."""
    _check_role_grant(actor, role)
    User = get_user_model()
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        # A random usable password, not an unusable one: Django's password reset, which
        # the invitation e-mail uses, skips users without a usable password.
        user = User.objects.create_user(
            username=email, email=email, password=password or secrets.token_urlsafe(32)
        )
    if Membership.objects.filter(user=user, organisation=actor.organisation).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    membership = Membership.objects.create(user=user, organisation=actor.organisation, role=role)
    record(actor=actor, action="membership.create", obj=membership, after={"role": role})
    return membership


@transaction.atomic
def change_member_role(*, actor: Actor, membership: Membership, role: str) -> Membership:
    _check_role_grant(actor, role)
    if membership.role == Role.OWNER and role != Role.OWNER:
        owners = Membership.objects.filter(organisation=membership.organisation, role=Role.OWNER)
        if owners.count() == 1:
            raise ValidationError({"role": _("An organisation must keep at least one owner.")})
    before = {"role": membership.role}
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        actor=actor,
        action="membership.change_role",
        obj=membership,
        before=before,
        after={"role": role},
    )
    return membership


@transaction.atomic
def remove_member(*, actor: Actor, membership: Membership) -> None:
    if membership.role == Role.OWNER:
        _check_role_grant(actor, Role.OWNER)
        owners = Membership.objects.filter(organisation=membership.organisation, role=Role.OWNER)
        if owners.count() == 1:
            raise ValidationError(_("An organisation must keep at least one owner."))
    record(
        actor=actor,
        action="membership.delete",
        obj=membership,
        before={"role": membership.role, "user": str(membership.user)},
    )
    membership.delete()


def _check_role_grant(actor: Actor, role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    # Only an owner makes owners; nobody grants more than they have.
    if not actor.role.at_least(Role(role)):
        raise ValidationError({"role": _("You cannot grant a role higher than your own.")})


@transaction.atomic
def set_member_teams(
    *, actor: Actor, membership: Membership, teams: list[Team], leads: list[Team] | None = None
) -> Membership:
    """The teams a member belongs to and, if given, the teams they lead."""
    for field, chosen in (("teams", teams), ("leads", leads or [])):
        if any(team.organisation_id != actor.organisation.pk for team in chosen):
            raise ValidationError({field: _("Unknown team.")})
    before = {
        "teams": sorted(t.pk for t in membership.teams.all()),
        "leads": sorted(t.pk for t in membership.leads.all()),
    }
    membership.teams.set(teams)
    if leads is not None:
        membership.leads.set(leads)
    record(
        actor=actor,
        action="membership.set_teams",
        obj=membership,
        before=before,
        after={
            "teams": sorted(t.pk for t in teams),
            "leads": sorted(t.pk for t in membership.leads.all()),
        },
    )
    return membership


@transaction.atomic
def set_handles_sensitive(
    *, actor: Actor, membership: Membership, handles_sensitive: bool
) -> Membership:
    """Whether cases with crisis signals may go to this member."""
    if membership.handles_sensitive != handles_sensitive:
        before = {"handles_sensitive": membership.handles_sensitive}
        membership.handles_sensitive = handles_sensitive
        membership.save(update_fields=["handles_sensitive"])
        record(
            actor=actor,
            action="membership.handles_sensitive",
            obj=membership,
            before=before,
            after={"handles_sensitive": handles_sensitive},
        )
    return membership


@transaction.atomic
def create_team(*, actor: Actor, name: str, description: str = "") -> Team:
    team = Team(organisation=actor.organisation, name=name.strip(), description=description)
    team.full_clean()
    team.save()
    record(actor=actor, action="team.create", obj=team, after=snapshot(team))
    return team


@transaction.atomic
def update_team(*, actor: Actor, team: Team, name: str, description: str = "") -> Team:
    before = snapshot(team)
    team.name, team.description = name.strip(), description
    team.full_clean()
    team.save()
    record(actor=actor, action="team.update", obj=team, before=before, after=snapshot(team))
    return team


@transaction.atomic
def create_api_key(*, actor: Actor, name: str, scope: str) -> tuple[ApiKey, str]:
    """Make a key; the secret is returned once and only its hash is kept."""
    prefix = secrets.token_hex(4)
    secret = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        organisation=actor.organisation,
        name=name.strip(),
        prefix=prefix,
        key_hash=_hash(secret),
        scope=scope,
        created_by=actor.user,
    )
    key.full_clean()
    key.save()
    record(actor=actor, action="api_key.create", obj=key, after={"name": key.name, "scope": scope})
    return key, secret


@transaction.atomic
def revoke_api_key(*, actor: Actor, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        record(actor=actor, action="api_key.revoke", obj=api_key)
    return api_key


def authenticate_api_key(secret: str) -> ApiKey | None:
    """The active key for a presented secret, with its last use recorded; None otherwise."""
    if not secret.startswith(API_KEY_PREFIX):
        return None
    prefix = secret[len(API_KEY_PREFIX) :].split("_", 1)[0]
    key = ApiKey.objects.select_related("organisation").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.key_hash, _hash(secret)):
        return None
    if key.revoked_at is not None:
        return None
    now = timezone.now()
    # Write at most once a minute so that busy integrations do not turn reads into writes.
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def _hash(secret: str) -> str:
    # API keys are 256-bit random secrets, so a fast hash is enough (no password stretching).
    return hashlib.sha256(secret.encode()).hexdigest()


__all__ = [
    "ApiKeyScope",
    "add_member",
    "authenticate_api_key",
    "change_member_role",
    "create_api_key",
    "create_organisation",
    "create_team",
    "remove_member",
    "revoke_api_key",
    "set_handles_sensitive",
    "set_member_teams",
    "update_team",
]
