"""A failure of something the person asked for: what, why (one line) and what to do."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from sidecar.engine.support.errors import what_to_do

__all__ = ["Problem", "report_problem"]


class Problem(ModalScreen[None]):
    """Something the person asked for failed: what, why (one line) and what to do. Enter or
    escape closes it; the app goes on."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, title: str, message: str, hint: str = "") -> None:
        super().__init__()
        self.title_text, self.message, self.hint = title, message, hint

    def compose(self) -> ComposeResult:
        """The title, message and hint are shown as written: they carry paths and error
        texts ("photos [2019]", "[[libraries]]"), never read as markup nor escaped."""
        with Vertical(id="problem"):
            yield Static(Content.from_markup("[b]$title[/b]", title=self.title_text))
            yield Static(Content(self.message), id="problem-message")
            if self.hint:
                yield Static(Content(self.hint), id="problem-hint")
            yield Static("[b]enter[/b] close")

    def action_close(self) -> None:
        self.dismiss(None)


def report_problem(app: App[None], title: str, exc: BaseException) -> None:
    """Show a failure of something the person asked for, in a modal (never a traceback)."""
    message = str(exc) or type(exc).__name__
    app.push_screen(Problem(title, message, what_to_do(exc)))
