"""Reading the audit log of one organisation."""

from django.db.models import QuerySet

from kaiku.audit.models import AuditEntry
from kaiku.organisations.models import Organisation


def audit_entries(
    organisation: Organisation, *, object_type: str = "", object_id: str = ""
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(organisation=organisation).select_related("user")
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    return entries
