"""Collecting validation errors under dotted paths, so a caller sees every problem."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models


class Errors:
    """Collects field errors under dotted paths ("stages.1.touchpoints.0.channel")."""

    def __init__(self) -> None:
        self.by_path: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.by_path.setdefault(path, []).append(message)

    def check_model(self, obj: models.Model, prefix: str, exclude: Iterable[str] = ()) -> None:
        try:
            obj.full_clean(exclude=list(exclude), validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                path = f"{prefix}{name}" if name != "__all__" else prefix.rstrip(".")
                for message in messages:
                    self.add(path or "__all__", message)

    def raise_if_any(self) -> None:
        if self.by_path:
            raise ValidationError(self.by_path)


def error_details(exc: ValidationError, root: str = "body") -> list[dict[str, object]]:
    """A ValidationError as django-ninja's 422 detail: [{"loc": [...], "msg": ...}]."""
    if not hasattr(exc, "error_dict"):
        return [{"loc": [root], "msg": m, "type": "value_error"} for m in exc.messages]
    detail: list[dict[str, object]] = []
    for path, messages in exc.message_dict.items():
        # ASCII digits only: "²" is a digit to str.isdigit() but no number to int().
        loc = [root, *(int(p) if p.isascii() and p.isdigit() else p for p in path.split("."))]
        detail += [{"loc": loc, "msg": message, "type": "value_error"} for message in messages]
    return detail
