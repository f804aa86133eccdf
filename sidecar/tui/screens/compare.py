"""Two members of a group at the whole terminal's size, one at a time: the keeper and the
highlighted member, flipped with one key in the same place and at the same scale, so a small
crop or a brightness edit shows as a jump. Sixel or kitty graphics where the terminal has them
(the picture at the terminal's own resolution), colour half blocks everywhere else. A video is
drawn from its poster frame, its title says ▶, its length, size and codec."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Static

from sidecar.engine.core.models import Member
from sidecar.tui.failures import OnFailure, Show
from sidecar.tui.probe import GRAPHICS
from sidecar.tui.screens.base import SidecarScreen, TuiServices
from sidecar.tui.text import VIDEO_MARK, clip_length, is_video
from sidecar.tui.widgets.half_blocks import half_blocks
from sidecar.tui.widgets.keys import Keys

__all__ = ["Compare", "Shown"]

GRAPHICS_SIDE = 2048  # pixels: more than a terminal window shows


@dataclass(frozen=True, slots=True)
class Shown:
    """One of the two pictures: its role ("keeper" or "member"), label and size as shown."""

    role: str
    label: str
    member: Member
    size: tuple[int, int] | None


class Compare(SidecarScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f,space", "flip", "Flip"),
        Binding("escape,q,c", "back", "Back"),
    ]
    FAILURES: ClassVar[dict[str, OnFailure]] = {
        "draw": OnFailure(Show.WARNING, "no preview of this picture"),
    }

    def __init__(self, services: TuiServices, keeper: Shown, other: Shown) -> None:
        super().__init__(services)
        self.pictures = (keeper, other)
        self.at = 1  # the other member first: the person asked to see it
        self.sources: dict[str, Any] = {}  # key -> what its preview is drawn from
        self.drawn: dict[tuple[str, int, int], Any] = {}  # (key, cols, rows) -> drawing

    def compose(self) -> ComposeResult:
        yield Static("", id="compare-title")
        if GRAPHICS:
            yield GRAPHICS[0](id="compare-picture")
        else:
            yield Static("", id="compare-picture")
        yield Keys()

    @property
    def shown(self) -> Shown:
        return self.pictures[self.at]

    def on_mount(self) -> None:
        self.show()

    def on_resize(self, event: events.Resize) -> None:
        self.show()

    def action_flip(self) -> None:
        self.at = 1 - self.at
        self.show()

    def action_back(self) -> None:
        self.app.pop_screen()

    def show(self) -> None:
        """The title now, the picture once it is drawn (at once when drawn before)."""
        s = self.shown
        dims = f"{s.size[0]}x{s.size[1]}" if s.size else "size unknown"
        flip = "keeper" if s.role != "keeper" else "member"
        m = s.member
        video = f"{VIDEO_MARK} {clip_length(m.duration_ms)} {m.codec or ''}".rstrip()
        facts = (
            f"{VIDEO_MARK} {s.label} · {dims} · {video}" if is_video(m) else f"{s.label} · {dims}"
        )
        self.query_one("#compare-title", Static).update(
            Content.styled(s.role, "bold") + f" {facts}   (f: the {flip}, escape: back)"
        )
        self.draw(s.member)

    @work(exclusive=True, group="draw", exit_on_error=False)
    async def draw(self, member: Member) -> None:
        previews = self.review.previews
        widget: Any = self.query_one("#compare-picture")
        if member.key not in self.sources:
            self.sources[member.key] = await previews.preview_source(member)
        source = self.sources[member.key]
        cols, rows = widget.content_size.width, widget.content_size.height
        if cols < 2 or rows < 1:  # not laid out yet: drawn at the resize that follows
            return
        key = (member.key, cols, 0 if GRAPHICS else rows)
        if key not in self.drawn:
            if GRAPHICS:
                self.drawn[key] = await previews.thumbnail(source, GRAPHICS_SIDE)
            else:
                self.drawn[key] = half_blocks(await previews.preview(source, cols, rows))
        if GRAPHICS:
            widget.image = self.drawn[key]
        else:
            widget.update(self.drawn[key])
