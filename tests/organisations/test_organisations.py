"""Organisations: switching, scoping, members and roles, teams, API keys."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from kaiku.organisations import services
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import ApiKey, Membership, Role
from tests.factories import make_journey, make_member, make_organisation, owner_actor

pytestmark = pytest.mark.django_db


def test_a_member_of_two_organisations_switches_between_them() -> None:
    first, _ = make_organisation("Ensimmäinen")
    second, _ = make_organisation("Toinen")
    user, _ = make_member(first, Role.VIEWER)
    Membership.objects.create(user=user, organisation=second, role=Role.VIEWER)
    first_journey = make_journey(first)
    second_journey = make_journey(second)
    client = Client()
    client.force_login(user)

    client.post("/organisation/switch/", {"organisation": first.pk})
    listing = client.get("/journeys/").content.decode()
    assert first_journey.name in listing and second_journey.name not in listing

    client.post("/organisation/switch/", {"organisation": second.pk})
    listing = client.get("/journeys/").content.decode()
    assert second_journey.name in listing and first_journey.name not in listing
    assert client.get(f"/journeys/{first_journey.pk}/").status_code == 404


def test_switching_to_an_organisation_one_is_not_in_does_nothing() -> None:
    mine, _ = make_organisation()
    theirs, _ = make_organisation()
    user, _ = make_member(mine, Role.VIEWER)
    client = Client()
    client.force_login(user)
    client.post("/organisation/switch/", {"organisation": theirs.pk})
    assert client.session.get("kaiku_organisation_id") != theirs.pk


def test_a_person_without_organisation_is_told_so() -> None:
    from tests.factories import make_user

    client = Client()
    client.force_login(make_user())
    answer = client.get("/journeys/")
    assert answer.status_code == 302 and answer["Location"] == "/no-organisation/"


def test_admin_adds_a_member_who_is_invited_to_set_a_password() -> None:
    organisation, _ = make_organisation()
    admin, _ = make_member(organisation, Role.ADMIN)
    client = Client()
    client.force_login(admin)
    client.post("/organisation/members/add/", {"email": "Uusi@Example.org", "role": "analyst"})
    membership = Membership.objects.get(organisation=organisation, user__email="uusi@example.org")
    assert membership.role == Role.ANALYST

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["uusi@example.org"]
    assert organisation.name in mail.outbox[0].subject
    assert "/accounts/reset/" in mail.outbox[0].body

    Client().post("/accounts/password_reset/", {"email": "uusi@example.org"})
    assert len(mail.outbox) == 2


def test_nobody_grants_a_role_above_their_own() -> None:
    organisation, _ = make_organisation()
    _admin, admin_membership = make_member(organisation, Role.ADMIN)
    actor = Actor(organisation=organisation, role=Role.ADMIN)
    with pytest.raises(ValidationError):
        services.add_member(actor=actor, email="x@example.org", role=Role.OWNER)
    _viewer, viewer_membership = make_member(organisation, Role.VIEWER)
    with pytest.raises(ValidationError):
        services.change_member_role(actor=actor, membership=viewer_membership, role=Role.OWNER)
    assert admin_membership.role == Role.ADMIN


def test_the_last_owner_cannot_be_removed_or_demoted() -> None:
    organisation, owner = make_organisation()
    membership = Membership.objects.get(organisation=organisation, user=owner)
    actor = owner_actor(organisation)
    with pytest.raises(ValidationError):
        services.change_member_role(actor=actor, membership=membership, role=Role.ADMIN)
    with pytest.raises(ValidationError):
        services.remove_member(actor=actor, membership=membership)
    assert Membership.objects.filter(pk=membership.pk, role=Role.OWNER).exists()


def test_teams_of_another_organisation_cannot_be_assigned() -> None:
    organisation, _ = make_organisation()
    other, _ = make_organisation()
    _user, membership = make_member(organisation, Role.HANDLER)
    foreign = services.create_team(actor=owner_actor(other), name="Vieras")
    with pytest.raises(ValidationError):
        services.set_member_teams(
            actor=owner_actor(organisation), membership=membership, teams=[foreign]
        )
    assert membership.teams.count() == 0


def test_api_key_is_shown_once_and_stored_hashed() -> None:
    organisation, _ = make_organisation()
    admin, _ = make_member(organisation, Role.ADMIN)
    client = Client()
    client.force_login(admin)
    page = client.post("/organisation/api-keys/add/", {"name": "CRM", "scope": "write"})
    key = ApiKey.objects.get(organisation=organisation)
    html = page.content.decode()
    start = html.index("kaiku_")
    secret = html[start : html.index("<", start)].strip()
    assert secret.startswith(f"kaiku_{key.prefix}_")
    assert secret not in str(ApiKey.objects.filter(pk=key.pk).values().first())
    assert services.authenticate_api_key(secret) == key
    assert secret not in client.get("/organisation/api-keys/").content.decode()


def test_api_keys_never_act_above_analyst() -> None:
    organisation, _ = make_organisation()
    write_key, _ = services.create_api_key(actor=owner_actor(organisation), name="w", scope="write")
    read_key, _ = services.create_api_key(actor=owner_actor(organisation), name="r", scope="read")
    assert write_key.role == Role.ANALYST
    assert read_key.role == Role.VIEWER


def test_a_wrong_secret_with_a_real_prefix_is_refused() -> None:
    organisation, _ = make_organisation()
    key, secret = services.create_api_key(actor=owner_actor(organisation), name="w", scope="read")
    assert services.authenticate_api_key(secret[:-1] + ("x" if secret[-1] != "x" else "y")) is None
    assert services.authenticate_api_key(f"kaiku_{key.prefix}_") is None
    assert services.authenticate_api_key("") is None


def test_an_admin_names_a_team_lead_on_the_member_page() -> None:
    organisation, owner = make_organisation()
    team = services.create_team(actor=owner_actor(organisation), name="Vastaanotto")
    _user, membership = make_member(organisation, Role.HANDLER)
    client = Client()
    client.force_login(owner)
    page = client.get(f"/organisation/members/{membership.pk}/")
    assert "Vetää tiimejä" in page.content.decode() or "Leads teams" in page.content.decode()
    client.post(
        f"/organisation/members/{membership.pk}/",
        {"role": Role.HANDLER, "teams": [], "leads": [team.pk]},
    )
    assert list(membership.leads.all()) == [team]
    assert membership.teams.count() == 0


def test_an_admin_marks_a_member_trained_for_sensitive_cases() -> None:
    organisation, owner = make_organisation()
    _user, membership = make_member(organisation, Role.HANDLER)
    client = Client()
    client.force_login(owner)
    client.post(
        f"/organisation/members/{membership.pk}/",
        {"role": Role.HANDLER, "handles_sensitive": "on"},
    )
    membership.refresh_from_db()
    assert membership.handles_sensitive
