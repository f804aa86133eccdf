"""What the review reads the groups through and shows on its home screen: the view of the
groups (`GroupQuery`, by decided state `Shown`) and the home screen's numbers (`Overview`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sidecar.engine.core.models import JobState


class Shown(StrEnum):
    """Which groups a view shows by what was decided about them."""

    ALL = "all"
    UNDECIDED = "undecided"
    DECIDED = "decided"


@dataclass(frozen=True, slots=True)
class GroupQuery:
    """A view of the groups: its order, tier, decided state and path text (groups with a
    member whose path contains it). `decided`: the decided groups when the view was made, so
    that its pages neither skip nor repeat a group while decisions are being made."""

    sort: str = "reclaim"
    tier: str | None = None
    shown: Shown = Shown.ALL
    text: str = ""
    decided: frozenset[int] = frozenset()

    def filters(self) -> dict[str, Any]:
        """The store's filters for this view."""
        ids = sorted(self.decided)
        return {
            "text": self.text,
            "only": ids if self.shown is Shown.DECIDED else None,
            "skip": ids if self.shown is Shown.UNDECIDED else None,
        }


@dataclass(slots=True)
class Overview:
    """The numbers the TUI's home screen shows: inventory, results, jobs, drift, queue."""

    files: int
    files_removed: int
    assets: int
    roots: list[str]
    groups: dict[str, int]
    pairs: dict[str, int]
    jobs: list[JobState] = field(default_factory=list)
    watcher: str = "off"
    heartbeat: str | None = None
    drift: dict[str, int] = field(default_factory=dict)
    trash_pending: int = 0
    per_user: dict[str, int] = field(default_factory=dict)
