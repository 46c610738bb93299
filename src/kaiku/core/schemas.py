"""Input types the API's schemas share: numbers a caller sends that the database can hold."""

from __future__ import annotations

from typing import Annotated

from ninja import Field

# Ids are positive 64-bit integers (BigAutoField). A larger number cannot be bound to
# a query at all (SQLite and PostgreSQL refuse it: a server error), so it is refused
# as invalid input (422) with the rest, and the OpenAPI schema says so.
ID_MAX = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=ID_MAX)]

# How far into a list the API lets a caller skip: beyond any list Kaiku keeps, and
# well inside the databases' 64-bit OFFSET.
OFFSET_MAX = 1_000_000_000
