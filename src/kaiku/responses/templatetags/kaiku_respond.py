"""Small filters for the respondent form: read posted values back, encode conditions."""

from __future__ import annotations

import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def getvalue(data: Any, name: str) -> Any:
    return data.get(name, "") if hasattr(data, "get") else ""


@register.filter
def getlist(data: Any, name: str) -> list[str]:
    return data.getlist(name) if hasattr(data, "getlist") else []


@register.filter
def json_value(value: Any) -> str:
    return json.dumps(value)
