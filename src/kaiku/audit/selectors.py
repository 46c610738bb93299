"""Reading the audit log of one organisation."""

from django.db.models import Q, QuerySet

from kaiku.audit.models import AuditEntry
from kaiku.organisations.models import Organisation

# Entries that record reading personal data (one response or case opened, an export)
# rather than a change: "response.view", "case.view", "journey.export", "export_pulse"…
READS = Q(action__endswith=".view") | Q(action__contains="export")
KINDS = ("reads", "changes")


def audit_entries(
    organisation: Organisation, *, object_type: str = "", object_id: str = "", kind: str = ""
) -> QuerySet[AuditEntry]:
    """The organisation's entries, newest first; `kind` "reads" or "changes" keeps one sort."""
    entries = AuditEntry.objects.filter(organisation=organisation).select_related("user")
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if kind == "reads":
        entries = entries.filter(READS)
    elif kind == "changes":
        entries = entries.exclude(READS)
    return entries
