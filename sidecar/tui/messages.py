"""Messages the TUI's screens post, named for what happened."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.screen import Screen

__all__ = ["ResultsChanged"]


@dataclass
class ResultsChanged(Message):
    """A sync, scan, analysis, plan or apply ran: lists and plans read before are out of date.
    The app tells every main screen but `fresh` (the one that shows the new results already)."""

    fresh: Screen[None] | None = None
