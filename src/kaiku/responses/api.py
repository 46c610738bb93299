"""JSON API for responses: submit one (idempotent), a batch, the public link; read."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from ninja import File, Header, Query, Router, Status
from ninja.files import UploadedFile

from kaiku.audit.services import record
from kaiku.core.ratelimit import check_public_submission
from kaiku.core.schemas import OFFSET_MAX, Id
from kaiku.core.validation import error_details
from kaiku.organisations.permissions import actor_of, api_editor, api_reader, public
from kaiku.responses import import_jobs, selectors, services
from kaiku.responses.models import Source
from kaiku.responses.schemas import (
    BatchIn,
    BatchOut,
    ImportJobOut,
    ImportStartIn,
    PublicResponseIn,
    ResponseIn,
    ResponseOut,
    SubmittedOut,
)
from kaiku.surveys import selectors as survey_selectors
from kaiku.surveys.models import Survey

router = Router(tags=["responses"])
# Respondents' own submissions, apart so that the API can list them first: URLs are
# matched in order, and these are most of the API's traffic.
public_router = Router(tags=["responses"])


def _submission(request: HttpRequest, payload: ResponseIn, key: str) -> services.Submission:
    actor = actor_of(request)
    survey = Survey.objects.filter(organisation=actor.organisation, pk=payload.survey_id).first()
    if survey is None:
        raise ValidationError({"survey_id": "No such survey in this organisation."})
    data = payload.dict(exclude={"survey_id", "contact", "idempotency_key"})
    contact = payload.contact
    return services.Submission(
        survey=survey,
        source=Source.API,
        idempotency_key=key,
        api_key=actor.api_key,
        contact=services.ContactDetails(**contact.dict()) if contact else None,
        **{**data, "channel": str(payload.channel or "")},
    )


def _too_big(request: HttpRequest) -> bool:
    return len(request.body) > settings.KAIKU_MAX_SUBMISSION_BYTES


@router.post(
    "/responses",
    response={201: SubmittedOut, 200: SubmittedOut, 413: dict[str, str]},
    auth=api_editor(),
    summary="Submit one response",
)
def submit_response(
    request: HttpRequest,
    payload: ResponseIn,
    idempotency_key: str = Header("", alias="Idempotency-Key", max_length=200),
) -> Any:
    """With an `Idempotency-Key`, a retry answers 200 with the first response's id."""
    if _too_big(request):
        return Status(413, {"detail": "The request body is too large."})
    response, created = services.submit_response(_submission(request, payload, idempotency_key))
    return Status(201 if created else 200, {"id": response.pk, "created": created})


@router.post("/responses/batch", response=BatchOut, auth=api_editor(), summary="Submit many")
def submit_batch(request: HttpRequest, payload: BatchIn) -> Any:
    """Each item is saved or rejected on its own: valid items are kept, and each
    rejected one is reported with its index, field and reason."""
    results = []
    for index, item in enumerate(payload.responses):
        try:
            response, created = services.submit_response(
                _submission(request, item, item.idempotency_key)
            )
        except ValidationError as exc:
            errors = error_details(exc, root="responses")
            for error in errors:
                error["loc"] = ["responses", index, *error["loc"][1:]]  # type: ignore[index]
            results.append({"index": index, "id": None, "status": "rejected", "errors": errors})
            continue
        status = "created" if created else "duplicate"
        results.append({"index": index, "id": response.pk, "status": status, "errors": []})
    counts = {
        s: sum(r["status"] == s for r in results) for s in ("created", "duplicate", "rejected")
    }
    return {
        "created": counts["created"],
        "duplicates": counts["duplicate"],
        "rejected": counts["rejected"],
        "results": results,
    }


@router.get("/responses", response=list[ResponseOut], auth=api_reader())
def list_responses(
    request: HttpRequest,
    survey_id: Id | None = None,
    limit: int = 100,
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
) -> Any:
    limit = max(1, min(limit, 1000))
    found = selectors.responses(actor_of(request).organisation, survey_id)[offset : offset + limit]
    return [selectors.response_data(r) for r in found]


@router.get("/responses/{response_id}", response=ResponseOut, auth=api_reader())
def get_response(request: HttpRequest, response_id: int) -> Any:
    actor = actor_of(request)
    response = selectors.response(actor.organisation, response_id)
    # Reading one person's answers whole is recorded, as on the response page.
    record(actor=actor, action="response.view", obj=response)
    return selectors.response_data(response)


@public_router.post(
    "/public/surveys/{token}/responses",
    response={201: SubmittedOut, 413: dict[str, str], 429: dict[str, str]},
    auth=None,
    summary="Answer through a survey's public link (no key)",
)
@public
def submit_public(request: HttpRequest, token: str, payload: PublicResponseIn) -> Any:
    survey = survey_selectors.public_survey(token)
    if _too_big(request):
        return Status(413, {"detail": "The request body is too large."})
    wait = check_public_submission(request, str(survey.pk))
    if wait is not None:
        return too_many_requests(wait)
    submission = services.Submission(
        survey=survey, source=Source.WEB, channel="web", **payload.dict()
    )
    response, _created = services.submit_response(submission)
    return Status(201, {"id": response.pk, "created": True})


def too_many_requests(wait: int) -> JsonResponse:
    answer = JsonResponse({"detail": f"Too many answers; try again in {wait} seconds."}, status=429)
    answer["Retry-After"] = str(wait)
    return answer


@router.post("/surveys/{survey_id}/imports", response={201: ImportJobOut}, auth=api_editor())
def upload_import(
    request: HttpRequest, survey_id: int, file: UploadedFile | None = File(None)
) -> Any:
    """Upload a CSV or XLSX file (multipart field `file`) of past feedback; nothing is
    imported until started."""
    actor = actor_of(request)
    survey = survey_selectors.survey(actor.organisation, survey_id)  # 404 before 422
    if file is None:
        raise ValidationError({"file": ["Choose a CSV or XLSX file."]})
    return Status(201, import_jobs.upload_import(actor=actor, survey=survey, upload=file))


@router.post("/imports/{job_id}/start", response={202: ImportJobOut}, auth=api_editor())
def start_import(request: HttpRequest, job_id: int, payload: ImportStartIn) -> Any:
    """Check (`dry_run`, the default) or import in the background; follow it with GET."""
    actor = actor_of(request)
    job = import_jobs.import_job(actor.organisation, job_id)
    mapping = payload.mapping or job.mapping
    return Status(
        202,
        import_jobs.start_import(actor=actor, job=job, mapping=mapping, dry_run=payload.dry_run),
    )


@router.get("/imports/{job_id}", response=ImportJobOut, auth=api_reader())
def get_import(request: HttpRequest, job_id: int) -> Any:
    return import_jobs.import_job(actor_of(request).organisation, job_id)
