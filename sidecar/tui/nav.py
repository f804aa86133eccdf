"""The keys that go from one screen to another, as each screen's footer shows them."""

from __future__ import annotations

from textual.binding import Binding

__all__ = ["SCREEN_KEYS", "nav"]

SCREEN_KEYS = (
    ("d", "dashboard", "Home"),
    ("g", "groups", "Groups"),
    ("p", "pairs", "Pairs"),
    ("w", "writeback", "Write-back"),
)


def nav(here: str, *, quit: bool = False) -> list[Binding]:
    """Footer hints for going to the other screens, then help (and quit where it fits); the
    keys themselves work everywhere: they are the app's."""
    return (
        [
            Binding(key, f"app.go('{name}')", label)
            for key, name, label in SCREEN_KEYS
            if name != here
        ]
        + [Binding("question_mark", "app.help", "Help")]
        + ([Binding("q", "app.quit_or_back", "Quit")] if quit else [])
    )
