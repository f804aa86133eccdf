"""File-name patterns of cameras and phones, in one table.

Each pattern turns a file's stem into a *base* shared by the files of one shot, and a *role*
(original, edited, copy, cover, raw, burst frame). Pairing only ever groups files whose bases
are equal, in the same folder, of the same owner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ORIGINAL = "original"
    EDITED = "edited"
    COPY = "copy"
    BURST_FRAME = "burst-frame"


@dataclass(frozen=True, slots=True)
class NamePattern:
    name: str
    regex: re.Pattern[str]
    role: Role
    example: str  # a stem this pattern must match (tested)

    def base(self, match: re.Match[str]) -> str:
        return match.group("base")


def _p(name: str, pattern: str, role: Role, example: str) -> NamePattern:
    return NamePattern(name, re.compile(pattern, re.IGNORECASE), role, example)


# Order matters: the first pattern that matches a stem wins.
PATTERNS: tuple[NamePattern, ...] = (
    # Pixel RAW+JPEG: PXL_20231005_123456789.RAW-01.MP.COVER.jpg + ...RAW-02.ORIGINAL.dng
    _p(
        "pixel-raw",
        r"^(?P<base>PXL_\d{8}_\d{6,9})\.RAW-\d{2}\.(?:MP\.COVER|ORIGINAL)$",
        Role.ORIGINAL,
        "PXL_20231005_123456789.RAW-01.MP.COVER",
    ),
    # Pixel and other Android bursts: PXL_20231005_123456789.MP ... handled as plain stems
    # iPhone burst exports: IMG_1234_BURST20230101120000_COVER / BURST20230101120000123
    _p(
        "burst-tag",
        r"^(?P<base>(?:.*?_)?(?P<tag>BURST\d{8,}))(?:_COVER)?$",
        Role.BURST_FRAME,
        "IMG_1234_BURST20230101120000_COVER",
    ),
    # iPhone edits exported beside the original: IMG_E1234 belongs to IMG_1234
    _p("iphone-edited", r"^(?P<pre>IMG_)E(?P<num>\d{4,})$", Role.EDITED, "IMG_E1234"),
    # Samsung burst/sequence frames: 20230101_120000_001
    _p(
        "samsung-sequence",
        r"^(?P<base>(?P<tag>\d{8}_\d{6})_\d{3})$",
        Role.BURST_FRAME,
        "20230101_120000_001",
    ),
    # Edited variants from many apps: IMG_1234_edited, IMG_1234-edited, IMG_1234-edit
    _p(
        "edited-suffix",
        r"^(?P<base>.+?)[ _-](?:edited|edit|bearbeitet)$",
        Role.EDITED,
        "IMG_1234-edited",
    ),
    # Copies made by file managers: IMG_1234 (1), IMG_1234 copy, IMG_1234-1? (not: too loose)
    _p("copy-suffix", r"^(?P<base>.+?)(?: \(\d+\)| copy(?: \d+)?)$", Role.COPY, "IMG_1234 (1)"),
)


@dataclass(frozen=True, slots=True)
class ParsedName:
    base: str  # lower-cased, the key files of one shot share
    role: Role
    pattern: str  # which row of PATTERNS matched ("plain" when none did)
    burst_tag: str | None = None


def parse_stem(stem: str) -> ParsedName:
    """The base and role of a file stem (its name without the last extension)."""
    for pattern in PATTERNS:
        m = pattern.regex.match(stem)
        if m is None:
            continue
        if pattern.name == "iphone-edited":
            base = f"{m.group('pre')}{m.group('num')}"
        else:
            base = pattern.base(m)
        tag = m.groupdict().get("tag")
        return ParsedName(base.lower(), pattern.role, pattern.name, tag.lower() if tag else None)
    return ParsedName(stem.lower(), Role.ORIGINAL, "plain")


def split_name(name: str) -> tuple[str, str]:
    """(stem, extension without the dot, lower-cased)."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, ext.lower()
