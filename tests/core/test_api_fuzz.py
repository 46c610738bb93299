"""Generated input for every API operation: no server error, and every documented
answer in its documented shape (schemathesis, in-process).

A few cases per operation, the same ones each run; benchmarks/api_fuzz.py sends
thousands. A failure prints the case as a curl command and the server's traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings

from tests.core import apifuzz
from tests.factories import make_world

EXAMPLES = 8
SCHEMA = apifuzz.load_schema()
OPERATIONS = apifuzz.operations(SCHEMA)


@pytest.fixture
def _requests_inside_the_test_transaction() -> Iterator[None]:
    """Django's WSGI handler closes the database connection around each request; the
    test client does not, and neither may the fuzzer, or the test's transaction ends."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_schema_has_every_operation() -> None:
    assert len(OPERATIONS) > 90


def test_every_id_the_api_takes_has_a_range() -> None:
    """An id past 64 bits cannot reach the database (a server error before): the schema
    bounds every id in a query or a body (kaiku.core.schemas.Id)."""
    schema = SCHEMA.raw_schema
    unbounded = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            # Path ids are looked up by primary key, which Django answers for any number.
            parameters = [p for p in operation.get("parameters", []) if p["in"] != "path"]
            places = [(p["name"], p["schema"]) for p in parameters]
            body = operation.get("requestBody", {}).get("content", {})
            for content in body.values():
                places += _properties(content["schema"], schema["components"]["schemas"])
            unbounded += [
                f"{method.upper()} {path} {name}"
                for name, field in places
                if (name.endswith(("_id", "_ids")) or name in {"survey", "segment", "team"})
                and _integer_without_maximum(field)
            ]
    assert unbounded == []


def _properties(schema: dict[str, Any], components: dict[str, Any]) -> list[tuple[str, Any]]:
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    found = []
    for name, field in schema.get("properties", {}).items():
        found.append((name, field))
        for inner in [field, field.get("items", {}), *field.get("anyOf", [])]:
            if "$ref" in inner or "properties" in inner:
                found += _properties(inner, components)
    return found


def _integer_without_maximum(field: dict[str, Any]) -> bool:
    variants = [field, field.get("items", {}), *field.get("anyOf", [])]
    variants += [v.get("items", {}) for v in field.get("anyOf", [])]
    return any(v.get("type") == "integer" and "maximum" not in v for v in variants)


@pytest.mark.django_db
@pytest.mark.usefixtures("_requests_inside_the_test_transaction")
@pytest.mark.parametrize("operation", OPERATIONS, ids=apifuzz.label)
def test_generated_input_gets_no_server_error(operation: Any) -> None:
    target = apifuzz.target(make_world())
    answered: list[int] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=apifuzz.cases(operation, target.ids))
    def send(case: Any) -> None:
        outcome = apifuzz.call(case, target)
        answered.append(outcome.status)
        failures = apifuzz.required_failures(outcome)
        assert not failures, "\n".join([*failures.values(), outcome.error])

    with apifuzz.offline():
        send()
    assert answered
