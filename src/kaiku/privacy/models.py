"""Privacy records: data-subject requests (without the identifier in clear), each
organisation's retention policy, consent given or withdrawn, and the processors
named in the record of processing."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaiku.organisations.models import Organisation
from kaiku.responses.models import Respondent, Response
from kaiku.surveys.models import Question

# Stored in place of text that named or quoted an erased person; in the style of the
# redaction placeholders ([NIMI], [PUHELIN]) that readers already know.
ERASED = "[POISTETTU]"


class RequestKind(models.TextChoices):
    FIND = "find", _("Find")
    EXPORT = "export", _("Export")
    ERASE = "erase", _("Erase")


class RequestStatus(models.TextChoices):
    DONE = "done", _("Done")
    NOTHING_FOUND = "nothing_found", _("Nothing found")


class RequestChannel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    CLI = "cli", _("Command line")


class DataSubjectRequest(models.Model):
    """One request about a person: what was asked, by whom, what it found or did.

    The identifier itself is not kept: only a keyed hash of it (HMAC-SHA256 with the
    server's secret key, salted with the organisation), so that a repeated request
    for the same person can be recognised, and nothing can be read back from it.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="data_subject_requests"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=RequestKind.choices)
    identifier_type = models.CharField(_("identifier"), max_length=32)
    identifier_digest = models.CharField(max_length=64, db_index=True)
    channel = models.CharField(max_length=8, choices=RequestChannel.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=300)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices)
    respondents = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class RetentionPolicy(models.Model):
    """How long an organisation keeps each kind of personal data; null keeps it.

    An organisation without a saved policy has the defaults below (docs/privacy.md
    gives the reasons). Scores, emotions picked and the dashboards' facts and rollups
    are kept: they identify nobody once text and contact details are gone.
    """

    DEFAULT_FREE_TEXT_MONTHS = 24
    DEFAULT_CONTACT_MONTHS = 12
    DEFAULT_CASE_NOTE_MONTHS = 24
    DEFAULT_IMPORT_FILE_DAYS = 30

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="retention_policy"
    )
    free_text_months = models.PositiveSmallIntegerField(
        _("free text, months"),
        null=True,
        blank=True,
        default=DEFAULT_FREE_TEXT_MONTHS,
        validators=[MinValueValidator(1)],
        help_text=_("Comments and the words of their analysis, counted from the answer."),
    )
    contact_months = models.PositiveSmallIntegerField(
        _("contact details, months"),
        null=True,
        blank=True,
        default=DEFAULT_CONTACT_MONTHS,
        validators=[MinValueValidator(1)],
        help_text=_("E-mail, name, phone and consents, counted from the person's last answer."),
    )
    case_note_months = models.PositiveSmallIntegerField(
        _("case notes, months"),
        null=True,
        blank=True,
        default=DEFAULT_CASE_NOTE_MONTHS,
        validators=[MinValueValidator(1)],
        help_text=_("Notes, root causes and resolutions, counted from when the case ended."),
    )
    import_file_days = models.PositiveSmallIntegerField(
        _("import files, days"),
        null=True,
        blank=True,
        default=DEFAULT_IMPORT_FILE_DAYS,
        validators=[MinValueValidator(1)],
        help_text=_("Uploaded CSV and XLSX files and their rejected rows, counted from upload."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return f"retention of {self.organisation_id}"


class ConsentKind(models.TextChoices):
    CONTACT = "contact", _("May contact about the feedback")
    UPDATES = "updates", _("May tell what changed")
    INVITATIONS = "invitations", _("Survey invitations")


class ConsentChannel(models.TextChoices):
    WEB = "web", _("Web form")
    QR = "qr", _("QR code")
    KIOSK = "kiosk", _("Kiosk")
    EMAIL = "email", _("E-mail invitation")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    OPT_OUT = "opt_out", _("Opt-out link")
    UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link")


class ConsentRecord(models.Model):
    """A consent given or withdrawn: what, when, where, and the words shown then."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    respondent = models.ForeignKey(
        Respondent, on_delete=models.CASCADE, related_name="consent_records"
    )
    kind = models.CharField(_("consent"), max_length=16, choices=ConsentKind.choices)
    given = models.BooleanField(_("given"))
    at = models.DateTimeField(_("when"))
    channel = models.CharField(_("channel"), max_length=16, choices=ConsentChannel.choices)
    language = models.CharField(max_length=8, blank=True)
    # The question (or the page's wording) as the person read it, and its SHA-256:
    # the version of the text, comparable across records without reading them.
    text = models.TextField(_("text shown"), blank=True)
    text_sha256 = models.CharField(max_length=64, blank=True)
    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        constraints = [
            # A response's consents are recorded once, however often its signal arrives.
            models.UniqueConstraint(
                fields=["response", "kind"],
                condition=models.Q(response__isnull=False),
                name="consent_once_per_response",
            )
        ]
        indexes = [models.Index(fields=["respondent", "kind", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} {'given' if self.given else 'withdrawn'}"


class ProcessorList(models.Model):
    """The processors (sub-contractors) an organisation names in its record of
    processing: the one part of the record Kaiku cannot know by itself."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="processor_list"
    )
    text = models.TextField(_("processors"), max_length=8000, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("processor list")

    def __str__(self) -> str:
        return f"processors of {self.organisation_id}"
