"""What a video fingerprint is, apart from how it is made (pure; engine.video makes them with
PyAV, or the analysis from Immich's thumbnail of the asset and its duration).

A video is sampled at SAMPLES: fixed fractions of its duration (the middles of eight equal
parts), so two encodings of one clip are sampled at the same moments whatever their frame rate,
bitrate or size; each sampled frame is hashed like a photo's whole frame (pHash, dHash), and the
frame nearest the middle is kept as the poster's small thumbnail. The facts beside the frames
(duration, size, frame rate, codec, bitrate, container and encoder tags, camera) are what the
keeper rules and the review show.
"""

from __future__ import annotations

from dataclasses import dataclass

# Where frames are taken: the middle of each of eight equal parts of the duration
SAMPLES = tuple((2 * k + 1) / 16 for k in range(8))
POSTER = 3  # the sample shown as the poster frame (7/16, the one nearest the middle before it)
LOCAL_SOURCE = "pyav"  # frames decoded here from the file
IMMICH_SOURCE = "immich-thumbnail"  # one frame: Immich's thumbnail of the asset, and its duration


@dataclass(frozen=True, slots=True)
class VideoFacts:
    """What a video's container and stream say of it (None: not said)."""

    duration_ms: int | None = None
    width: int | None = None  # as shown (the container's rotation applied)
    height: int | None = None
    fps: float | None = None
    codec: str | None = None  # the video stream's codec: h264, hevc, vp9, av1, mpeg4, ...
    bitrate: int | None = None  # bits per second of the video stream (else of the container)
    encoder: str | None = None  # the container's or stream's encoder tag (Lavf..., HandBrake...)
    brand: str | None = None  # the container's major brand (qt, mp42, isom, 3gp4, ...)
    make: str | None = None  # the camera (QuickTime / Android tags), when the file names one
    model: str | None = None
    taken_at: str | None = None  # creation time, ISO without zone (UTC)
    software: str | None = None  # the camera's or editor's software tag


@dataclass(frozen=True, slots=True)
class VideoPrint:
    """A video's fingerprint: its facts, and (pHash, dHash) of each sampled frame."""

    facts: VideoFacts
    source: str  # LOCAL_SOURCE or IMMICH_SOURCE
    frames: tuple[int, ...]  # (pHash, dHash) of each sample, flattened (signed 64-bit)
    times_ms: tuple[int, ...]  # when each sampled frame is shown
    flat: tuple[bool, ...]  # each sample: a flat frame (black, one colour), no evidence
    poster: bytes = b""  # THUMB_EDGE x THUMB_EDGE 8-bit grayscale of the poster frame

    @property
    def samples(self) -> int:
        return len(self.frames) // 2

    def phash(self, i: int) -> int:
        return self.frames[2 * i]

    def dhash(self, i: int) -> int:
        return self.frames[2 * i + 1]
