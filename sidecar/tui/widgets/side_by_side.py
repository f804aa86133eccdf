"""Two photos side by side, each with a caption (a video: ▶ before its name, and a line with
its length, size and codec under it, over its poster frame): sixel or kitty graphics where the
terminal has them, colour half blocks everywhere else. Decoding (and reading Immich's thumbnail
for a member with no file here) happens in a worker, so a slow disk or Immich never blocks the
keys."""

from __future__ import annotations

from typing import Any

from textual import events, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from sidecar.engine.core.models import Member
from sidecar.engine.services.review import Previews
from sidecar.tui.probe import GRAPHICS
from sidecar.tui.text import marked, shorten, video_facts
from sidecar.tui.widgets.half_blocks import half_blocks

PREVIEW_COLS, PREVIEW_ROWS = 37, 7  # used until the layout gives the preview its size
SIDES = ("left", "right")


class SideBySide(Horizontal):
    def __init__(self, previews: Previews, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.previews = previews
        self.shown: tuple[str | None, str | None] = (None, None)
        self.members: tuple[Member, Member | None] | None = None  # the two drawn last

    def compose(self) -> ComposeResult:
        for side in SIDES:
            with Vertical(classes="side"):
                yield Static("", id=f"caption-{side}", classes="caption")
                facts = Static("", id=f"facts-{side}", classes="caption")
                facts.display = False  # a video's line
                yield facts
                if GRAPHICS:
                    yield GRAPHICS[0](id=f"preview-{side}", classes="preview")
                else:
                    yield Static("", id=f"preview-{side}", classes="preview")

    def show(self, left: tuple[str, str, Member], right: tuple[str, str, Member] | None) -> None:
        """(role, label, member) for each side: captions now, the photos when they changed
        (once laid out again when a video's line came or went: drawn for the room left)."""
        relaid = False
        for side, shown in zip(SIDES, (left, right), strict=True):
            caption = (
                Content()
                if shown is None
                else Content.styled(shown[0], "bold")
                + f" {marked(shorten(shown[1], 28), shown[2])}"
            )
            self.query_one(f"#caption-{side}", Static).update(caption)
            facts = video_facts(shown[2]) if shown is not None else ""
            line = self.query_one(f"#facts-{side}", Static)
            line.update(Content(facts))
            relaid |= line.display != bool(facts)
            line.display = bool(facts)
        wanted = (left[2].key, right[2].key if right else None)
        if wanted != self.shown:
            self.shown = wanted
            self.members = (left[2], right[2] if right else None)
            if relaid:
                self.call_after_refresh(self.load, *self.members)
            else:
                self.load(*self.members)

    def on_resize(self, event: events.Resize) -> None:
        """Half blocks are drawn for a size: drawn again for the new one (not left to wrap)."""
        if self.members is not None and not GRAPHICS:
            self.load(*self.members)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A preview that could not be made is missing (the captions say which photos)."""
        if event.state is WorkerState.ERROR:
            self.shown = (None, None)  # tried again when the highlight moves
            for side in SIDES:
                self.clear(self.query_one(f"#preview-{side}"), missing=True)

    def clear(self, widget: Any, *, missing: bool = False) -> None:
        if GRAPHICS:
            widget.image = None
        else:
            widget.update(half_blocks(None) if missing else "")

    @work(exclusive=True, group="preview", exit_on_error=False)
    async def load(self, left: Member, right: Member | None) -> None:
        """From the file when it is readable here, else from Immich's thumbnail."""
        previews = self.previews
        for side, member in zip(SIDES, (left, right), strict=True):
            widget: Any = self.query_one(f"#preview-{side}")
            if member is None:
                self.clear(widget)
                continue
            source = await previews.preview_source(member)
            if GRAPHICS:
                widget.image = await previews.thumbnail(source, 512)
                continue
            cols, rows = widget.content_size.width, widget.content_size.height
            cols, rows = (cols, rows) if cols > 4 and rows > 1 else (PREVIEW_COLS, PREVIEW_ROWS)
            grid = await previews.preview(source, cols, rows)
            widget.update(half_blocks(grid))
