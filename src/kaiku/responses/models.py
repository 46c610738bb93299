"""Responses and their typed answers; respondents are pseudonymous, contacts kept apart."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from kaiku.journeys.models import Channel, Segment, Stage, Touchpoint
from kaiku.organisations.models import ApiKey, Organisation, Team
from kaiku.surveys.models import Emotion, Question, QuestionKind, Survey

# Feedback is about the time since 1900: an earlier date is a slip of the keyboard,
# and the calendar's first years cannot even be turned into UTC to be stored.
EARLIEST_MOMENT = datetime(1900, 1, 1, tzinfo=UTC)


class Respondent(models.Model):
    """A pseudonymous person: nothing here identifies them; see Contact."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="respondents"
    )
    pseudonym = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    external_ref = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="respondent_unique_external_ref",
            )
        ]

    def __str__(self) -> str:
        return str(self.pseudonym)


class Contact(models.Model):
    """How to reach a respondent; erasable on its own without touching the answers."""

    respondent = models.OneToOneField(Respondent, on_delete=models.CASCADE, related_name="contact")
    email = models.EmailField(blank=True)
    name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    may_contact = models.BooleanField(default=False)
    may_tell_changes = models.BooleanField(default=False)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.email or self.phone or str(self.respondent)


class Source(models.TextChoices):
    WEB = "web", _("Web link")
    QR = "qr", _("QR code")
    KIOSK = "kiosk", _("Kiosk")
    EMAIL = "email", _("E-mail invitation")
    API = "api", _("API")
    IMPORT = "import", _("Import")


class AnalysisState(models.TextChoices):
    NONE = "", _("Nothing to analyse")
    QUEUED = "queued", _("Queued")
    # Kept for answers saved before the analysis engine existed; `kaiku reanalyze`
    # analyses them.
    WAITING = "waiting", _("Waiting for the analysis engine")
    DONE = "done", _("Analysed")


class ResponseQuerySet(models.QuerySet["Response"]):
    def with_idempotency_keys(self, organisation_id: int, keys: list[str]) -> ResponseQuerySet:
        # The key's condition spelled out, as the unique index's own WHERE: only then do
        # SQLite and PostgreSQL use that index for a long IN list, instead of reading
        # every response of the organisation.
        found = self.filter(organisation_id=organisation_id, idempotency_key__in=keys)
        return found.exclude(idempotency_key="").order_by()

    def taken_idempotency_keys(self, organisation_id: int, keys: list[str]) -> set[str]:
        """Which of `keys` the organisation's responses already carry. The same query
        as `with_idempotency_keys`, written out: an import asks it for every batch, and
        the ORM's handling of a long IN list cost more than the query."""
        if not keys:
            return set()
        table = connection.ops.quote_name(self.model._meta.db_table)
        # One array parameter on PostgreSQL: thousands of placeholders cost the driver
        # more to parse than the query costs the server.
        postgres = connection.vendor == "postgresql"
        among = "= ANY(%s)" if postgres else "IN (" + ", ".join(["%s"] * len(keys)) + ")"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT idempotency_key FROM {table} WHERE organisation_id = %s"  # noqa: S608
                # The condition written exactly as the partial index's own, or SQLite
                # does not see that the index applies and reads the whole table.
                f" AND NOT (idempotency_key = '') AND idempotency_key {among}",
                [organisation_id, list(keys)] if postgres else [organisation_id, *keys],
            )
            return {row[0] for row in cursor.fetchall()}


class Response(models.Model):
    # Indexed as the head of the (organisation, survey, submitted_at) index below: every
    # index is one more write for each of hundreds of submissions a second.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    respondent = models.ForeignKey(
        Respondent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="responses",
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    segment = models.ForeignKey(
        Segment, on_delete=models.SET_NULL, null=True, blank=True, db_index=False
    )
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, db_index=False
    )
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, db_index=False)
    language = models.CharField(max_length=8)
    experienced_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(db_index=True)
    metadata = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    api_key = models.ForeignKey(
        ApiKey, on_delete=models.SET_NULL, null=True, blank=True, db_index=False
    )
    is_demo = models.BooleanField(default=False)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="response_unique_idempotency_key",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "survey", "submitted_at"]),
            # Optional links are indexed only where set: most responses have none, and an
            # index entry for every NULL would be written and never read.
            *(
                models.Index(
                    fields=[name],
                    condition=models.Q(**{f"{name}__isnull": False}),
                    name=f"response_{name}_set",
                )
                for name in ("respondent", "segment", "served_by", "team", "api_key")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    """One typed answer: `number` for scales and consents (0/1), `text`, or `choices`;
    emotions and curve points in their own rows."""

    # Indexed as the head of the unique (response, question) constraint.
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    number = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True)
    analysis_state = models.CharField(
        max_length=16, choices=AnalysisState.choices, default=AnalysisState.NONE, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_unique_question")
        ]
        indexes = [
            # The few answers waiting for analysis, found without reading all the
            # others: the sweep for lost analyses looks every minute.
            models.Index(
                fields=["id"],
                condition=models.Q(analysis_state="queued"),
                name="answer_waiting_analysis",
            )
        ]

    def __str__(self) -> str:
        return f"{self.question.key}"


class EmotionAnswer(models.Model):
    # Indexed as the head of the unique (answer, emotion) constraint.
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="emotions", db_index=False
    )
    emotion = models.CharField(max_length=16, choices=Emotion.choices)
    intensity = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "emotion"], name="emotion_once_per_answer"),
            models.CheckConstraint(
                condition=models.Q(intensity__gte=1, intensity__lte=3),
                name="emotion_intensity_1_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.emotion} {self.intensity}"


class CurvePoint(models.Model):
    """How one stage of the journey felt, −3…+3, with an optional word."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="curve")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="curve_points")
    score = models.SmallIntegerField()
    word = models.CharField(max_length=60, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "stage"], name="curve_stage_once"),
            models.CheckConstraint(
                condition=models.Q(score__gte=-3, score__lte=3), name="curve_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage_id}: {self.score:+d}"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded: choose the columns")
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def _import_path(job: ImportJob, filename: str) -> str:
    # The name a person gave is kept in `filename`; the stored name reveals nothing.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "csv"
    return f"imports/{job.organisation_id}/{uuid.uuid4().hex}.{suffix}"


class ImportJob(models.Model):
    """An uploaded CSV or XLSX file of past feedback, its column mapping, and the run
    that checks (a dry run) or imports it in the background, with progress and report."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to=_import_path, max_length=300)
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField(default=0)
    header = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, blank=True)  # target → column name
    dry_run = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    rows_done = models.PositiveIntegerField(default=0)
    bytes_done = models.BigIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)
    errors_file = models.FileField(upload_to=_import_path, max_length=300, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} → {self.survey} ({self.status})"

    @property
    def percent(self) -> int | None:
        """Progress by bytes read, where the file is read front to back (CSV)."""
        if self.status == ImportStatus.DONE:
            return 100
        if not self.size or self.filename.lower().endswith(".xlsx"):
            return None
        return min(99, int(100 * self.bytes_done / self.size))

    @property
    def in_progress(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
