"""A yes/no question, answered from the keyboard."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

__all__ = ["Confirm"]


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
