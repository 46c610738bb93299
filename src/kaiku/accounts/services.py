"""Writes for sign-in security: setting up, checking and resetting a TOTP device."""

from __future__ import annotations

import math

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_totp.models import TOTPDevice

from kaiku.accounts import selectors
from kaiku.audit.services import record
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Membership, Role


@transaction.atomic
def start_two_factor_setup(*, user: User) -> TOTPDevice:
    """The device being set up: the one begun before, so that a code already scanned
    stays valid when the page is opened again, or a new one with a fresh key."""
    device = selectors.unconfirmed_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Kaiku", confirmed=False)
    return device


def confirm_two_factor(*, user: User, device: TOTPDevice, code: str) -> TOTPDevice:
    """Confirm a new device with a code it shows; from then on sign-in asks for one."""
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError(_("This set-up is no longer valid. Open the page again."))
    if selectors.confirmed_device(user) is not None:
        raise ValidationError(_("Two-step sign-in is already set up."))
    check_code(device=device, code=code)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        _record_for_own_memberships(user, "two_factor.enable")
    return device


def check_code(*, device: TOTPDevice, code: str) -> None:
    """Accept a current code from `device`, or raise ValidationError saying why not.

    Each wrong code doubles the wait before the next try (django-otp's throttling),
    and a code is accepted once: a code seen over someone's shoulder is spent. The
    error is raised after the transaction, so that the counted failure stays."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = locked.verify_is_allowed()
        accepted = allowed and locked.verify_token(code.replace(" ", ""))
    if not allowed:
        raise ValidationError(_wait_message(details or {}))
    if not accepted:
        raise ValidationError(
            _("The code was not right. Check that your phone's clock is on time.")
        )


def _wait_message(details: dict[str, object]) -> str:
    locked_until = details.get("locked_until")
    if details.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS and locked_until:
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))  # type: ignore[operator]
        return ngettext(
            "Too many wrong codes. Try again in %(seconds)d second.",
            "Too many wrong codes. Try again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
    return _("Too many wrong codes. Try again in a moment.")


def reset_own_two_factor(*, user: User, code: str) -> TOTPDevice:
    """Remove one's own device, proven with a current code from it; sign-in then
    asks for a new one to be set up (where two-step sign-in is required). Returns
    the device removed."""
    device = selectors.confirmed_device(user)
    if device is None:
        raise ValidationError(_("Two-step sign-in is not set up."))
    check_code(device=device, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        _record_for_own_memberships(user, "two_factor.reset")
    return device


@transaction.atomic
def reset_member_two_factor(*, actor: Actor, membership: Membership) -> bool:
    """An owner removes a member's device (a lost phone); the member sets up a new one
    at their next sign-in. True when there was one to remove."""
    if not actor.role.at_least(Role.OWNER):
        raise ValidationError(_("Only an owner can reset another member's two-step sign-in."))
    if membership.organisation_id != actor.organisation.pk:
        raise ValidationError(_("Unknown member."))
    removed, _by_model = TOTPDevice.objects.filter(user_id=membership.user_id).delete()
    record(
        actor=actor,
        action="two_factor.reset",
        obj=membership,
        before={"two_factor": removed > 0},
        after={"two_factor": False},
    )
    return removed > 0


@transaction.atomic
def reset_two_factor_by_operator(*, user: User) -> bool:
    """The operator's reset from the command line, for an only owner who lost their
    phone; recorded as done by Kaiku. True when there was a device to remove."""
    removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
    _record_for_own_memberships(user, "two_factor.reset", by_operator=True)
    return removed > 0


def _record_for_own_memberships(user: User, action: str, *, by_operator: bool = False) -> None:
    """A change to a person's sign-in, in the audit log of each organisation they belong to."""
    for membership in Membership.objects.filter(user=user).select_related("organisation"):
        actor = (
            Actor.system(membership.organisation)
            if by_operator
            else Actor(organisation=membership.organisation, role=Role(membership.role), user=user)
        )
        record(actor=actor, action=action, obj=membership)


def pass_second_step(*, user: User, code: str) -> TOTPDevice:
    """The person's device, when `code` is a current code from it (sign-in's second step)."""
    device = selectors.confirmed_device(user)
    if device is None:
        raise ValidationError(_("Two-step sign-in is not set up."))
    check_code(device=device, code=code)
    return device
