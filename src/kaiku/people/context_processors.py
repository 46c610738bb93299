"""Template context: whether the navigation shows the staff support page."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kaiku.people.support import has_something_to_see


def staff_support(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    # Asked only when a template looks (the navigation), not on every response.
    return {"can_see_support": SimpleLazyObject(lambda: has_something_to_see(membership))}
