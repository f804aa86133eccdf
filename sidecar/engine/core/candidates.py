"""What an analysis compares (pure): the library's media files and the assets known only
through Immich, as keeper candidates, pairing shots and the members stored with the results.

A media file is an Immich asset when the mirror knows it (through the path mapping: its key is
the asset id) and a local file otherwise (owner `local`, keyed by its path). Files Immich
generated (thumbnails, encoded videos) are never members, nor are the hidden motion parts of
live photos; videos take part in duplicate groups but not in pairing.

A local video file is a member with its video fingerprint's facts (size, duration, frame rate,
codec, bitrate, encoder, camera), never a shot: videos are never paired by name and time. The
motion part of an Apple live photo is left out: in local mode a .MOV or .MP4 of at most
LIVE_MOTION_MS beside a HEIC or JPEG of the same stem in the same folder; with Immich, the asset
Immich hides (visibility 'hidden') or names as another asset's live-photo video (`hidden`),
also when its file is local. (Android's motion photos hold their video inside the JPEG: nothing
to leave out.)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from sidecar.engine.core.drift import AssetView
from sidecar.engine.core.keeper import Candidate
from sidecar.engine.core.media import immich_generated
from sidecar.engine.core.models import AssetLink, Marks, MediaItem, Member
from sidecar.engine.core.pairing import FORMATS, Shot, camera_name
from sidecar.engine.core.video import LOCAL_SOURCE, VideoPrint

LOCAL_OWNER = "local"
NO_MARKS = Marks()
LIVE_MOTION_MS = 4_000  # a live photo's motion part lasts about 3 s
_MOTION_EXTS = frozenset({"mov", "mp4"})
_STILL_EXTS = frozenset({"heic", "heif", "jpg", "jpeg"})


@dataclass(frozen=True, slots=True)
class RemoteItem:
    """An asset known only through Immich (a folder not mounted here, an upload), with the
    fingerprint made from its thumbnail: a photo's pHash, or a video's one-frame print."""

    asset: AssetLink
    path: str  # this process's view of the file when a library maps it, else Immich's path
    content_key: str  # the key its fingerprint is stored under
    phash: int | None = None  # signed 64-bit, as stored
    video: VideoPrint | None = None  # a video's print (from Immich's thumbnail), if made


class RemoteMember(NamedTuple):
    """A remote item as an analysis keeps it between runs (to find by content or folder)."""

    asset_id: str
    content_key: str
    folder: str  # of `path`: pairs and bursts lie within one
    path: str


def remote_member(item: RemoteItem) -> RemoteMember:
    return RemoteMember(item.asset.id, item.content_key, item.path.rpartition("/")[0], item.path)


@dataclass(slots=True)
class Library:
    """Everything analysed, keyed alike: candidates for the keeper rules, shots for pairing,
    and the members stored with groups and pairs."""

    candidates: list[Candidate]
    shots: list[Shot]
    members: dict[str, Member]


def to_unsigned64(value: int) -> int:
    """A stored (signed 64-bit) hash as the unsigned number distances are counted on."""
    return value + (1 << 64) if value < 0 else value


def media_format(path: str, kind: str) -> str:
    """`raw` for RAW files, else the format the extension names (`jpg` -> `jpeg`)."""
    if kind == "raw":
        return "raw"
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return FORMATS.get(ext, ext)


def camera(make: str | None, model: str | None) -> str:
    """ "Canon EOS 80D", not "Canon Canon EOS 80D"; empty when the EXIF names no camera."""
    if not (make or model):
        return ""
    return camera_name(Shot("", "", "", "", False, make=make, model=model))


def capture_time(text: str | None) -> datetime | None:
    """A capture time without zone: EXIF times read here have none, Immich's are UTC (they
    are compared with each other, so both must be naive; an aware one is taken in UTC)."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def normal_path(path: str) -> str:
    """`posixpath.normpath` in core's terms: `//`, `.` and `..` resolved as text (core imports
    no module that can reach the disk)."""
    if not path:
        return "."
    lead = 2 if path.startswith("//") and not path.startswith("///") else int(path[:1] == "/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part != ".." or (not lead and not parts) or (parts and parts[-1] == ".."):
            parts.append(part)
        elif parts:
            parts.pop()
    return "/" * lead + "/".join(parts) or "."


def in_folders(path: str, folders: Iterable[str]) -> bool:
    return any(path == f or path.startswith(f.rstrip("/") + "/") for f in folders)


def _stem_ext(path: str) -> tuple[str, str, str]:
    folder, _, name = path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    return (folder, stem.lower(), ext.lower()) if dot else (folder, name.lower(), "")


def live_motion_parts(media: Sequence[MediaItem]) -> set[str]:
    """Paths of the local videos that are live photos' motion parts: a .MOV or .MP4 of at most
    LIVE_MOTION_MS (or of unknown length) beside a HEIC or JPEG of the same stem."""
    stills = set()
    for row in media:
        folder, stem, ext = _stem_ext(row.path)
        if ext in _STILL_EXTS and not row.video:
            stills.add((folder, stem))
    out = set()
    for row in media:
        if not row.video:
            continue
        folder, stem, ext = _stem_ext(row.path)
        short = row.duration_ms is None or row.duration_ms <= LIVE_MOTION_MS
        if ext in _MOTION_EXTS and short and (folder, stem) in stills:
            out.add(row.path)
    return out


def library(
    media: Iterable[MediaItem],
    views: Iterable[AssetView],
    remote: Iterable[RemoteItem],
    marks: Mapping[str, Marks],
    preferred_folders: Sequence[str] = (),
    hidden: Collection[str] = (),
) -> Library:
    """Local media files (an asset when a live asset's mapped path is theirs) and remote
    assets, with the marks a person gave them (albums, favourite, rating, tags). `hidden`:
    asset ids never members (live photos' motion parts, as Immich names them)."""
    out = Library([], [], {})
    by_local = {v.local_path: v for v in views if v.local_path is not None and not v.trashed}
    rows = list(media)
    motion = live_motion_parts(rows)
    for row in rows:
        if immich_generated(row.path) or row.path in motion:
            continue
        asset = by_local.get(normal_path(row.path))
        if asset is not None and asset.id in hidden:
            continue
        key = asset.id if asset else row.path
        owner = asset.owner_id if asset else LOCAL_OWNER
        taken = capture_time(row.taken_at)
        phash = to_unsigned64(row.phash) if row.phash is not None else None
        mark = marks.get(key, NO_MARKS)
        out.candidates.append(
            Candidate(
                key=key,
                owner=owner,
                path=row.path,
                content_hash=row.content_hash,
                phash=phash,
                width=row.width,
                height=row.height,
                size=row.size,
                format=media_format(row.path, row.kind),
                captured_at=taken,
                exif_fields=sum(x is not None for x in (row.taken_at, row.make, row.model)),
                albums=mark.albums,
                favorite=mark.favorite,
                rating=mark.rating,
                description=mark.description,
                tags=mark.tags,
                preferred=in_folders(row.path, preferred_folders),
                camera=camera(row.make, row.model),
                software=row.software,
                edited_at=capture_time(row.modified_at),
                quality=row.quality,
                video=row.video,
                duration_ms=row.duration_ms,
                bitrate=row.bitrate,
                codec=row.codec,
                encoder=row.encoder,
                fps=row.fps,
                tags_read=not row.video or row.print_source == LOCAL_SOURCE,
            )
        )
        if not row.video:  # videos are never paired by name and time
            folder, _, name = row.path.rpartition("/")
            out.shots.append(
                Shot(key, owner, folder, name, row.kind == "raw", taken, row.make, row.model, phash)
            )
        out.members[key] = Member(
            key,
            row.path,
            asset.id if asset else None,
            row.size,
            row.width,
            row.height,
            row.taken_at,
            row.duration_ms if row.video else None,
            row.codec if row.video else None,
        )
    for item in remote:
        _add_remote(out, item, marks)
    return out


def hidden_assets(links: Iterable[AssetLink]) -> set[str]:
    """The ids of the assets Immich hides: live photos' motion parts. (Those only named by
    another asset's live_photo_video_id are the store's to say: `motion_parts`, which an
    analysis adds to these.)"""
    return {link.id for link in links if link.visibility == "hidden"}


def _add_remote(out: Library, item: RemoteItem, marks: Mapping[str, Marks]) -> None:
    a, path = item.asset, item.path
    if a.visibility == "hidden":  # a live photo's motion part: not an original
        return
    video = a.type == "VIDEO"
    phash = to_unsigned64(item.phash) if item.phash is not None else None
    if video:  # the thumbnail's frame, as a photo's pHash would be (a video never pairs)
        phash = to_unsigned64(item.video.phash(0)) if item.video and item.video.samples else None
    facts = item.video.facts if item.video else None
    duration = a.duration_ms or (facts.duration_ms if facts else None)
    taken = capture_time(a.date_time_original)
    mark = marks.get(a.id, NO_MARKS)
    out.candidates.append(
        Candidate(
            key=a.id,
            owner=a.owner_id,
            path=path,
            content_hash=item.content_key,
            phash=phash,
            width=a.width,
            height=a.height,
            size=a.file_size,
            format=media_format(path, ""),
            captured_at=taken,
            exif_fields=sum(x is not None for x in (a.date_time_original, a.make, a.model)),
            albums=mark.albums,
            favorite=mark.favorite,
            rating=mark.rating,
            description=mark.description,
            tags=mark.tags,
            camera=camera(a.make, a.model),
            video=video,
            duration_ms=duration if video else None,
            tags_read=not video,  # a video's file tags: never read through Immich
        )
    )
    if not video:
        folder, _, name = path.rpartition("/")
        out.shots.append(Shot(a.id, a.owner_id, folder, name, False, taken, a.make, a.model, phash))
    out.members[a.id] = Member(
        a.id,
        path,
        a.id,
        a.file_size,
        a.width,
        a.height,
        a.date_time_original,
        duration_ms=duration if video else None,
    )
