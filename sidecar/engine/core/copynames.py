"""Names that say a file is a copy, an edit or an export of another, in one table.

A duplicate group's keeper should carry the plain name a camera or phone gave the shot, not
`Copy of IMG_1234.JPG`, `IMG_1234 (1).JPG` or `IMG_1234_edit.jpg`. Each row matches a file's
stem (its name without the last extension). Rows marked `twin_only` are ordinary names too
(`DSC_0001_1` may be what a camera wrote), so they count as copies only when the plain twin
they point to (`DSC_0001`) is in the same group. Messenger and export names (`IMG-20240101-WA0003`,
`FB_IMG_...`) are re-encoded by the app that wrote them: they always lose to a plain name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CopyName:
    name: str
    regex: re.Pattern[str]
    example: str  # a stem this row must match (tested)
    means: str  # what the name says about the file, in plain words
    twin_only: bool = False  # a copy only when the stem in `base` is in the group too

    def base(self, match: re.Match[str]) -> str | None:
        return match.groupdict().get("base")


def _c(name: str, pattern: str, example: str, means: str, twin_only: bool = False) -> CopyName:
    return CopyName(name, re.compile(pattern, re.IGNORECASE), example, means, twin_only)


# Order matters: the first row that matches a stem wins.
COPY_NAMES: tuple[CopyName, ...] = (
    _c("copy-of", r"^copy of (?P<base>.+)$", "Copy of IMG_1234", "a copy (macOS, Google Drive)"),
    _c("copy_of", r"^copy_of_(?P<base>.+)$", "copy_of_IMG_1234", "a copy (web apps, scripts)"),
    _c(
        "(copy)",
        r"^(?P<base>.+?) ?\(copy(?: \d+)?\)$",
        "IMG_1234 (copy)",
        "a copy (Linux file managers)",
    ),
    _c(
        "- Copy",
        r"^(?P<base>.+?) - copy(?: \(\d+\))?$",
        "IMG_1234 - Copy",
        "a copy (Windows Explorer)",
    ),
    _c(
        "-copy",
        r"^(?P<base>.+?)[ _-]copy(?: ?\d+)?$",
        "IMG_1234-copy",
        "a copy (macOS Finder: 'copy', 'copy 2'; scripts: '-copy', '_copy')",
    ),
    _c(
        "(n)",
        r"^(?P<base>.+?) ?\(\d+\)$",
        "IMG_1234 (1)",
        "a second download or upload of the same name (browsers, Windows)",
    ),
    _c(
        "_n",
        r"^(?P<base>.+?)[_-]\d{1,2}$",
        "IMG_1234_1",
        "a renamed copy when the plain name exists beside it (sync clients, importers)",
        twin_only=True,
    ),
    _c(
        "-edited",
        r"^(?P<base>.+?)[ _-](?:edited|edit|bearbeitet)$",
        "IMG_1234_edit",
        "an edited version (Google Photos '-edited', editors' '_edit')",
    ),
    _c(
        "iphone-edited",
        r"^IMG_E(?P<num>\d{4,})$",
        "IMG_E1234",
        "an edited version exported by an iPhone",
    ),
    _c("_crop", r"^(?P<base>.+?)[ _-]crop(?:ped)?$", "IMG_1234_crop", "a cropped version"),
    _c(
        "-export",
        r"^(?P<base>.+?)[ _-]export(?:ed)?(?:[ _-]\d+)?$",
        "IMG_1234-export",
        "an export (Lightroom, darktable, Photos)",
    ),
    _c(
        "whatsapp",
        r"^IMG-\d{8}-WA\d{4}$",
        "IMG-20240101-WA0003",
        "re-encoded by WhatsApp (name given by the messenger)",
    ),
    _c("facebook", r"^FB_IMG_\d+$", "FB_IMG_1704103200000", "saved from Facebook (re-encoded)"),
    _c(
        "received",
        r"^received_\d+$",
        "received_1234567890123456",
        "received through Facebook Messenger (re-encoded)",
    ),
)


@dataclass(frozen=True, slots=True)
class NameVerdict:
    row: CopyName
    base: str | None  # the plain stem it points to, lower-cased, when the name says


def classify(stem: str) -> NameVerdict | None:
    """The row a stem matches, or None for a plain name."""
    for row in COPY_NAMES:
        m = row.regex.match(stem)
        if m is None:
            continue
        if row.name == "iphone-edited":
            return NameVerdict(row, f"img_{m.group('num')}")
        base = row.base(m)
        return NameVerdict(row, base.lower() if base else None)
    return None


def stem_of(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem else name


def copy_verdicts(paths: Iterable[str]) -> dict[str, NameVerdict | None]:
    """For each path of one group: the row that makes it a copy, or None when its name is
    plain (or a `twin_only` row whose plain twin is not in the group)."""
    paths = list(paths)
    stems = {stem_of(p).lower() for p in paths}
    out: dict[str, NameVerdict | None] = {}
    for path in paths:
        verdict = classify(stem_of(path))
        if verdict is not None and verdict.row.twin_only and verdict.base not in stems:
            verdict = None
        out[path] = verdict
    return out
