"""How the TUI writes values: plain table cells, sizes, times, file names and paths cut to
fit."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.content import Content

from sidecar.engine.core.media import MediaKind, classify
from sidecar.engine.core.models import Member
from sidecar.engine.core.sizes import human_bytes

__all__ = [
    "VIDEO_MARK",
    "clip",
    "clip_length",
    "common_dir",
    "human",
    "is_video",
    "lines_of",
    "marked",
    "name_of",
    "plain",
    "shorten",
    "video_facts",
    "when",
]

VIDEO_MARK = "▶"  # before a video member's name, in every list and caption


def plain(*values: str) -> tuple[Text, ...]:
    """Table cells as plain text: file names and reasons are never read as markup (a name
    like "IMG [1].jpg" stays whole, "[/x]" cannot break the screen)."""
    return tuple(Text(v) for v in values)


def lines_of(parts: Iterable[Content | str]) -> Content:
    """Lines joined into one text for a Static: a str is shown as written (a path like
    "photos [2019]" or an error with "[/b]" in it is never read as markup); styled parts are
    `Content`."""
    return Content("\n").join(parts)


def human(size: int | None) -> str:
    """A size as the command line writes it (decimal: 1 KB = 1,000 bytes); "-" when unknown."""
    return "-" if size is None else human_bytes(size)


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


def clip(text: str, width: int) -> str:
    """At most `width` characters, cut on the right (the start of a reason says most)."""
    return text if len(text) <= width else text[: width - 1] + "…"


def when(text: str | None) -> str:
    return (text or "-")[:16].replace("T", " ")


def name_of(key: str, members: list[Member]) -> str:
    """The file name of the member with this key (the key itself when none has it)."""
    path = next((m.path or m.key for m in members if m.key == key), key)
    return path.rsplit("/", 1)[-1]


def is_video(m: Member) -> bool:
    """A video member: the analysis stored its length or codec (a photo has neither), or its
    file name says video (one whose fingerprint failed has no facts)."""
    if m.duration_ms is not None or m.codec is not None:
        return True
    name = (m.path or m.key).rsplit("/", 1)[-1]
    return classify(name) is MediaKind.VIDEO


def clip_length(ms: int | None) -> str:
    """A video's length as m:ss.s ("0:08.0", "12:03.5"); "?" when not known."""
    if ms is None:
        return "?"
    tenths = (ms + 50) // 100  # half up
    return f"{tenths // 600}:{tenths % 600 / 10:04.1f}"


def video_facts(m: Member, size: tuple[int, int] | None = None) -> str:
    """What tells a video member apart: "▶ video 0:08.0 · 1920x1080 · hevc" (the parts
    known; `size` as shown, else the stored one); "" for a photo."""
    if not is_video(m):
        return ""
    w, h = size or (m.width, m.height)
    parts = [f"{VIDEO_MARK} video {clip_length(m.duration_ms)}"]
    if w and h:
        parts.append(f"{w}x{h}")
    if m.codec:
        parts.append(m.codec)
    return " · ".join(parts)


def marked(name: str, m: Member | None) -> str:
    """A member's name with the video mark before it (a photo's as it is)."""
    return f"{VIDEO_MARK} {name}" if m is not None and is_video(m) else name
