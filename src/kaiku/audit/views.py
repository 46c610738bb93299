"""The audit log page."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaiku.audit import selectors
from kaiku.organisations.models import Role
from kaiku.organisations.permissions import actor_of, requires


@requires(Role.ADMIN, write=False)
def audit_log(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    entries = selectors.audit_entries(
        actor_of(request).organisation,
        object_type=request.GET.get("type", ""),
        object_id=request.GET.get("id", ""),
        kind=kind if kind in selectors.KINDS else "",
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/log.html", {"page": page, "query": query.urlencode(), "kind": kind}
    )
