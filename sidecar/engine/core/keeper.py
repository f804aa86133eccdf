"""The member of a duplicate group to keep (pure): ordered rules, each able to say why.

What a person marked in Immich (albums, favourite, rating, description, tags) comes first; then the
picture itself (pixels), then which file is the camera's own (no editing software, capture
data intact, metadata not rewritten later, not re-encoded at a clearly lower JPEG quality than
another member of the same size) and carries the camera's name rather than a copy's
(`copynames`); then format, size and metadata. The first rule that tells two members apart
decides, and its reason names the data it used. Members equal by every rule are ordered by
path: the shorter, then the alphabetically first, is kept.

Videos (a group is all videos or all photos) go through the same rules, with a video's own
evidence: resolution, then bitrate, then the camera original (a camera's own tags: make and
model or a creation time, and no transcoder or editor in the encoder or software tag). A
transcode adds no information, so a re-encode's pixels and bitrate count at most as much as
those of the group's sources (the members without a transcoder's or editor's tag, the
closest to a camera's among them, camera tags or not: a camcorder may write none): an
upscaled or higher-bitrate re-encode ties with its source on `pixels` and `bitrate`, and
`camera-original` then keeps the source. Bitrates are compared only between members of one
codec (HEVC needs about half H.264's for the same picture). A video whose file's tags were
never read (known only through Immich, or not decodable) is of unknown origin: never taken
for a camera original over a member whose tags say it is one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sidecar.engine.core.copynames import NameVerdict, copy_verdicts


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str  # asset id with Immich, the path in local mode
    owner: str
    path: str
    content_hash: str | None
    phash: int | None = None  # unsigned 64-bit
    width: int | None = None
    height: int | None = None
    size: int | None = None
    format: str = ""
    captured_at: datetime | None = None
    exif_fields: int = 0
    albums: tuple[str, ...] = ()  # names of the Immich albums holding it (own and shared)
    favorite: bool = False
    rating: int | None = None  # stars 0-5 (-1: rejected in Immich)
    description: str = ""
    tags: tuple[str, ...] = ()  # names of the Immich root tags it carries (a person's own)
    preferred: bool = False  # under a folder the user prefers to keep
    camera: str = ""  # EXIF make and model, as one name
    software: str | None = None  # EXIF Software
    edited_at: datetime | None = None  # EXIF DateTime (when the metadata was last written)
    quality: int | None = None  # estimated JPEG quality (1-100; None: not a JPEG, or unknown)
    video: bool = False  # a video (the fields below are a video's; None: not known)
    duration_ms: int | None = None
    bitrate: int | None = None  # bits per second
    codec: str | None = None  # h264, hevc, ...
    encoder: str | None = None  # the container's encoder tag (Lavf..., HandBrake...)
    fps: float | None = None
    # a video whose file's tags (encoder, software, camera, bitrate) were read with PyAV;
    # False: known only through Immich, or its file could not be decoded (origin unknown)
    tags_read: bool = True

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


KeeperRule = Literal[
    "album",
    "favorite",
    "rating",
    "description",
    "tag",
    "preferred-folder",
    "pixels",
    "bitrate",
    "camera-original",
    "original-name",
    "camera-format",
    "file-size",
    "prefer-raw",
    "exif",
    "older",
    "shorter-path",
]
KEEPER_RULES: dict[str, str] = {  # every KeeperRule, described
    "album": "in an album",
    "favorite": "a favourite",
    "rating": "rated higher",
    "description": "has a description",
    "tag": "tagged in Immich",
    "preferred-folder": "in a preferred folder",
    "pixels": "more pixels",
    "bitrate": "a video at more frames per second, then at a higher bitrate against one of the "
    "same codec (a re-encode counts at most its source's)",
    "camera-original": "the camera original (no editing software, capture data intact; a "
    "video: camera tags, no transcoder)",
    "original-name": "not named like a copy, edit or export",
    "camera-format": "in a camera's format (JPEG, HEIC, RAW), not a conversion",
    "file-size": "larger file at the same dimensions",
    "prefer-raw": "RAW preferred",
    "exif": "more EXIF metadata",
    "older": "captured earlier",
    "shorter-path": "shorter path (fewer copies deep)",
}
DEFAULT_KEEPER_RULES: tuple[KeeperRule, ...] = (
    "album",
    "favorite",
    "rating",
    "description",
    "tag",
    "preferred-folder",
    "pixels",
    "bitrate",
    "camera-original",
    "original-name",
    "camera-format",
    "file-size",
    "exif",
    "older",
    "shorter-path",
)
CODEC_NAMES = {"h264": "H.264", "hevc": "HEVC", "mpeg4": "MPEG-4", "mjpeg": "MJPEG"}
CAMERA_FORMATS = frozenset({"jpeg", "heic", "raw"})
# Software that edits, exports or rewrites pictures (camera firmware writes version numbers)
EDITORS = re.compile(
    r"photoshop|lightroom|gimp|darktable|rawtherapee|capture one|affinity|luminar|snapseed|"
    r"picasa|digikam|shotwell|exiftool|pixelmator|acdsee|irfanview|xnview|faststone|"
    r"paint\.net|imagemagick|graphicsmagick|pillow|photos|photo editor|google|facebook|"
    r"whatsapp|instagram|vsco|dxo|on1|fotor|canva|krita|gthumb|photoscape|windows",
    re.IGNORECASE,
)
REWRITE_AFTER = timedelta(minutes=1)  # EXIF DateTime later than the capture: rewritten
# A JPEG this many quality points below another of the same size was re-encoded (relative to
# the group: a camera that writes quality 85 is not penalised on its own)
REENCODE_GAP = 8
# Transcoders and video editors, as they name themselves in a video's encoder or software tag
# (a camera writes its own name or firmware version there, or nothing)
VIDEO_TOOLS = re.compile(
    r"lav[fc]|ffmpeg|handbrake|x264|x265|libx26|libvpx|libaom|svt-av1|mencoder|avidemux|"
    r"premiere|after effects|adobe|final cut|imovie|davinci|resolve|vegas|filmora|kdenlive|"
    r"shotcut|openshot|clipchamp|movie maker|capcut|inshot|kinemaster|vn video|splice|quik|"
    r"whatsapp|telegram|signal|instagram|tiktok|facebook|snapchat|vlc|quicktime player|"
    r"compressor|media encoder|photos|google photos",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Group:
    names: dict[str, NameVerdict | None]  # path -> the copy-name row it matches
    reencoded: dict[str, int]  # path -> the higher quality of a same-size JPEG beside it
    pixel_cap: int | None = None  # the most pixels of a source video in the group
    bitrate_cap: int | None = None  # the highest bitrate of a source video
    bitrates: bool = False  # every member a video of known bitrate, all of one codec
    sources: frozenset[str] = frozenset()  # paths of the source videos (never capped)
    fps_cap: int | None = None  # the highest frame rate of a source video
    rates: bool = False  # every member a video of known frame rate


def _tool(c: Candidate) -> str | None:
    """A transcoder's or editor's name in the video's encoder or software tag."""
    return next((t for t in (c.encoder, c.software) if t and VIDEO_TOOLS.search(t)), None)


