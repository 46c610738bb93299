"""Imports from the web and the API: upload a file, map its columns, check it (a dry
run) or import it in the background with progress, then read the report.

The work itself is kaiku.responses.importing's; this module keeps the file, the
mapping and the job's state. An import run again (a worker that died half-way) adds
only the rows not saved yet: each row is keyed by the job and its row number.
"""

from __future__ import annotations

import csv
import itertools
import logging
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from kaiku.audit.services import record
from kaiku.core.background import send
from kaiku.core.validation import Errors
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import Organisation
from kaiku.responses.importing import (
    FIELDS,
    FORMULA_STARTS,
    Importer,
    ImportFileError,
    ImportReport,
    RowError,
    read_table,
)
from kaiku.responses.models import ImportJob, ImportStatus
from kaiku.surveys.models import Survey

logger = logging.getLogger(__name__)

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")
SAMPLE_ROWS = 5
KEPT_ERRORS = 200


def targets(survey: Survey) -> list[str]:
    """What a column can map to: the response's fields, then the questions by key."""
    return [*FIELDS, *survey.questions.values_list("key", flat=True)]


def suggested_mapping(survey: Survey, header: list[str]) -> dict[str, str]:
    """Columns named like a target (or `answer.<key>`) map to it."""
    names = set(header)
    found = {}
    for target in targets(survey):
        for name in (target, f"answer.{target}"):
            if name in names:
                found[target] = name
                break
    return found


@transaction.atomic
def upload_import(*, actor: Actor, survey: Survey, upload: UploadedFile) -> ImportJob:
    """Keep the file and read its header; nothing is imported yet."""
    _check_owned(actor, survey)
    name = Path(upload.name or "").name[:255]
    errors = Errors()
    if survey.is_pulse:
        errors.add("survey", _("An employee pulse takes answers only through its anonymous link."))
    if Path(name).suffix.lower() not in SUFFIXES:
        errors.add("file", _("Choose a CSV or XLSX file."))
    elif (upload.size or 0) > settings.KAIKU_MAX_IMPORT_BYTES:
        limit = settings.KAIKU_MAX_IMPORT_BYTES // (1024 * 1024)
        errors.add("file", _("The file is larger than %(n)d MB.") % {"n": limit})
    errors.raise_if_any()
    job = ImportJob(
        organisation=actor.organisation,
        survey=survey,
        created_by=actor.user,
        filename=name,
        size=upload.size or 0,
    )
    job.file.save(name, upload, save=False)
    try:
        with job.file.open("rb") as stream:
            header, _rows = read_table(stream, name)
    except ImportFileError as exc:
        job.file.delete(save=False)
        raise ValidationError({"file": [str(exc)]}) from exc
    job.header = header
    job.mapping = suggested_mapping(survey, header)
    job.save()
    record(actor=actor, action="import.upload", obj=job, after={"filename": name})
    return job


def sample_rows(job: ImportJob) -> list[list[str]]:
    """The first rows as they are in the file, for choosing the columns."""
    try:
        with job.file.open("rb") as stream:
            _header, rows = read_table(stream, job.filename)
            return [cells for _number, cells in itertools.islice(rows, SAMPLE_ROWS)]
    except (ImportFileError, OSError):
        return []


@transaction.atomic
def start_import(
    *, actor: Actor, job: ImportJob, mapping: Mapping[str, str], dry_run: bool
) -> ImportJob:
    """Queue a check (dry run) or the import itself with this mapping."""
    job = ImportJob.objects.select_for_update().select_related("survey").get(pk=job.pk)
    _check_owned(actor, job.survey)
    if job.in_progress:
        raise ValidationError(_("This file is being processed already."))
    if job.status == ImportStatus.DONE and not job.dry_run:
        raise ValidationError(_("This file has been imported already."))
    mapping = {target: column for target, column in mapping.items() if column}
    try:  # the same checks the run makes, before anything is queued
        Importer(job.survey, job.header, mapping, dry_run=True)
    except ImportFileError as exc:
        raise ValidationError({"mapping": [str(exc)]}) from exc
    job.mapping = dict(mapping)
    job.dry_run = dry_run
    job.status = ImportStatus.QUEUED
    job.rows_done = job.bytes_done = 0
    job.report = None
    job.error = ""
    job.started_at = job.finished_at = None
    job.save()
    action = "import.check" if dry_run else "import.start"
    record(actor=actor, action=action, obj=job, after={"mapping": job.mapping})
    job_id = job.pk
    transaction.on_commit(lambda: _send_run(job_id))
    return job


