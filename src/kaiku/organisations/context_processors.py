"""Template context: the active organisation, the user's others, and the role."""

from typing import Any

from django.http import HttpRequest

from kaiku.organisations.models import Role
from kaiku.organisations.selectors import memberships_of


def active_organisation(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    return {
        "organisation": membership.organisation,
        "membership": membership,
        "my_memberships": memberships_of(membership.user),
        "can_handle": membership.has_role(Role.HANDLER),
        "can_edit": membership.has_role(Role.ANALYST),
        "can_admin": membership.has_role(Role.ADMIN),
    }