def _video_sources(members: Sequence[Candidate]) -> list[Candidate]:
    """The members a re-encode is measured against: read, no transcoder's or editor's tag,
    and the closest to a camera's among those (camera tags where any member has them; a
    camcorder or action camera may write none)."""
    clean = [m for m in members if m.video and m.tags_read and _tool(m) is None]
    best = max((_video_origin_score(m) for m in clean), default=None)
    return [m for m in clean if _video_origin_score(m) == best]


def _video_group(
    members: Sequence[Candidate],
) -> tuple[int | None, int | None, bool, frozenset[str], int | None, bool]:
    """What a re-encode's pixels and bitrate are capped at (the sources' best), whether
    bitrates are comparable at all (an unknown bitrate, e.g. an asset known only through
    Immich, or members of different codecs silence the rule for the group rather than
    losing or winning by it), and the sources."""
    sources = _video_sources(members)
    pixels = [(m.width or 0) * (m.height or 0) for m in sources]
    rates = [m.bitrate for m in sources if m.bitrate]
    comparable = (
        bool(members)
        and all(m.video and m.bitrate for m in members)
        and len({m.codec for m in members}) == 1
    )
    fps = [round(m.fps) for m in sources if m.fps]
    return (
        (max(pixels) if pixels else None),
        (max(rates) if rates else None),
        comparable,
        frozenset(m.path for m in sources),
        (max(fps) if fps else None),
        bool(members) and all(m.video and m.fps for m in members),
    )


