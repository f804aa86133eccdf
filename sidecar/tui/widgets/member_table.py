"""The members of a duplicate group as a table, the keeper first: what was decided about each
(keep / trash / out / stack / not dup), its path cut on the left to the width there is (the file
name always whole; ▶ before a video's), its size, its pixels as shown (EXIF orientation
applied) and its full capture time."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual.widgets import DataTable

from sidecar.engine.core.models import Member, MemberVerdict
from sidecar.tui.text import human, is_video, marked, plain, shorten

__all__ = ["MemberRows", "MemberTable", "full_time", "whole_name"]

VERDICT, SIZE, PIXELS, TAKEN = 7, 8, 10, 19  # widest values of the fixed columns
FIXED = VERDICT + SIZE + PIXELS + TAKEN + 5 * 2  # and 2 cells of padding per column
MIN_PATH = 16


def full_time(text: str | None) -> str:
    """A capture time to the second ("YYYY-MM-DD HH:MM:SS"), "unknown" when there is none."""
    return text.replace("T", " ")[:19] if text else "unknown"


def whole_name(path: str, width: int) -> str:
    """At most `width` characters, the file name never cut: the folder is cut in its middle,
    so both its start and its end show ("Backup/…/Summer/a.jpg" and "2019/Summer/a.jpg" do
    not read alike, nor "…/copy1/a.jpg" and "…/copy2/a.jpg")."""
    if len(path) <= width:
        return path
    folder, _, name = path.rpartition("/")
    room = width - len(name) - 2  # "…" and the "/" before the name
    if not folder or room < 2:
        return shorten(path, max(width, len(name) + 1))
    start = (room + 1) // 2
    end = room - start
    return f"{folder[:start]}…{folder[len(folder) - end :] if end else ''}/{name}"


@dataclass(slots=True)
class MemberRows:
    """What the table shows: the members (keeper first), the verdict per key, the label per
    key (the path, or Immich's), the size as shown per key, the folder they share."""

    members: list[Member]
    marks: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)
    folder: str = ""


class MemberTable(DataTable[Text]):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row")
        self.shown = MemberRows([])

    def fill(self, rows: MemberRows, width: int) -> None:
        """Every row again (the cursor stays on the same member), cut to `width` columns."""
        current = self.member()
        self.shown = rows
        room = max(MIN_PATH, width - FIXED)
        folder = shorten(rows.folder, max(room - 8, 8)) if rows.folder else ""
        path = Text("path" + (f" in {folder}" if folder else ""))
        labels = [
            marked(whole_name(rows.labels.get(m.key, m.path or m.key), room - 2 * is_video(m)), m)
            for m in rows.members
        ]
        self.clear(columns=True)
        widths = (VERDICT, max([room, *map(len, labels)]), SIZE, PIXELS, TAKEN)
        headers: tuple[str | Text, ...] = ("", path, "size", "pixels", "taken")
        for label, columns in zip(headers, widths, strict=True):
            self.add_column(label, width=columns)
        for m, label in zip(rows.members, labels, strict=True):
            size = rows.sizes.get(m.key)
            self.add_row(
                *plain(
                    rows.marks.get(m.key, MemberVerdict.UNDECIDED),
                    label,
                    human(m.size),
                    f"{size[0]}x{size[1]}" if size else "-",
                    full_time(m.captured_at),
                )
            )
        keys = [m.key for m in rows.members]
        if current is not None and current.key in keys:
            self.move_cursor(row=keys.index(current.key), animate=False)

    def member(self) -> Member | None:
        """The highlighted member."""
        row, members = self.cursor_row, self.shown.members
        return members[row] if 0 <= row < len(members) else None
