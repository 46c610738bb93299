"""Two-step sign-in (TOTP): owners and admins set it up and enter a code at each sign-in."""

from __future__ import annotations

import re
from base64 import b32decode
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaiku.audit.models import AuditEntry
from kaiku.organisations.models import Membership, Role
from tests.accounts.twostep import (
    code_of,
    english_client,
    let_the_wait_pass,
    make_device,
    sign_in,
    signed_in_with_second_step,
    wrong_code,
)
from tests.factories import PASSWORD, make_api_key, make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db

SETUP = "/accounts/two-step/set-up/"
CODE = "/accounts/two-step/code/"


def _owner_signed_in_with_password() -> tuple[Client, Membership]:
    organisation, owner = make_organisation()
    client = english_client()
    assert sign_in(client, owner).status_code == 302
    return client, Membership.objects.get(user=owner, organisation=organisation)


def test_an_owner_is_sent_from_sign_in_to_set_up_with_a_qr_code_and_the_key() -> None:
    client, membership = _owner_signed_in_with_password()
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == f"{SETUP}?next=%2F"

    page = client.get(home["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Set up two-step sign-in" in html
    assert re.search(r"<svg[^>]*class=\"segno\"", html)  # the QR code, drawn inline
    device = TOTPDevice.objects.get(user=membership.user)
    assert not device.confirmed
    shown = re.search(r'<pre class="secret"[^>]*>([A-Z2-7 ]+)</pre>', html)
    assert shown is not None
    assert b32decode(shown.group(1).replace(" ", "")) == device.bin_key
    # Opening the page again keeps the key a phone may already have scanned.
    client.get(SETUP)
    assert TOTPDevice.objects.get(user=membership.user).pk == device.pk


def test_the_set_up_page_keeps_to_the_content_security_policy() -> None:
    client, _membership = _owner_signed_in_with_password()
    html = client.get(SETUP).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script
    assert " style=" not in html and "<style" not in html  # no inline style
    assert "http://" not in html.replace("http://www.w3.org", "")  # nothing from elsewhere


def test_the_back_office_and_the_api_stay_closed_until_it_is_set_up() -> None:
    client, _membership = _owner_signed_in_with_password()
    journeys = client.get("/journeys/")
    assert journeys.status_code == 302 and journeys["Location"].startswith(SETUP)
    assert client.get("/organisation/members/").status_code == 302
    assert client.get("/api/v1/journeys").status_code == 401


def test_a_right_code_turns_it_on_and_opens_the_back_office() -> None:
    client, membership = _owner_signed_in_with_password()
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=membership.user)
    answer = client.post(SETUP, {"code": code_of(device), "next": "/journeys/"})
    assert answer.status_code == 302 and answer["Location"] == "/journeys/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/journeys/").status_code == 200
    assert client.get("/api/v1/journeys").status_code == 200
    assert AuditEntry.objects.filter(
        action="two_factor.enable", object_id=str(membership.pk), user=membership.user
    ).exists()


def test_a_wrong_code_does_not_turn_it_on() -> None:
    client, membership = _owner_signed_in_with_password()
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=membership.user)
    answer = client.post(SETUP, {"code": wrong_code(device)})
    assert answer.status_code == 200
    assert "The code was not right." in answer.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/journeys/").status_code == 302


def test_each_sign_in_asks_for_a_code_once_it_is_set_up() -> None:
    _organisation, owner = make_organisation()
    device = make_device(owner)
    client = english_client()
    sign_in(client, owner)
    journeys = client.get("/journeys/")
    assert journeys.status_code == 302
    assert journeys["Location"] == f"{CODE}?next=%2Fjourneys%2F"
    page = client.get(journeys["Location"])
    assert "Enter your code" in page.content.decode()

    answer = client.post(CODE, {"code": code_of(device), "next": "/journeys/"})
    assert answer.status_code == 302 and answer["Location"] == "/journeys/"
    assert client.get("/journeys/").status_code == 200


def test_a_code_is_accepted_only_once() -> None:
    _organisation, owner = make_organisation()
    device = make_device(owner)
    first = english_client()
    sign_in(first, owner)
    code = code_of(device)
    assert first.post(CODE, {"code": code}).status_code == 302

    second = english_client()
    sign_in(second, owner)
    answer = second.post(CODE, {"code": code})
    assert answer.status_code == 200
    assert second.get("/journeys/").status_code == 302


def test_wrong_codes_make_the_next_try_wait() -> None:
    _organisation, owner = make_organisation()
    device = make_device(owner)
    client = english_client()
    sign_in(client, owner)
    client.post(CODE, {"code": wrong_code(device)})
    answer = client.post(CODE, {"code": code_of(device)})  # right, but too soon
    assert "Too many wrong codes. Try again in" in answer.content.decode()
    assert client.get("/journeys/").status_code == 302


def test_a_pending_second_step_cannot_be_skipped_by_setting_up_another_device() -> None:
    _organisation, owner = make_organisation()
    make_device(owner)
    client = english_client()
    sign_in(client, owner)
    answer = client.get(SETUP)
    assert answer.status_code == 302 and answer["Location"].startswith(CODE)
    assert TOTPDevice.objects.filter(user=owner).count() == 1


def test_after_the_code_only_local_addresses_are_followed() -> None:
    _organisation, owner = make_organisation()
    device = make_device(owner)
    client = english_client()
    sign_in(client, owner)
    answer = client.post(CODE, {"code": code_of(device), "next": "https://evil.example/"})
    assert answer.status_code == 302 and answer["Location"] == "/"


