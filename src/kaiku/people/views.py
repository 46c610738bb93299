"""Web views for employee experience: the pulse report and the team view."""

from __future__ import annotations
