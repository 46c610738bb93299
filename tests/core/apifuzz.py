"""Schemathesis against the API in-process: the schema, its cases and what a case broke.

Shared by tests/core/test_api_fuzz.py (a few cases per operation, in CI) and
benchmarks/api_fuzz.py (the full run).
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import httpx
import schemathesis
from django.conf import settings
from django.core.signals import got_request_exception
from django.test import Client
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kaiku.organisations.models import Role
from kaiku.surveys.models import Survey
from tests.core.urlwalk import KWARG, PERSON_ONLY_API, endpoints
from tests.factories import World

# Must hold for every case: no 5xx, and a documented answer has the documented shape.
REQUIRED_CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Reported by the full run, not failed on: django-ninja documents only the success
# answers, so every 401, 404 and 422 is "undocumented".
REPORTED_CHECKS = [status_code_conformance]

# Body fields that name an object, and which of the world's ids fills them.
BODY_IDS = {
    "survey_id": "survey_id",
    "journey_id": "journey_id",
    "stage_id": "stage_id",
    "touchpoint_id": "touchpoint_id",
    "segment_id": "segment_id",
    "case_id": "case_id",
    "team_id": "team_id",
    "owner_team_id": "team_id",
    "assign_team_id": "team_id",
    "owner_id": "user_id",
    "assignee_id": "user_id",
    "assign_user_id": "user_id",
    "served_by_id": "user_id",
    "stage_ids": "stage_id",
    "touchpoint_ids": "touchpoint_id",
    "webhook_ids": "webhook_id",
}


def load_schema() -> Any:
    from kaiku.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


def operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def label(operation: Any) -> str:
    return f"{operation.method.upper()} {operation.path}"


@dataclass
class Target:
    """One organisation's objects to aim at, and who sends the cases: its write-scope
    API key, or, for what a key may not do (an admin's operation, one about the
    signed-in person), its owner signed in (session cookie and CSRF token)."""

    ids: dict[str, Any]
    api_key: str
    session: str

    def credentials(self, operation: Any) -> dict[str, dict[str, str]]:
        if label(operation) not in _person_operations():
            return {"headers": {"Authorization": f"Bearer {self.api_key}"}, "cookies": {}}
        token = "fuzz" * 8
        cookies = {settings.SESSION_COOKIE_NAME: self.session, settings.CSRF_COOKIE_NAME: token}
        return {"headers": {"X-CSRFToken": token}, "cookies": cookies}


def target(world: World) -> Target:
    client = Client()
    client.force_login(world.users[Role.OWNER])
    survey = Survey.objects.get(pk=world.ids["survey_id"])
    return Target(
        ids={
            **world.ids,
            "user_id": world.users[Role.HANDLER].pk,
            "token": survey.public_token,
        },
        api_key=world.keys["write"],
        session=client.cookies[settings.SESSION_COOKIE_NAME].value,
    )


@functools.cache
def _person_operations() -> frozenset[str]:
    return frozenset(
        f"{e.method} /" + KWARG.sub(lambda m: "{" + m.group(1) + "}", e.route)
        for e in endpoints()
        if e.is_api
        and e.access is not None
        and (e.access.min_role.rank > Role.ANALYST.rank or e.name in PERSON_ONLY_API)
    )


def cases(operation: Any, ids: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Valid and invalid input on random ids (mostly not found), and on the ids of
    objects that exist, in the path and in the body, so that the operation's own code
    runs too."""
    known = {p.name: ids[p.name] for p in operation.path_parameters if p.name in ids}
    return st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known).map(
            functools.partial(_aim_body, ids=ids)
        ),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=known),
    )


def _aim_body(case: Any, ids: dict[str, Any]) -> Any:
    if isinstance(case.body, dict):
        for name, value in case.body.items():
            if name in BODY_IDS and BODY_IDS[name] in ids:
                known = ids[BODY_IDS[name]]
                case.body[name] = [known] if isinstance(value, list) else known
    return case


@dataclass
class Outcome:
    status: int
    failures: dict[str, str] = field(default_factory=dict)  # check name → message
    error: str = ""  # the server's traceback, for a 5xx


def call(case: Any, target: Target) -> Outcome:
    """Send the case as the target's caller and run every check on the answer."""
    errors: list[str] = []

    def record(sender: Any, request: Any = None, **kwargs: Any) -> None:
        errors.append(traceback.format_exc())

    got_request_exception.connect(record, weak=False)
    try:
        response = case.call(**target.credentials(case.operation))
    finally:
        got_request_exception.disconnect(record)
    outcome = Outcome(status=response.status_code, error="\n".join(errors))
    for check in REQUIRED_CHECKS + REPORTED_CHECKS:
        try:
            case.validate_response(response, checks=[check])
        except FailureGroup as group:
            outcome.failures[check.__name__] = str(group)
    return outcome


def required_failures(outcome: Outcome) -> dict[str, str]:
    names = {check.__name__ for check in REQUIRED_CHECKS}
    return {name: message for name, message in outcome.failures.items() if name in names}


async def _no_network(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    raise httpx.ConnectError(f"The fuzz run sends nothing to {url}.")


@contextmanager
def offline() -> Iterator[None]:
    """Webhooks that generated rules fire are refused before they leave the machine
    (the e-mail backend is Django's in-memory one: the test runner's, or the benchmark's)."""
    with mock.patch("kaiku.loop.delivery._post", _no_network):
        yield
