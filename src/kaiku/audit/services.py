"""Writing audit entries; every service that changes data calls `record`."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.forms.models import model_to_dict

from kaiku.audit.models import AuditEntry
from kaiku.organisations.actors import Actor


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe picture of a model instance's own fields, for before/after."""
    data = model_to_dict(obj, fields=fields)
    return {k: _json_safe(v) for k, v in data.items()}


def _json_safe(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        organisation=actor.organisation,
        user=actor.user,
        api_key=actor.api_key,
        actor_label=str(actor)[:300],
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=str(obj.pk or ""),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
    )
