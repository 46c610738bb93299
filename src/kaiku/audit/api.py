"""JSON API for the audit log (admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema

from kaiku.audit import selectors
from kaiku.organisations.models import Role
from kaiku.organisations.permissions import OrgAccess, actor_of

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    created_at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@router.get("/audit", response=list[AuditEntryOut], auth=OrgAccess(Role.ADMIN, write=False))
def list_audit_entries(
    request: HttpRequest,
    object_type: str = "",
    object_id: str = "",
    kind: Literal["", "reads", "changes"] = "",
    limit: int = 100,
) -> Any:
    """Newest first; `kind=reads` keeps the records of reading personal data (a response
    or case opened, an export), `kind=changes` the rest."""
    entries = selectors.audit_entries(
        actor_of(request).organisation, object_type=object_type, object_id=object_id, kind=kind
    )[: max(1, min(limit, 1000))]
    return [
        {
            **{f: getattr(e, f) for f in AuditEntryOut.model_fields if f != "actor"},
            "actor": e.actor_label,
        }
        for e in entries
    ]