def _reencoded(members: Sequence[Candidate]) -> dict[str, int]:
    """JPEGs whose estimated quality is REENCODE_GAP or more below the best JPEG of the
    same pixel size in the group: path -> that best quality. An editor's export is no
    measure (saving at a higher quality does not make the camera's file a re-encode)."""
    best: dict[tuple[int | None, int | None], int] = {}
    for m in members:
        if m.format == "jpeg" and m.quality is not None and not _edited_by(m):
            size = (m.width, m.height)
            best[size] = max(best.get(size, 0), m.quality)
    return {
        m.path: best[(m.width, m.height)]
        for m in members
        if m.format == "jpeg"
        and m.quality is not None
        and best.get((m.width, m.height), 0) - m.quality >= REENCODE_GAP
    }


def _edited_by(c: Candidate) -> bool:
    return bool(c.software and EDITORS.search(c.software))


def video_problems(c: Candidate) -> list[str]:
    """What says a video is not as the camera wrote it: a transcoder's or editor's encoder or
    software tag, none of a camera's tags (make and model, creation time), or tags never read
    (its origin unknown)."""
    out = []
    if c.encoder and VIDEO_TOOLS.search(c.encoder):
        out.append(f"encoded by {c.encoder}")
    if c.software and VIDEO_TOOLS.search(c.software):
        out.append(f"software '{c.software}'")
    if not c.tags_read:
        out.append("of unknown origin: its file's tags not read")
    if not c.camera and c.captured_at is None:
        out.append("no camera make, model or creation time")
    return out


def _video_origin_score(c: Candidate) -> float:
    """A transcoder's or editor's tag weighs most, then missing camera tags, then tags never
    read (an unknown origin is never a camera original over a member tagged as one)."""
    tool = _tool(c) is not None
    return -(8 * tool + 4 * (not c.camera and c.captured_at is None) + 2 * (not c.tags_read))


def _capped(c: Candidate, group: _Group) -> bool:
    """A read video that is not one of the group's sources (an unknown origin is not known
    to be a re-encode: not capped)."""
    return c.video and c.tags_read and c.path not in group.sources


def _pixels(c: Candidate, group: _Group) -> int:
    pixels = (c.width or 0) * (c.height or 0)
    if group.pixel_cap is not None and _capped(c, group):
        return min(pixels, group.pixel_cap)  # an upscale is no more detail
    return pixels


def _fps(c: Candidate, group: _Group) -> int:
    """Frames per second (rounded: 29.97 is 30), when every member's is known; a re-encode
    counts at most its sources' (interpolated frames add nothing)."""
    if not group.rates or not c.fps:
        return 0
    fps = round(c.fps)
    if group.fps_cap is not None and _capped(c, group):
        return min(fps, group.fps_cap)
    return fps


def _bitrate(c: Candidate, group: _Group) -> float:
    """More frames per second first (a 24 fps copy of a 30 fps clip dropped frames), then
    the bitrate (between members of one codec)."""
    rate = 0
    if group.bitrates and c.bitrate:
        rate = c.bitrate
        if group.bitrate_cap is not None and _capped(c, group):
            rate = min(c.bitrate, group.bitrate_cap)  # a transcode adds no information
    return _fps(c, group) * 1e10 + rate


def _no_capture(c: Candidate) -> bool:
    return c.captured_at is None or not c.camera


def _rewritten(c: Candidate) -> bool:
    return (
        c.captured_at is not None
        and c.edited_at is not None
        and c.edited_at - c.captured_at > REWRITE_AFTER
    )


