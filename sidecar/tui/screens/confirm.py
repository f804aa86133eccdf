"""A yes/no question, answered from the keyboard, that fits an 80x24 terminal however long it
is: warnings first, the text scrolls, the yes/no line stays at the bottom."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["Confirm"]


class Confirm(ModalScreen[bool]):
    """Yes/no, keyboard only: y confirms, n, escape or q cancels (the app's other keys wait
    until it is answered: Textual keeps them from a modal screen). The body (the warnings,
    then `question`) scrolls with the arrow and page keys; the line with `prompt` and the
    keys is always shown. A str `question` and the warnings are shown as written (never read
    as markup); a styled question is `Content`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape,q", "answer(False)", "No"),
    ]

    def __init__(
        self, question: Content | str, *, warnings: list[str] | None = None, prompt: str = ""
    ) -> None:
        super().__init__()
        self.question = question
        self.warnings = list(warnings or [])
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            with VerticalScroll(id="confirm-body"):
                for warning in self.warnings:
                    yield Static(Content(f"⚠ {warning}"), classes="confirm-warning")
                question = self.question
                yield Static(
                    Content(question) if isinstance(question, str) else question, id="question"
                )
            ask = Content.styled(self.prompt, "bold") + "   " if self.prompt else Content()
            keys = Content.from_markup("[b]y[/b] yes    [b]n[/b] no")
            yield Static(ask + keys, id="confirm-keys")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
