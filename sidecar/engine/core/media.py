"""Which file names are media, which are sidecars, and which are ignored."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from enum import StrEnum


class MediaKind(StrEnum):
    IMAGE = "image"
    RAW = "raw"
    VIDEO = "video"
    SIDECAR = "sidecar"


IMAGE_EXTENSIONS = frozenset(
    {
        ".jpg",
        ".jpeg",
        ".jpe",
        ".jfif",
        ".png",
        ".gif",
        ".webp",
        ".bmp",
        ".tif",
        ".tiff",
        ".heic",
        ".heif",
        ".hif",
        ".avif",
        ".jxl",
        ".jp2",
        ".svg",
        ".psd",
        ".insp",
    }
)
RAW_EXTENSIONS = frozenset(
    {
        ".3fr",
        ".ari",
        ".arw",
        ".cap",
        ".cin",
        ".cr2",
        ".cr3",
        ".crw",
        ".dcr",
        ".dng",
        ".erf",
        ".fff",
        ".iiq",
        ".k25",
        ".kdc",
        ".mrw",
        ".nef",
        ".nrw",
        ".orf",
        ".ori",
        ".pef",
        ".raf",
        ".raw",
        ".rw2",
        ".rwl",
        ".sr2",
        ".srf",
        ".srw",
        ".x3f",
    }
)
VIDEO_EXTENSIONS = frozenset(
    {
        ".3gp",
        ".3gpp",
        ".avi",
        ".flv",
        ".insv",
        ".m2t",
        ".m2ts",
        ".m4v",
        ".mkv",
        ".mov",
        ".mp4",
        ".mpe",
        ".mpeg",
        ".mpg",
        ".mts",
        ".vob",
        ".webm",
        ".wmv",
    }
)
SIDECAR_EXTENSIONS = frozenset({".xmp"})


# the media kind of each extension tracked (lower case, with its dot)
KIND_BY_EXTENSION: dict[str, MediaKind] = {
    **dict.fromkeys(SIDECAR_EXTENSIONS, MediaKind.SIDECAR),
    **dict.fromkeys(VIDEO_EXTENSIONS, MediaKind.VIDEO),
    **dict.fromkeys(RAW_EXTENSIONS, MediaKind.RAW),
    **dict.fromkeys(IMAGE_EXTENSIONS, MediaKind.IMAGE),
}


def classify(name: str) -> MediaKind | None:
    """The media kind of a file name by its extension, or None for files we do not track."""
    dot = name.rfind(".")
    if dot <= 0:
        return None
    return KIND_BY_EXTENSION.get(name[dot:].lower())


class IgnoreMatcher:
    """Case-insensitive fnmatch patterns applied to single file or folder names."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        joined = "|".join(f"(?:{fnmatch.translate(p.lower())})" for p in self.patterns)
        # matched against the lower-cased name (a loop over millions of names uses it as is)
        self.regex = re.compile(joined) if joined else None

    def __call__(self, name: str) -> bool:
        return self.regex is not None and self.regex.match(name.lower()) is not None


# What Immich writes itself under its upload location, per user id: previews and thumbnails
# (thumbs/), transcoded videos (encoded-video/) and profile pictures (profile/). When that
# location is mounted and scanned, these files are never members of a duplicate group or pair.
_USER_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_GENERATED = re.compile(rf"(?:^|/)(?:thumbs|encoded-video|profile)/{_USER_ID}/", re.IGNORECASE)


def immich_generated(path: str) -> bool:
    """Whether a path is one of the files Immich generates (not an original)."""
    return _GENERATED.search(path) is not None


ROTATED = frozenset({5, 6, 7, 8})  # EXIF orientations shown turned by a quarter


def displayed_size(
    width: int | None, height: int | None, orientation: str | int | None
) -> tuple[int, int] | None:
    """A picture's width and height as it is shown (EXIF orientation applied: 5-8 swap them);
    None when either is unknown. Immich gives the orientation as a string ("6")."""
    if not width or not height:
        return None
    try:
        turned = int(orientation or 1) in ROTATED
    except ValueError:
        turned = False
    return (height, width) if turned else (width, height)
