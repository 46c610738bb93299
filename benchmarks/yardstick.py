"""How fast this machine is right now: shared machines vary by half from hour to
hour, so every benchmark prints this beside its figures to make runs comparable."""

from __future__ import annotations

import time


def python_loop_seconds(iterations: int = 10_000_000) -> float:
    """Seconds for a plain Python loop adding integers (about 0.6 s on an idle core of a
    2020s server; more when the machine is busy or throttled)."""
    started = time.perf_counter()
    total = 0
    for i in range(iterations):
        total += i
    return time.perf_counter() - started


def describe() -> str:
    return f"yardstick: a 10M-step Python loop took {python_loop_seconds():.2f} s"
