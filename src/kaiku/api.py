"""The JSON API: /api/v1/…, with OpenAPI at /api/openapi.json and docs at /api/docs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from kaiku.analytics.api import router as analytics_router
from kaiku.audit.api import router as audit_router
from kaiku.core.validation import error_details
from kaiku.invitations.api import router as invitations_router
from kaiku.journeys.api import router as journeys_router
from kaiku.loop.action_api import router as actions_router
from kaiku.loop.api import router as loop_router
from kaiku.organisations.api import router as organisations_router
from kaiku.people.api import router as people_router
from kaiku.privacy.api import router as privacy_router
from kaiku.responses.api import public_router as responses_public_router
from kaiku.responses.api import router as responses_router
from kaiku.responses.services import SurveyNotOpen
from kaiku.surveys.api import router as surveys_router
from kaiku.textanalysis.api import router as textanalysis_router
from kaiku.walkthroughs.api import router as walkthroughs_router

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
    return api.create_response(request, {"detail": error_details(exc)}, status=422)


@api.exception_handler(SurveyNotOpen)
def survey_not_open(request: HttpRequest, exc: SurveyNotOpen) -> HttpResponse:
    return api.create_response(request, {"detail": exc.messages[0]}, status=409)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "Your role does not allow this."}, status=403)


api.add_router("/v1/", responses_public_router)  # first: see its comment
api.add_router("/v1/", organisations_router)
api.add_router("/v1/", journeys_router)
api.add_router("/v1/", surveys_router)
api.add_router("/v1/", responses_router)
api.add_router("/v1/", invitations_router)
api.add_router("/v1/", textanalysis_router)
api.add_router("/v1/", analytics_router)
api.add_router("/v1/", loop_router)
api.add_router("/v1/", actions_router)
api.add_router("/v1/", people_router)
api.add_router("/v1/", walkthroughs_router)
api.add_router("/v1/", audit_router)
api.add_router("/v1/", privacy_router)
