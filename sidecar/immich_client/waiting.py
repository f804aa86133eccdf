"""Which requests of this process wait for Immich now (retrying while it does not answer), so
a screen can say why a job is quiet. Process-wide on purpose: the jobs make their own clients."""

from __future__ import annotations

import time

__all__ = ["begin", "end", "waiting_s"]

_since: dict[object, float] = {}  # a request waiting -> when it started (monotonic)


def begin(request: object, started: float) -> None:
    _since.setdefault(request, started)


def end(request: object) -> None:
    _since.pop(request, None)


def waiting_s() -> float | None:
    """How long the request waiting longest has waited, in seconds (None: none waits)."""
    return time.monotonic() - min(_since.values()) if _since else None
