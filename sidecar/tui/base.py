"""What every screen of the TUI shares: the services it calls, formatting, half-block previews
and the optional terminal-graphics widget."""

from __future__ import annotations

from typing import Protocol, cast

from rich.text import Text
from textual.binding import Binding
from textual.dom import DOMNode

from sidecar.engine.services.review import ReviewService
from sidecar.engine.services.writeback import WritebackService
from sidecar.tui.probe import GRAPHICS

__all__ = ["GRAPHICS", "PAGE", "TuiServices", "services"]

PAGE = 200  # rows read at a time by the lists; the next page loads near the end


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


class TuiServices(Protocol):
    @property
    def review(self) -> ReviewService: ...
    @property
    def writeback(self) -> WritebackService: ...


def services(node: DOMNode) -> TuiServices:
    """The services of the app `node` belongs to (the runtime, or anything shaped like it)."""
    return cast(TuiServices, node.app.services)  # type: ignore[attr-defined]


def results_version(node: DOMNode) -> int:
    """Bumped by the app whenever analysis results may have changed (lists read before that
    are read again)."""
    return int(getattr(node.app, "results_version", 0))


def results_changed(node: DOMNode) -> None:
    node.app.results_version = results_version(node) + 1  # type: ignore[attr-defined]


def plain(*values: str) -> tuple[Text, ...]:
    """Table cells as plain text: file names and reasons are never read as markup (a name
    like "IMG [1].jpg" stays whole, "[/x]" cannot break the screen)."""
    return tuple(Text(v) for v in values)


def human(size: int | None) -> str:
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"


def common_dir(paths: list[str]) -> str:
    """The folder every path is in ("" when they share none), ending with "/"."""
    parts = [p.split("/")[:-1] for p in paths if p]
    if not parts:
        return ""
    shared: list[str] = []
    for names in zip(*parts, strict=False):
        if len(set(names)) != 1:
            break
        shared.append(names[0])
    return "/".join(shared) + "/" if shared and shared != [""] else ""


def shorten(text: str, width: int) -> str:
    """At most `width` characters, cut on the left (the end of a path says most)."""
    return text if len(text) <= width else "…" + text[-(width - 1) :]


def when(text: str | None) -> str:
    return (text or "-")[:16].replace("T", " ")


def half_blocks(grid: list[list[tuple[int, int, int]]] | None) -> Text:
    """Two pixel rows per text row: the upper half block, foreground above, background below."""
    if not grid:
        return Text("(no preview)", style="dim")
    out = Text()
    for y in range(0, len(grid), 2):
        top, bottom = grid[y], grid[y + 1] if y + 1 < len(grid) else None
        for x, (r, g, b) in enumerate(top):
            style = f"rgb({r},{g},{b})"
            if bottom is not None:
                r2, g2, b2 = bottom[x]
                style += f" on rgb({r2},{g2},{b2})"
            out.append("▀", style=style)
        out.append("\n")
    return out
