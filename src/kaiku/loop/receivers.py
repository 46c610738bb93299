"""Where the loop hears of responses: analysed comments, and responses without any."""

from __future__ import annotations


def connect() -> None:
    pass
