"""The JSON API: /api/v1/…, with OpenAPI at /api/openapi.json and docs at /api/docs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from kaiku.audit.api import router as audit_router
from kaiku.journeys.api import router as journeys_router
from kaiku.organisations.api import router as organisations_router

api = NinjaAPI(
    title="Kaiku API",
    version="1",
    description=(
        "Service paths, feedback and analysis of one organisation. Authenticate with an "
        "organisation API key: `Authorization: Bearer kaiku_…`."
    ),
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Service-level errors in the same shape as django-ninja's own 422 answers."""
    detail = []
    if hasattr(exc, "error_dict"):
        for path, errors in exc.message_dict.items():
            loc = ["body", *(int(p) if p.isdigit() else p for p in path.split("."))]
            detail += [{"loc": loc, "msg": message, "type": "value_error"} for message in errors]
    else:
        detail = [{"loc": ["body"], "msg": m, "type": "value_error"} for m in exc.messages]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "Your role does not allow this."}, status=403)


api.add_router("/v1/", organisations_router)
api.add_router("/v1/", journeys_router)
api.add_router("/v1/", audit_router)