def test_roles_below_admin_are_not_forced_but_may_opt_in() -> None:
    organisation, _owner = make_organisation()
    handler, _membership = make_member(organisation, Role.HANDLER)
    client = english_client()
    sign_in(client, handler)
    assert client.get("/journeys/").status_code == 200
    security = client.get("/accounts/security/").content.decode()
    assert "Your password alone opens your account." in security

    client.get(SETUP)
    device = TOTPDevice.objects.get(user=handler)
    assert client.post(SETUP, {"code": code_of(device)}).status_code == 302

    again = english_client()
    sign_in(again, handler)
    assert again.get("/journeys/")["Location"].startswith(CODE)


def test_an_admin_is_required_to_set_it_up_too() -> None:
    organisation, _owner = make_organisation()
    admin, _membership = make_member(organisation, Role.ADMIN)
    client = english_client()
    sign_in(client, admin)
    assert client.get("/journeys/")["Location"].startswith(SETUP)


def test_with_the_requirement_off_nobody_is_forced(settings: Any) -> None:
    settings.KAIKU_REQUIRE_2FA = False
    _organisation, owner = make_organisation()
    client = english_client()
    sign_in(client, owner)
    assert client.get("/journeys/").status_code == 200


def test_api_keys_need_no_second_step() -> None:
    organisation, _owner = make_organisation()
    _key, secret = make_api_key(organisation)
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/journeys")
    assert answer.status_code == 200


def test_resetting_ones_own_device_needs_a_current_code() -> None:
    _organisation, owner = make_organisation()
    device = make_device(owner)
    client = signed_in_with_second_step(owner, device)
    assert "Signing in asks for a code" in client.get("/accounts/security/").content.decode()

    refused = client.post("/accounts/security/", {"code": wrong_code(device)})
    assert "The code was not right." in refused.content.decode()
    assert TOTPDevice.objects.filter(user=owner).exists()

    let_the_wait_pass(device)
    answer = client.post("/accounts/security/", {"code": code_of(device, steps_ahead=1)})
    assert answer.status_code == 302
    assert not TOTPDevice.objects.filter(user=owner).exists()
    # An owner sets up a new one before going on.
    assert client.get("/journeys/")["Location"].startswith(SETUP)
    assert AuditEntry.objects.filter(action="two_factor.reset", user=owner).exists()


def test_an_owner_resets_a_members_device_and_it_is_audited() -> None:
    organisation, owner = make_organisation()
    member, membership = make_member(organisation, Role.ADMIN)
    make_device(member)
    client = signed_in_with_second_step(owner)
    page = client.get(f"/organisation/members/{membership.pk}/").content.decode()
    assert "Reset two-step sign-in" in page

    answer = client.post(f"/organisation/members/{membership.pk}/two-step/reset/")
    assert answer.status_code == 302
    assert not TOTPDevice.objects.filter(user=member).exists()
    entry = AuditEntry.objects.get(action="two_factor.reset", object_id=str(membership.pk))
    assert entry.user == owner and entry.organisation == organisation
    assert entry.before == {"two_factor": True} and entry.after == {"two_factor": False}

    # The member signs in with the password and is asked to set up a new device.
    again = english_client()
    sign_in(again, member)
    assert again.get("/journeys/")["Location"].startswith(SETUP)


def test_an_admin_cannot_reset_a_members_device() -> None:
    organisation, _owner = make_organisation()
    admin, _ = make_member(organisation, Role.ADMIN)
    member, membership = make_member(organisation, Role.ANALYST)
    make_device(member)
    client = signed_in_with_second_step(admin)
    answer = client.post(f"/organisation/members/{membership.pk}/two-step/reset/")
    assert answer.status_code == 403
    assert TOTPDevice.objects.filter(user=member).exists()


def test_the_members_page_shows_who_uses_two_step_sign_in() -> None:
    organisation, owner = make_organisation()
    with_app, _ = make_member(organisation, Role.ANALYST)
    make_device(with_app)
    client = signed_in_with_second_step(owner)
    without_app, _ = make_member(organisation, Role.ANALYST)
    html = client.get("/organisation/members/").content.decode()
    rows = [row for row in html.split("<tr>") if row.startswith("<td>")]
    row_of = {u: next(r for r in rows if f"<td>{u.email}</td>" in r) for u in (owner, with_app)}
    assert "<td>On</td>" in row_of[with_app] and "<td>On</td>" in row_of[owner]
    assert "<td>On</td>" not in next(r for r in rows if without_app.email in r)


def test_an_operator_resets_an_only_owners_device_from_the_command_line() -> None:
    organisation, owner = make_organisation()
    make_device(owner)
    out = StringIO()
    call_command("reset_two_factor", owner.email, stdout=out)
    assert "was reset" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=owner).exists()
    entry = AuditEntry.objects.get(action="two_factor.reset", organisation=organisation)
    assert entry.user is None and entry.actor_label == "Kaiku"


def test_staff_pass_the_second_step_before_any_admin_page() -> None:
    staff = make_user()
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client = english_client()
    signed_in = client.post(
        "/admin/login/?next=/admin/", {"username": staff.get_username(), "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    index = client.get("/admin/", follow=True)
    assert index.redirect_chain[-1][0].startswith(SETUP)  # no device yet: set one up
    assert client.get("/admin/auth/user/").status_code == 302

    device = make_device(staff)
    passed = signed_in_with_second_step(staff, device)
    assert passed.get("/admin/").status_code == 200
    assert passed.get("/admin/auth/user/").status_code == 200


def test_staff_without_the_requirement_use_the_admin_as_before(settings: Any) -> None:
    settings.KAIKU_REQUIRE_2FA = False
    staff = make_user()
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client = english_client()
    client.post("/admin/login/", {"username": staff.get_username(), "password": PASSWORD})
    assert client.get("/admin/").status_code == 200
