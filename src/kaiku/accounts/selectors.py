"""Reads about a person's sign-in: their TOTP device and whether two-step sign-in is required."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaiku.organisations.models import Membership, Organisation, Role

# Owners and admins manage members and API keys: their accounts open everything.
ROLES_REQUIRING_2FA = (Role.OWNER, Role.ADMIN)


def confirmed_device(user: User) -> TOTPDevice | None:
    """The device the person signs in with, once they have confirmed it with a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def unconfirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()


def two_factor_required(user: User) -> bool:
    """Whether the person must use two-step sign-in: staff (Django's admin) and owners
    and admins of any organisation, while settings.KAIKU_REQUIRE_2FA is on."""
    return bool(settings.KAIKU_REQUIRE_2FA) and (
        user.is_staff or Membership.objects.filter(user=user, role__in=ROLES_REQUIRING_2FA).exists()
    )


def two_factor_user_ids(organisation: Organisation) -> set[int]:
    """The members of `organisation` who sign in with a confirmed device."""
    return set(
        TOTPDevice.objects.filter(
            confirmed=True, user__memberships__organisation=organisation
        ).values_list("user_id", flat=True)
    )
