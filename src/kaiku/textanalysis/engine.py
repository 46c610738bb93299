"""The analysis engine, loaded once per process and shared by every task in it."""

from __future__ import annotations

import functools

from kaiku.analysis.analyzer import Analyzer


@functools.cache
def analyzer() -> Analyzer:
    return Analyzer()
