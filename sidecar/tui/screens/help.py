"""The help: every key of every screen on one page."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["HELP", "Help"]


HELP = """[b]Everywhere[/b]   d dashboard  g groups  p pairs  w write-back  ? help
             q quit (back, on a group)   arrows, pgup/pgdn, enter: no mouse
[b]Dashboard[/b]    S sync now   R scan now   N analyse now
[b]Groups[/b]       enter open   o sort (reclaim, date, distance, members)
             t tier   f all/undecided/decided   / path filter (escape: none)
             A accept every suggested keeper shown (asks)   U undo it (asks)
[b]Lists[/b]        home/end: first/last of the whole list; pages load as you go
[b]A group[/b]      a keep the suggested keeper (the others to the trash queue)
             k keep the highlighted one instead   n none are duplicates
             m the highlighted one is not a duplicate of the others
             s stack them in Immich instead   x skip   u take back
             c full-screen compare (f flips keeper / member)   v previews
             escape back to the list; a decision opens the next group
[b]Pairs[/b]        a accept (stacked in Immich)   r not a pair
             c next member as primary   u take back
[b]Write-back[/b]   l plan   A apply (asks)   T apply with the trash queue (asks)
             u undo the highlighted run (asks)
Decisions are recorded at once; nothing reaches Immich before an apply.
The trash is Immich's own (recoverable); nothing is deleted for good."""


class Help(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(HELP)

    def action_close(self) -> None:
        self.dismiss(None)
