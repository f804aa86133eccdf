"""How a run a person stopped (q in the TUI, Ctrl-C, a stopping daemon) is recorded: as
interrupted, with a reason that says so and what is kept, never as a failure."""

from __future__ import annotations

STOPPED_BY_YOU = "stopped by you"
AGAIN = "run it again to resume"


def stopped(kept: str) -> str:
    """The reason a stopped run is recorded with: `kept` says what stays of it."""
    return f"{STOPPED_BY_YOU}; {kept}; {AGAIN}"
