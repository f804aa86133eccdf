"""Modal screens: a yes/no confirmation, a problem report and the help."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from sidecar.engine.support.errors import what_to_do


class Confirm(ModalScreen[bool]):
    """Yes/no, keyboard only: y confirms, n, escape or q cancels (the app's other keys wait
    until it is answered: Textual keeps them from a modal screen)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape,q", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="confirm"):
            yield Static(self.question, id="question")
            yield Static("[b]y[/b] yes    [b]n[/b] no")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class Problem(ModalScreen[None]):
    """Something the person asked for failed: what, why (one line) and what to do. Enter or
    escape closes it; the app goes on."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, title: str, message: str, hint: str = "") -> None:
        super().__init__()
        self.title_text, self.message, self.hint = title, message, hint

    def compose(self) -> ComposeResult:
        with Vertical(id="problem"):
            yield Static(f"[b]{escape(self.title_text)}[/b]")
            yield Static(escape(self.message), id="problem-message")
            if self.hint:
                yield Static(escape(self.hint), id="problem-hint")
            yield Static("[b]enter[/b] close")

    def action_close(self) -> None:
        self.dismiss(None)


def report_problem(app: App[None], title: str, exc: BaseException) -> None:
    """Show a failure of something the person asked for, in a modal (never a traceback)."""
    message = str(exc) or type(exc).__name__
    app.push_screen(Problem(title, message, what_to_do(exc)))


HELP = """[b]Everywhere[/b]   d dashboard  g groups  p pairs  w write-back  ? help
             q quit (back, on a group)   arrows, pgup/pgdn, enter: no mouse
[b]Dashboard[/b]    S sync now   R scan now   N analyse now
[b]Groups[/b]       enter open   o sort (reclaim, size, date, distance, members)
             t tier (all, exact, near, semantic); more rows load as you go
[b]A group[/b]      a keep the suggested keeper (the others to the trash queue)
             k keep the highlighted one instead   n none are duplicates
             m the highlighted one is not a duplicate of the others
             s stack them in Immich instead   x skip   u take back
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
