"""Back-office pages for importing past feedback: upload, map columns, check, import,
follow the progress and read the report (on a survey's page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaiku.organisations.models import Role
from kaiku.organisations.permissions import actor_of, requires
from kaiku.responses import import_jobs
from kaiku.responses.models import ImportJob, ImportStatus
from kaiku.surveys import selectors as survey_selectors

MAP_PREFIX = "map__"


def _job(request: HttpRequest, job_id: int) -> ImportJob:
    return import_jobs.import_job(actor_of(request).organisation, job_id)


@requires(Role.ANALYST)
@require_POST
def import_upload(request: HttpRequest, survey_id: int) -> HttpResponse:
    actor = actor_of(request)
    survey = survey_selectors.survey(actor.organisation, survey_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a CSV or XLSX file."))
        return redirect("surveys:detail", survey_id=survey.pk)
    try:
        job = import_jobs.upload_import(actor=actor, survey=survey, upload=upload)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("surveys:detail", survey_id=survey.pk)
    return redirect("surveys:import_job", job_id=job.pk)


@requires(Role.ANALYST)
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """Choose the columns and start (POST); otherwise the job as it stands. While it
    runs, the page reloads its progress (htmx, or a meta refresh without JavaScript)."""
    job = _job(request, job_id)
    mapping_error = ""
    if request.method == "POST":
        mapping = {
            key.removeprefix(MAP_PREFIX): request.POST.get(key, "")
            for key in request.POST
            if key.startswith(MAP_PREFIX)
        }
        dry_run = request.POST.get("action") != "import"
        try:
            job = import_jobs.start_import(
                actor=actor_of(request), job=job, mapping=mapping, dry_run=dry_run
            )
        except ValidationError as exc:
            mapping_error = " ".join(exc.messages)
        else:
            return redirect("surveys:import_job", job_id=job.pk)
    editable = job.status in (ImportStatus.UPLOADED, ImportStatus.FAILED) or (
        job.status == ImportStatus.DONE and job.dry_run
    )
    context = {
        "job": job,
        "survey": job.survey,
        "statuses": ImportStatus,
        "editable": editable,
        "mapping_error": mapping_error,
        "targets": [
            (target, job.mapping.get(target, "")) for target in import_jobs.targets(job.survey)
        ],
        "field_names": set(import_jobs.FIELDS),
        "sample": import_jobs.sample_rows(job) if editable else [],
        "map_prefix": MAP_PREFIX,
    }
    if request.htmx and request.htmx.trigger == "import-status":  # type: ignore[attr-defined]
        if job.in_progress:
            return render(request, "responses/_import_progress.html", context)
        finished = HttpResponse(status=204)
        finished["HX-Refresh"] = "true"  # the whole page, with the report
        return finished
    return render(request, "responses/import_job.html", context)


@requires(Role.ANALYST)
def import_rejected(request: HttpRequest, job_id: int) -> FileResponse:
    """Every rejected row (row, column, reason) as CSV."""
    job = _job(request, job_id)
    if not job.errors_file:
        raise Http404
    name = f"{job.filename.rsplit('.', 1)[0]}-rejected.csv"
    return FileResponse(
        job.errors_file.open("rb"), as_attachment=True, filename=name, content_type="text/csv"
    )
