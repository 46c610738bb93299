"""The record of processing activities (GDPR art. 30), generated from what the
organisation actually has, with the processors its admins name; as data, Markdown
or a page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaiku.audit.services import record
from kaiku.invitations.models import Invitation, InvitationRound
from kaiku.journeys.models import Journey
from kaiku.loop.models import AlertRule, Announcement, Case, CaseEvent, Webhook, WebhookFormat
from kaiku.organisations.actors import Actor
from kaiku.organisations.models import ApiKey, Membership, Organisation
from kaiku.people.models import PulseResponse
from kaiku.privacy.models import ConsentRecord, ProcessorList
from kaiku.privacy.selectors import policy_for, processors_of
from kaiku.responses.models import Answer, Contact, ImportJob, Respondent, Response
from kaiku.surveys.models import Survey, SurveyMode
from kaiku.walkthroughs.models import Walkthrough

PROCESSORS_MAX = 8000


def _months(value: int | None) -> str:
    if value is None:
        return _("kept until deleted")
    return ngettext("%(n)d month", "%(n)d months", value) % {"n": value}


def _days(value: int | None) -> str:
    if value is None:
        return _("kept until deleted")
    return ngettext("%(n)d day", "%(n)d days", value) % {"n": value}


def record_of_processing(organisation: Organisation) -> dict[str, Any]:
    """The record as plain data: lists of sentences and counted categories."""
    org = organisation
    responses = Response.objects.filter(organisation=org)
    surveys = Survey.objects.filter(organisation=org)
    sensitive = (
        surveys.filter(sensitive=True).exists()
        or Journey.objects.filter(organisation=org, sensitive=True).exists()
    )
    pulse = PulseResponse.objects.filter(organisation=org).count()
    has_pulse = pulse > 0 or surveys.filter(mode=SurveyMode.EMPLOYEE).exists()
    cases = Case.objects.filter(organisation=org)
    contacts = Contact.objects.filter(respondent__organisation=org)
    invitations = Invitation.objects.filter(round__organisation=org)

    purposes = [_("Collecting and analysing customer feedback to improve the services.")]
    if cases.exists() or AlertRule.objects.filter(organisation=org, open_case=True).exists():
        purposes.append(_("Following up feedback with the customer who gave it (cases)."))
    if InvitationRound.objects.filter(organisation=org).exists():
        purposes.append(_("Inviting customers by e-mail to answer surveys."))
    if (
        Announcement.objects.filter(organisation=org).exists()
        or contacts.filter(may_tell_changes=True).exists()
    ):
        purposes.append(_("Telling customers who asked what changed because of feedback."))
    if responses.filter(served_by__isnull=False).exists():
        purposes.append(_("Feedback to staff members and teams on their service."))
    if has_pulse:
        purposes.append(_("Following employee wellbeing through an anonymous pulse survey."))
    if Walkthrough.objects.filter(organisation=org).exists():
        purposes.append(_("Service walkthroughs by staff."))

    subjects = [
        _("Customers who answered surveys (%(n)d pseudonymous respondents and anonymous ones).")
        % {"n": Respondent.objects.filter(organisation=org).count()}
    ]
    if sensitive:
        subjects.append(
            _("Relatives and next of kin answering about a service in grief, illness or crisis.")
        )
    if has_pulse:
        subjects.append(_("Employees answering the pulse: anonymous, team and month only."))
    subjects.append(
        _("Staff members using Kaiku (%(n)d members): names in cases and staff feedback.")
        % {"n": Membership.objects.filter(organisation=org).count()}
    )

    categories = [
        _category(_("Contact details: e-mail, name, phone"), "responses.Contact", contacts.count()),
        _category(
            _("Consents given and withdrawn, with the wording shown"),
            "privacy.ConsentRecord",
            ConsentRecord.objects.filter(organisation=org).count(),
        ),
        _category(
            _("Free-text comments (personal data redacted as set below)"),
            "responses.Answer, textanalysis.TextAnalysis",
            Answer.objects.filter(response__organisation=org).exclude(text="").count(),
        ),
        _category(
            _("Scores, emotions and choices"), "responses.Response, analytics", responses.count()
        ),
        _category(
            _("Case notes, root causes and resolutions"),
            "loop.Case, loop.CaseEvent",
            CaseEvent.objects.filter(case__organisation=org).exclude(text="").count(),
        ),
        _category(_("E-mail invitations"), "invitations.Invitation", invitations.count()),
        _category(
            _("Uploaded import files"),
            "responses.ImportJob",
            ImportJob.objects.filter(organisation=org).exclude(file="").count(),
        ),
    ]
    if has_pulse:
        categories.append(
            _category(_("Anonymous employee pulse answers"), "people.PulseResponse", pulse)
        )
    special = (
        [
            _(
                "Comments about a sensitive service may tell of health, grief or crisis: "
                "special categories of data (GDPR art. 9)."
            )
        ]
        if sensitive
        else []
    )

    webhooks = Webhook.objects.filter(organisation=org, active=True).order_by("name")
    recipients = [
        _("Members of the organisation by role, in Kaiku: %(roles)s.")
        % {"roles": ", ".join(_role_counts(org))},
        _("E-mail through the mail server %(host)s.") % {"host": settings.EMAIL_HOST},
    ]
    hosts = sorted({urlsplit(w.url).hostname or "" for w in webhooks} - {""})
    if hosts:
        recipients.append(
            _("Webhooks (case notifications): %(hosts)s.") % {"hosts": ", ".join(hosts)}
        )
    domains = sorted(
        {
            address.rsplit("@", 1)[-1].lower()
            for rule in AlertRule.objects.filter(organisation=org, active=True)
            for address in rule.notify_emails
            if "@" in address
        }
    )
    if domains:
        recipients.append(
            _("Alert e-mails to addresses at: %(domains)s.") % {"domains": ", ".join(domains)}
        )
    keys = ApiKey.objects.filter(organisation=org, revoked_at__isnull=True).order_by("name")
    if keys:
        recipients.append(
            _("Systems reading through the API (keys): %(names)s.")
            % {"names": ", ".join(k.name for k in keys)}
        )
    transfers = [
        _("%(name)s (%(host)s): a chat service that may store messages outside the EU/EEA.")
        % {"name": w.name, "host": urlsplit(w.url).hostname}
        for w in webhooks
        if w.format in (WebhookFormat.SLACK, WebhookFormat.TEAMS)
    ]

    policy = policy_for(org)
    retention = [
        {"what": _("Free-text comments"), "period": _months(policy.free_text_months)},
        {
            "what": _("Contact details and consents, after the last answer"),
            "period": _months(policy.contact_months),
        },
        {"what": _("Case notes, after the case ended"), "period": _months(policy.case_note_months)},
        {"what": _("Import files"), "period": _days(policy.import_file_days)},
        {
            "what": _("Scores, emotions and the dashboards' aggregates"),
            "period": _("kept: they identify nobody once text and contacts are gone"),
        },
    ]
    if not policy.pk:
        retention.append({"what": _("Policy"), "period": _("Kaiku's defaults")})

    safeguards = [
        _("Personal data in comments: %(setting)s.") % {"setting": org.get_pii_redaction_display()},
        _("Figures are shown only from %(n)d responses up (anonymity threshold).")
        % {"n": settings.KAIKU_MIN_N},
        _("Respondents are pseudonymous; contact details are kept apart and erasable."),
        _("Access by role within the organisation; every change is in the audit log."),
        _("Webhook requests are signed with HMAC-SHA256; notifications carry no comments."),
    ]
    if has_pulse:
        safeguards.append(
            _(
                "The employee pulse keeps no user, time or address: only the team chosen "
                "and the month, shown behind the anonymity threshold."
            )
        )
    return {
        "format": "kaiku.record-of-processing",
        "version": 1,
        "controller": org.name,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "purposes": purposes,
        "data_subjects": subjects,
        "data_categories": categories,
        "special_categories": special,
        "recipients": recipients,
        "transfers": transfers,
        "retention": retention,
        "safeguards": safeguards,
        "processors": processors_of(org).text,
    }


def _category(what: str, where: str, count: int) -> dict[str, Any]:
    return {"category": what, "where": where, "count": count}


def _role_counts(organisation: Organisation) -> list[str]:
    memberships = Membership.objects.filter(organisation=organisation)
    counts: dict[str, int] = {}
    for membership in memberships:
        label = str(membership.get_role_display())
        counts[label] = counts.get(label, 0) + 1
    return [f"{label} {n}" for label, n in counts.items()]


def as_markdown(document: dict[str, Any]) -> str:
    lines = [
        "# " + _("Record of processing activities"),
        "",
        _("Controller: %(name)s. Generated by Kaiku on %(when)s.")
        % {"name": document["controller"], "when": document["generated_at"]},
    ]

    def section(title: str, items: list[str]) -> None:
        lines.extend(["", "## " + title, ""])
        lines.extend(f"- {item}" for item in items or [_("None.")])

    section(_("Purposes"), document["purposes"])
    section(_("Categories of data subjects"), document["data_subjects"])
    section(
        _("Categories of personal data"),
        [f"{c['category']} ({c['where']}): {c['count']}" for c in document["data_categories"]]
        + document["special_categories"],
    )
    section(_("Recipients"), document["recipients"])
    section(_("Transfers outside the EU/EEA"), document["transfers"])
    section(_("Retention"), [f"{r['what']}: {r['period']}" for r in document["retention"]])
    section(_("Safeguards"), document["safeguards"])
    lines.extend(["", "## " + _("Processors"), "", document["processors"] or _("None named.")])
    return "\n".join(lines) + "\n"


@transaction.atomic
def save_processors(*, actor: Actor, text: str) -> ProcessorList:
    text = text.strip()
    if len(text) > PROCESSORS_MAX:
        raise ValidationError({"text": _("At most %(n)d characters.") % {"n": PROCESSORS_MAX}})
    found = processors_of(actor.organisation)
    before = {"text": found.text} if found.pk else None
    found.text = text
    found.updated_by = actor.user
    found.save()
    record(actor=actor, action="privacy.processors", obj=found, before=before, after={"text": text})
    return found
