"""Shared form helpers: service errors shown on the form that caused them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError

T = TypeVar("T")


def call_service(form: forms.BaseForm, action: Callable[[], T]) -> T | None:
    """Run a service; its validation errors land on the form's fields (or the form)."""
    try:
        return action()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, exc.messages)
        return None