def origin_problems(c: Candidate, group: _Group | None = None) -> list[str]:
    """What says this file is not as the camera wrote it (empty for a camera original)."""
    if c.video:
        return video_problems(c)
    out = []
    if _edited_by(c):
        out.append(f"Software '{c.software}'")
    if _no_capture(c):
        out.append("no capture data in its EXIF")
    elif _rewritten(c):
        out.append(f"metadata rewritten {c.edited_at:%Y-%m-%d %H:%M}")
    if group is not None and c.path in group.reencoded:
        out.append(f"re-encoded at ~{c.quality}")
    return out


def _origin_score(c: Candidate, group: _Group) -> float:
    """An editor's mark weighs most, then missing capture data, then a later rewrite, then a
    re-encode."""
    rewritten = not _no_capture(c) and _rewritten(c)
    reencoded = c.path in group.reencoded
    return -(8 * _edited_by(c) + 4 * _no_capture(c) + 2 * rewritten + reencoded)


def _score(c: Candidate, rule: str, group: _Group) -> float:
    if rule == "album":
        return float(bool(c.albums))
    if rule == "favorite":
        return float(c.favorite)
    if rule == "rating":
        return float(c.rating or 0)
    if rule == "description":
        return float(bool(c.description.strip()))
    if rule == "tag":
        return float(bool(c.tags))
    if rule == "preferred-folder":
        return float(c.preferred)
    if rule == "pixels":
        return _pixels(c, group)
    if rule == "bitrate":
        return _bitrate(c, group)
    if rule == "camera-original":
        return _video_origin_score(c) if c.video else _origin_score(c, group)
    if rule == "original-name":
        return 0.0 if group.names.get(c.path) else 1.0
    if rule == "camera-format":
        return 1.0 if c.format in CAMERA_FORMATS else 0.0
    if rule == "file-size":
        return c.size or 0
    if rule == "prefer-raw":
        return 1.0 if c.format == "raw" else 0.0
    if rule == "exif":
        return c.exif_fields
    if rule == "older":
        return -c.captured_at.timestamp() if c.captured_at else float("-inf")
    if rule == "shorter-path":
        return -c.path.count("/")
    raise ValueError(f"unknown keeper rule {rule!r}")


def _mb(size: int | None) -> str:
    return f"{(size or 0) / 1_000_000:.2f} MB"


def _mbps(bitrate: int | None) -> str:
    rate = bitrate or 0
    return f"{rate / 1_000_000:.1f} Mb/s" if rate >= 1_000_000 else f"{rate / 1000:.0f} kb/s"


def _codec_name(codec: str | None) -> str:
    return CODEC_NAMES.get(codec or "", (codec or "?").upper())


def _video_origin_why(best: Candidate, other: Candidate) -> str:
    them = other.name
    mine = video_problems(best)
    theirs = "; ".join(video_problems(other))
    if mine:
        return f"closer to the camera original ({'; '.join(mine)}; {them}: {theirs})"
    made = (
        f"made by {best.camera}"
        if best.camera
        else (f"created {best.captured_at:%Y-%m-%d %H:%M} by a camera")
    )
    more = []
    if (other.width or 0) * (other.height or 0) > (best.width or 0) * (best.height or 0):
        more.append(f"{other.width}x{other.height}")
    if (other.bitrate or 0) > (best.bitrate or 0) and best.bitrate:
        more.append(_mbps(other.bitrate))
    adds = "add" if len(more) > 1 else "adds"
    extra = f"; its {' and '.join(more)} {adds} nothing to the source's" if more else ""
    return f"the camera original: {made}, not re-encoded ({them} {theirs}{extra})"


