"""A yes/no question, answered from the keyboard, that fits an 80x24 terminal however long it
is: warnings first, the text scrolls, the yes/no line stays at the bottom."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["Confirm"]


class Confirm(ModalScreen[bool]):
    """Yes/no, keyboard only: y confirms, n, escape or q cancels (the app's other keys wait
    until it is answered: Textual keeps them from a modal screen). The body (the warnings,
    then `question`) scrolls with the arrow and page keys; the line with `prompt` and the
    keys is always shown. `question` is Rich markup; warnings are plain text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape,q", "answer(False)", "No"),
    ]

    def __init__(
        self, question: str, *, warnings: list[str] | None = None, prompt: str = ""
    ) -> None:
        super().__init__()
        self.question = question
        self.warnings = list(warnings or [])
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            with VerticalScroll(id="confirm-body"):
                for warning in self.warnings:
                    yield Static(f"⚠ {escape(warning)}", classes="confirm-warning")
                yield Static(self.question, id="question")
            ask = f"[b]{escape(self.prompt)}[/b]   " if self.prompt else ""
            yield Static(f"{ask}[b]y[/b] yes    [b]n[/b] no", id="confirm-keys")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