def _send_run(job_id: int) -> None:
    """Queue the run; a job whose message cannot be sent says so and can be started
    again (no sweep resends an import: one run must never overlap another)."""
    from kaiku.responses.tasks import run_import_task

    if not send(run_import_task, job_id):
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
            status=ImportStatus.FAILED,
            error=_(
                "The import could not start: the background queue is unreachable. "
                "Start it again in a moment."
            ),
        )


def run_import(*, job_id: int) -> ImportJob:
    """The background run. A job that is not queued or running is left as it is."""
    job = ImportJob.objects.select_related("survey").get(pk=job_id)
    if not job.in_progress:
        return job
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    try:
        with (
            job.file.open("rb") as stream,
            tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as rejected,
        ):
            report = _run(job, stream, rejected)
            if report.rejected:
                job.errors_file.save(f"{Path(job.filename).stem}-rejected.csv", File(rejected))
    except ImportFileError as exc:
        return _finish(job, ImportStatus.FAILED, error=str(exc))
    except Exception as exc:
        logger.exception("Import job %s failed", job.pk)
        _finish(job, ImportStatus.FAILED, error=_("The import stopped: %(e)s") % {"e": exc})
        raise
    return _finish(job, ImportStatus.DONE, report=report)


def _run(job: ImportJob, stream: IO[bytes], rejected: IO[str]) -> ImportReport:
    writer = csv.writer(rejected)
    writer.writerow(["row", "column", "reason"])

    def sink(error: RowError) -> None:
        writer.writerow([error.row, _safe_cell(error.column), error.reason])

    last_written = 0.0

    def progress(rows: int) -> None:
        # At most once a second: the page asks every two, and on SQLite each write
        # waits for the batch being saved.
        nonlocal last_written
        if time.monotonic() - last_written >= 1:
            last_written = time.monotonic()
            ImportJob.objects.filter(pk=job.pk).update(rows_done=rows, bytes_done=_position(stream))

    header, rows = read_table(stream, job.filename)
    importer = Importer(
        job.survey,
        header,
        job.mapping,
        dry_run=job.dry_run,
        on_progress=progress,
        error_sink=sink,
        key_prefix="" if job.dry_run else f"import-{job.pk}-",
    )
    report = importer.run(rows)
    rejected.flush()
    return report


def _finish(
    job: ImportJob, status: str, *, report: ImportReport | None = None, error: str = ""
) -> ImportJob:
    job.refresh_from_db()
    job.status = status
    job.error = error
    job.finished_at = timezone.now()
    if report is not None:
        job.rows_done = report.rows
        job.report = {
            "rows": report.rows,
            "imported": report.imported,
            "duplicates": report.duplicates,
            "rejected": report.rejected,
            "errors": [
                {"row": e.row, "column": e.column, "reason": e.reason}
                for e in report.errors[:KEPT_ERRORS]
            ],
            "ignored_columns": report.ignored_columns,
            "preview": report.preview,
        }
    job.save()
    return job


def recent_jobs(organisation: Organisation, survey_id: int) -> list[ImportJob]:
    return list(ImportJob.objects.filter(organisation=organisation, survey_id=survey_id)[:10])


def import_job(organisation: Organisation, job_id: int) -> ImportJob:
    found = ImportJob.objects.select_related("survey")
    return get_object_or_404(found, organisation=organisation, pk=job_id)


def _check_owned(actor: Actor, survey: Survey) -> None:
    if survey.organisation_id != actor.organisation.pk:
        raise ValidationError({"survey": _("No such survey in this organisation.")})


def _position(stream: IO[bytes]) -> int:
    try:
        return stream.tell()
    except (OSError, ValueError):
        return 0


def _safe_cell(text: str) -> str:
    # A column name from the file goes into a CSV a person opens in a spreadsheet.
    return f"'{text}" if text.startswith((*FORMULA_STARTS, "-")) else text