def _why(rule: str, best: Candidate, other: Candidate, group: _Group) -> str:
    """The deciding rule in plain words, with the data it compared."""
    them = other.name
    if rule == "album":
        names = ", ".join(f"'{a}'" for a in best.albums[:3])
        where = f"in album {names}" if len(best.albums) == 1 else f"in albums {names}"
        return f"{where} ({them} in none)"
    if rule == "favorite":
        return f"a favourite ({them} is not)"
    if rule == "rating":
        return f"rated {best.rating} stars ({them}: {other.rating or 0})"
    if rule == "description":
        text = best.description.strip()
        short = text if len(text) <= 40 else text[:39] + "…"
        return f"has a description ('{short}'; {them} has none)"
    if rule == "tag":
        names = ", ".join(f"'{t}'" for t in best.tags[:3])
        return f"tagged {names} in Immich ({them} has no tag)"
    if rule == "preferred-folder":
        return f"in a preferred folder ({them} is not)"
    if rule == "pixels":
        return (
            f"more pixels: {best.width}x{best.height} against {other.width}x{other.height} ({them})"
        )
    if rule == "bitrate" and _fps(best, group) != _fps(other, group):
        frames = f"{best.fps:g} against {other.fps:g}"
        return f"more frames per second: {frames} ({them})"
    if rule == "bitrate":
        rates = f"{_mbps(best.bitrate)} against {_mbps(other.bitrate)}"
        return f"higher bitrate: {rates}, both {_codec_name(best.codec)} ({them})"
    if rule == "camera-original" and best.video:
        return _video_origin_why(best, other)
    if rule == "camera-original":
        mine = origin_problems(best, group)
        theirs = "; ".join(origin_problems(other, group))
        if not mine and origin_problems(other) == [] and best.quality is not None:
            return (
                f"camera original: quality ~{best.quality} ({them} re-encoded at ~{other.quality})"
            )
        if not mine:
            return (
                f"camera original: EXIF from {best.camera}, no editing software ({them}: {theirs})"
            )
        return f"closer to the camera original ({'; '.join(mine)}; {them}: {theirs})"
    if rule == "original-name":
        verdict = group.names.get(other.path)
        means = verdict.row.means if verdict else "a copy"
        return (
            f"named like the original ({best.name}); {them} is {means}, by the "
            f"'{verdict.row.name if verdict else '?'}' name pattern"
        )
    if rule == "camera-format":
        return f"in a camera's format ({best.format.upper()}; {them} is {other.format.upper()})"
    if rule == "file-size":
        sizes = f"{_mb(best.size)} against {_mb(other.size)}"
        return f"larger file at the same dimensions: {sizes} ({them})"
    if rule == "prefer-raw":
        return f"RAW preferred ({them} is {other.format.upper()})"
    if rule == "exif":
        fields = f"{best.exif_fields} of capture time, make, model"
        return f"more EXIF metadata ({fields}; {them}: {other.exif_fields})"
    if rule == "older":
        when = f"{other.captured_at:%Y-%m-%d %H:%M}" if other.captured_at else "no capture time"
        return f"captured earlier: {best.captured_at:%Y-%m-%d %H:%M} ({them}: {when})"
    if rule == "shorter-path":
        fewer = other.path.count("/") - best.path.count("/")
        return f"shorter path ({fewer} folder{'s' if fewer > 1 else ''} fewer than {other.path})"
    return f"{KEEPER_RULES[rule]} than {them}"


def _path_order(c: Candidate) -> tuple[int, str]:
    return len(c.path), c.path


def choose_keeper(
    members: Sequence[Candidate], rules: Sequence[str] = DEFAULT_KEEPER_RULES
) -> tuple[str, tuple[str, ...]]:
    """The member to keep and, for every other member, the rule that decided it."""
    group = _Group(
        copy_verdicts(m.path for m in members), _reencoded(members), *_video_group(members)
    )
    first = sorted(members, key=_path_order)  # ties: the shorter, then the first path
    ranked = sorted(first, key=lambda c: [_score(c, r, group) for r in rules], reverse=True)
    best = ranked[0]
    reasons: list[str] = []
    for other in ranked[1:]:
        for rule in rules:
            if rule == "file-size" and (best.width, best.height) != (other.width, other.height):
                continue
            if _score(best, rule, group) != _score(other, rule, group):
                text = _why(rule, best, other, group)
                break
        else:
            text = (
                f"equal by every rule to {other.path}; kept {best.path}, the "
                f"{'shorter' if len(best.path) < len(other.path) else 'first'} path"
            )
        if text not in reasons:
            reasons.append(text)
    return best.key, tuple(reasons)
