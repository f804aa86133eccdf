"""What a person sees when background work fails. Workers do not catch their own failures:
each screen says, by worker name, what a failure of each of its workers shows, and one
handler (in `SidecarScreen`) shows it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from textual.app import App
from textual.notifications import SeverityLevel

from sidecar.tui.screens.problem import report_problem

__all__ = ["UNEXPECTED", "OnFailure", "Show", "show_failure"]


class Show(StrEnum):
    PROBLEM = "problem"  # the Problem modal: the title, the one-line message, what to do
    ERROR = "error"  # an error notification: "<text>: <message>"
    WARNING = "warning"  # a warning notification: "<text>: <message>"
    NOTHING = "nothing"  # the screen goes on without what could not be read


@dataclass(frozen=True, slots=True)
class OnFailure:
    show: Show
    text: str = ""  # the modal's title, or what the notification starts with


UNEXPECTED = OnFailure(Show.PROBLEM, "Something failed")  # a worker no table names


def show_failure(app: App[Any], failure: OnFailure, exc: BaseException) -> None:
    """Show a worker's failure as `failure` says (never a traceback)."""
    if failure.show is Show.PROBLEM:
        report_problem(app, failure.text, exc)
    elif failure.show is not Show.NOTHING:
        message = str(exc) or type(exc).__name__  # never "cannot read the list: " alone
        severity: SeverityLevel = "error" if failure.show is Show.ERROR else "warning"
        app.notify(f"{failure.text}: {message}", severity=severity)
