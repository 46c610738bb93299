"""What a person can be found by, in one normal form: an e-mail address, a phone
number (E.164, Finnish numbers without a country code understood), a respondent's
pseudonym or external reference, or an invitation's token."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

EMAIL = "email"
PHONE = "phone"
RESPONDENT = "respondent"
TOKEN = "token"  # noqa: S105 (a kind of identifier, not a secret)
AUTO = "auto"
TYPES = (AUTO, EMAIL, PHONE, RESPONDENT, TOKEN)
MAX_LENGTH = 254
DEFAULT_REGION = "FI"
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]{6,}$")


@dataclass(frozen=True)
class Identifier:
    type: str
    value: str


def normalise_phone(value: str) -> str | None:
    """The number in E.164 (+358401234567), or None if it is no phone number."""
    value = value.strip()
    if not _PHONE_LIKE.match(value):
        return None
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse(raw: str, identifier_type: str = AUTO) -> list[Identifier]:
    """The identifiers to look for. `auto` guesses from the shape: an address with @,
    a UUID (pseudonym), a phone number; anything else is tried as an external
    reference and as an invitation token, both exact."""
    value = raw.strip()
    if not value:
        raise ValidationError({"identifier": _("Enter what the person can be found by.")})
    if len(value) > MAX_LENGTH:
        raise ValidationError({"identifier": _("At most %(n)d characters.") % {"n": MAX_LENGTH}})
    if identifier_type not in TYPES:
        raise ValidationError({"identifier_type": _("Unknown kind of identifier.")})
    if identifier_type == EMAIL or (identifier_type == AUTO and "@" in value):
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError({"identifier": _("Enter a valid e-mail address.")}) from None
        return [Identifier(EMAIL, value.lower())]
    if identifier_type == PHONE:
        phone = normalise_phone(value)
        if phone is None:
            raise ValidationError({"identifier": _("Enter a valid phone number.")})
        return [Identifier(PHONE, phone)]
    if identifier_type == RESPONDENT:
        return [Identifier(RESPONDENT, value)]
    if identifier_type == TOKEN:
        return [Identifier(TOKEN, value)]
    if as_uuid(value) is not None:
        return [Identifier(RESPONDENT, value)]
    found = [Identifier(RESPONDENT, value), Identifier(TOKEN, value)]
    phone = normalise_phone(value)
    return [Identifier(PHONE, phone), *found] if phone else found


def describe(identifiers: list[Identifier]) -> str:
    """What kind of identifier was given, for the request log (never the value)."""
    return "+".join(dict.fromkeys(i.type for i in identifiers))[:32]


def digest(organisation_id: int, identifiers: list[Identifier]) -> str:
    """A keyed hash of the identifier: the same person gives the same digest within
    an organisation, and nothing can be read back from it without the secret key."""
    message = f"kaiku.privacy:{organisation_id}:" + "|".join(
        f"{i.type}={i.value}" for i in identifiers
    )
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
