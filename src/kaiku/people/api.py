"""The API for employee pulse results and staff support: people's data, so only
aggregates behind the anonymity threshold, or a person's own."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["people"])
