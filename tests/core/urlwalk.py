"""Every view and API operation in the URL configuration, with its declared access."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from ninja.operation import PathView

from kaiku.organisations.models import Role
from kaiku.organisations.permissions import Access, OrgAccess

# Django's own admin keeps its own staff-only permissions.
SKIPPED_NAMESPACES = {"admin"}
KWARG = re.compile(r"<(?:\w+:)?(\w+)>")
# API operations about the signed-in person: an API key, whatever its scope, is no person.
PERSON_ONLY_API = {"my_feedback", "staff_support"}


@dataclass
class Endpoint:
    route: str
    method: str
    access: Access | None
    public: bool
    is_api: bool
    name: str

    def url(self, ids: dict[str, int]) -> str:
        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in ids:
                raise KeyError(f"{self.route}: add {name!r} to the test world's ids")
            return str(ids[name])

        return "/" + KWARG.sub(fill, self.route)

    @property
    def kwargs(self) -> list[str]:
        return KWARG.findall(self.route)

    def __str__(self) -> str:
        return f"{self.method} /{self.route}"

    def example_body(self) -> Any:
        """A smallest valid JSON body for the operation, from its OpenAPI schema."""
        from kaiku.api import api

        schema = api.get_openapi_schema()
        path = "/" + KWARG.sub(lambda m: "{" + m.group(1) + "}", self.route)
        operation = schema["paths"].get(path, {}).get(self.method.lower(), {})
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body is None:
            return {}
        return _example(body["schema"], schema["components"]["schemas"])


def _example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    if "anyOf" in schema:
        return _example(schema["anyOf"][0], components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        required = schema.get("required", [])
        properties = schema.get("properties", {})
        return {name: _example(properties[name], components) for name in required}
    return {"string": "Esimerkki", "integer": 1, "number": 1, "boolean": True, "array": []}.get(
        kind or ""
    )


def endpoints() -> list[Endpoint]:
    return list(_walk(get_resolver().url_patterns, ""))


def _walk(patterns: list[Any], prefix: str) -> Iterator[Endpoint]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            path_view = _path_view(pattern.callback)
            if path_view is not None:
                yield from _api_endpoints(route, path_view)
            else:
                yield _view_endpoint(route, pattern)


def _path_view(callback: Any) -> PathView | None:
    for cell in getattr(callback, "__closure__", None) or ():
        if isinstance(cell.cell_contents, PathView):
            return cell.cell_contents
    return None


def _api_endpoints(route: str, path_view: PathView) -> Iterator[Endpoint]:
    for operation in path_view.operations:
        accesses = [cb.access for cb in operation.auth_callbacks if isinstance(cb, OrgAccess)]
        for method in operation.methods:
            yield Endpoint(
                route=route,
                method=method,
                access=accesses[0] if accesses else None,
                public=bool(getattr(operation.view_func, "kaiku_public", False)),
                is_api=True,
                name=operation.view_func.__name__,
            )


def _view_endpoint(route: str, pattern: URLPattern) -> Endpoint:
    callback = pattern.callback
    view_class = getattr(callback, "view_class", None)
    access = getattr(callback, "kaiku_access", None)
    public = bool(
        getattr(callback, "kaiku_public", False) or getattr(callback, "kaiku_signed_in", False)
    )
    method = ("POST" if access.write else "GET") if access is not None else "GET"
    name = pattern.name or (view_class.__name__ if view_class else callback.__name__)
    return Endpoint(
        route=route, method=method, access=access, public=public, is_api=False, name=name
    )


ROLES = [Role.OWNER, Role.ADMIN, Role.ANALYST, Role.HANDLER, Role.VIEWER]
