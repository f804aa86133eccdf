"""What analysis speaks: fingerprints, look-alike edges, media items with their fingerprint,
and the duplicate groups and pairs it found (with their members)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FingerprintRow:
    content_hash: str
    hash_algo: str
    phash: int | None
    dhash: int | None
    hash_size: int
    width: int | None
    height: int | None
    source: str
    taken_at: str | None
    make: str | None
    model: str | None
    error: str | None
    zoomed: tuple[int, ...] = ()  # (pHash, dHash) per centre view, signed 64-bit
    software: str | None = None  # EXIF Software
    modified_at: str | None = None  # EXIF DateTime
    exif_read: bool = False  # Software and DateTime were looked for (a file; not a thumbnail)
    quality: int | None = None  # estimated JPEG quality (null: not a JPEG, or not estimated)
    sided: tuple[int, ...] = ()  # (pHash, dHash) per one-sided view, signed 64-bit
    thumb: bytes = b""  # small grayscale thumbnail (engine.core.likeness)


@dataclass(frozen=True, slots=True)
class NearEdge:
    """Two contents that look alike: the distances, and how the match was found (`zoom`:
    0 = whole frames, else the per-mille cut from every side of a view of `a` or `b`, or from
    `side` only when one is named). `likeness` is the per-mille thumbnail correlation that
    confirmed a match the hashes alone were not close enough for (0: not needed)."""

    a: str
    b: str
    phash: int
    dhash: int
    zoom: int = 0
    side: str = ""
    likeness: int = 0


@dataclass(frozen=True, slots=True)
class MediaItem:
    """A present media file with its fingerprint (if any)."""

    path: str
    kind: str
    size: int
    content_hash: str
    phash: int | None
    dhash: int | None
    width: int | None
    height: int | None
    taken_at: str | None
    make: str | None
    model: str | None
    software: str | None = None
    modified_at: str | None = None
    quality: int | None = None  # estimated JPEG quality
    # a video (kind 'video'), from its video fingerprint (None: not known, or a photo); its
    # pHash and dHash above are those of the poster frame, size and camera from the print
    duration_ms: int | None = None
    fps: float | None = None
    codec: str | None = None
    bitrate: int | None = None  # bits per second
    encoder: str | None = None  # the container's encoder tag
    brand: str | None = None  # the container's major brand (qt, mp42, ...)
    print_source: str | None = None  # pyav | immich-thumbnail (None: no video print)

    @property
    def video(self) -> bool:
        return self.kind == "video"


@dataclass(frozen=True, slots=True)
class Member:
    key: str
    path: str | None
    asset_id: str | None
    size: int | None = None
    width: int | None = None
    height: int | None = None
    captured_at: str | None = None
    duration_ms: int | None = None  # a video's length (None: a photo, or not known)
    codec: str | None = None  # a video's codec (h264, hevc, ...)


@dataclass(frozen=True, slots=True)
class StoredGroup:
    id: int
    tier: str
    owner: str
    keeper: str
    reasons: list[str]
    distance: int
    reclaim: int
    members: list[Member]


@dataclass(frozen=True, slots=True)
class StoredPair:
    id: int
    kind: str
    owner: str
    primary: str
    reasons: list[str]
    members: list[Member]
