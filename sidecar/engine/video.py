"""Video file -> fingerprint (engine.core.video), with PyAV (FFmpeg in a wheel).

The container's header gives the facts; a frame is decoded at each of SAMPLES (a seek to the
key frame before it, then forward to it), reduced at once to a small grey picture, and hashed
like a photo's whole frame. The cost is the samples', not the clip's length; memory is one
decoded frame at a time. Every failure becomes a short reason instead of an exception. The
function is plain and picklable: it runs in worker processes like the image decoders."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from sidecar.engine.core.fingerprint import FingerprintFailure
from sidecar.engine.core.video import LOCAL_SOURCE, POSTER, SAMPLES, VideoFacts, VideoPrint

FRAME_EDGE = 320  # long side of the grey picture a sampled frame is reduced to
MAX_FORWARD = 600  # packets decoded at most for one sample (a key frame every 20 s at 30 fps)
SKIP_BEFORE_S = 0.5  # non-reference frames earlier than this before a sample are not decoded
MAX_BAD_PACKETS = 30  # packets the decoder may refuse before the video counts as damaged
MAX_PIXELS = 8192 * 8192  # a frame larger than this is not decoded (a damaged or hostile header)
# one decoding thread: the analysis runs a worker process per core already, and frame threads
# delay every seek (measured: bench/bench_video_fingerprint.py, README)
THREADS = 1
STILL_FORMATS = frozenset({"image2", "jpeg_pipe", "png_pipe", "webp_pipe", "gif", "tiff_pipe"})
FLAT_SPREAD = 3.0  # a frame whose grey values spread less than this is flat (black, one colour)

_MAKE = ("com.apple.quicktime.make", "make", "com.android.manufacturer")
_MODEL = ("com.apple.quicktime.model", "model", "com.android.model")
_SOFTWARE = ("com.apple.quicktime.software", "software", "com.android.version")
_CREATED = ("com.apple.quicktime.creationdate", "creation_time", "date")


def _tag(tags: list[dict[str, str]], names: tuple[str, ...]) -> str | None:
    for name in names:
        for t in tags:
            value = t.get(name)
            if value and value.strip():
                return value.strip()
    return None


def _iso(text: str | None) -> str | None:
    """A creation time as ISO without zone, in UTC (a time with a zone is converted)."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.isoformat()


def _duration_s(container: Any, stream: Any) -> float | None:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return float(container.duration) / 1_000_000
    return None


def _facts(container: Any, stream: Any, duration: float, rotation: int) -> VideoFacts:
    ctx = stream.codec_context
    tags = [dict(container.metadata), dict(stream.metadata)]
    width, height = ctx.width or None, ctx.height or None
    if rotation % 180 and width and height:
        width, height = height, width
    rate = stream.average_rate or stream.guessed_rate
    return VideoFacts(
        duration_ms=round(duration * 1000),
        width=width,
        height=height,
        fps=round(float(rate), 3) if rate else None,
        codec=_codec_name(ctx),
        bitrate=stream.bit_rate or container.bit_rate or None,
        encoder=_tag(tags, ("encoder",)),
        brand=(_tag(tags, ("major_brand",)) or "").strip() or None,
        make=_tag(tags, _MAKE),
        model=_tag(tags, _MODEL),
        taken_at=_iso(_tag(tags, _CREATED)),
        software=_tag(tags, _SOFTWARE),
    )


def _codec_name(ctx: Any) -> str | None:
    """The codec's own name (av1, not the decoder's libdav1d)."""
    codec = getattr(ctx, "codec", None)
    return getattr(codec, "canonical_name", None) or ctx.name or None


def _small(frame: Any) -> Any:
    """The frame as a small grey Pillow image, turned as it is shown."""
    from PIL import Image

    w, h = frame.width, frame.height
    scale = min(1.0, FRAME_EDGE / max(w, h))
    small = frame.reformat(
        width=max(1, round(w * scale)),
        height=max(1, round(h * scale)),
        format="gray",
        interpolation="AREA",
    )
    img = Image.fromarray(small.to_ndarray())
    turn = round(getattr(frame, "rotation", 0) or 0) % 360
    if turn:  # the display matrix's angle is counter-clockwise
        img = img.rotate(turn, expand=True)
    return img


class _Reader:
    """The frames shown at given moments (in increasing order) of one stream: each by a seek
    to the key frame before it and a decode forward, or by decoding on from the frame before
    when that key frame is behind it already (a long GOP, close samples). Frames nobody
    refers to (non-reference B-frames) before the moment are skipped, not decoded."""

    def __init__(self, container: Any, stream: Any) -> None:
        self.container, self.stream = container, stream
        self.ctx = stream.codec_context
        self.base = stream.time_base
        self.start = float(stream.start_time * self.base) if stream.start_time else 0.0
        self.keys = getattr(stream, "index_entries", None)  # mp4/mov: where key frames are
        self.at: float | None = None  # time of the last frame decoded since the last seek
        self.packets: Any = None
        self.bad = 0  # packets the decoder refused (a damaged stretch)

    def _key_before(self, target: float) -> float | None:
        """When the key frame before `target` is (None: the file has no index)."""
        if not self.keys:
            return None
        try:
            i = self.keys.search_timestamp(int(target / self.base), backward=True)
            return float(self.keys[i].timestamp * self.base) if i >= 0 else None
        except (IndexError, ValueError, TypeError):
            return None

    def frame_at(self, at: float) -> Any | None:
        """The frame shown at `at` seconds from the stream's start (or the last before)."""
        target = self.start + at
        key = self._key_before(target)
        if self.packets is None or self.at is None or key is None or not key <= self.at < target:
            self.container.seek(max(0, int(target / self.base)), stream=self.stream)
            self.packets = self.container.demux(self.stream)
            self.at = None
        return self._forward(target)

    def _forward(self, target: float) -> Any | None:
        found = None
        early = target - SKIP_BEFORE_S
        for n, packet in enumerate(self.packets):
            if n >= MAX_FORWARD:
                return found
            when = packet.pts if packet.pts is not None else packet.dts
            skip = when is not None and float(when * self.base) < early
            self.ctx.skip_frame = "NONREF" if skip else "DEFAULT"
            for frame in self._decode(packet):
                found = frame
                self.at = frame.time
                if frame.time is None or frame.time >= target - 0.001:
                    return frame
        return found

    def _decode(self, packet: Any) -> list[Any]:
        import av

        try:
            return list(packet.decode())
        except av.error.InvalidDataError:
            self.bad += 1
            if self.bad > MAX_BAD_PACKETS:
                raise
            return []


def _open_failure(container: Any) -> FingerprintFailure | None:
    if container.format.name in STILL_FORMATS:
        return FingerprintFailure("a still image, not a video")
    if not container.streams.video:
        return FingerprintFailure("no video stream in this file (audio only?)")
    ctx = container.streams.video[0].codec_context
    if ctx is None:  # the sample entry names a codec this FFmpeg cannot decode
        return FingerprintFailure("no decoder for this video's codec")
    if (ctx.width or 0) * (ctx.height or 0) > MAX_PIXELS:
        return FingerprintFailure(f"frames too large to decode ({ctx.width}x{ctx.height})")
    return None


def fingerprint_video(path: str, hash_size: int = 8) -> VideoPrint | FingerprintFailure:
    """The fingerprint of the video at `path`, or why there is none (never an exception: a
    file no rule foresaw is a reason too, and the analysis goes on)."""
    import av

    try:
        with av.open(path, metadata_errors="ignore") as container:
            failure = _open_failure(container)
            if failure is not None:
                return failure
            return _fingerprint(container, container.streams.video[0], hash_size)
    except av.error.InvalidDataError:
        return FingerprintFailure("not a recognised video, or a damaged one")
    except av.error.PermissionError:
        # FFmpeg's mov demuxer answers a missing sample table with EPERM too
        if os.access(path, os.R_OK):
            return FingerprintFailure("damaged video: its index (sample table) is unusable")
        return FingerprintFailure("cannot read the file: permission denied")
    except av.error.FileNotFoundError:
        return FingerprintFailure("the file is gone")
    except av.error.FFmpegError as exc:
        return FingerprintFailure(f"cannot decode the video: {str(exc)[:80]}")
    except OSError as exc:
        return FingerprintFailure(f"cannot read the file: {exc.strerror or exc}"[:100])
    except Exception as exc:  # noqa: BLE001 - any other fault of a decoder is this file's reason
        return FingerprintFailure(f"cannot decode the video: {type(exc).__name__}: {str(exc)[:60]}")


def _fingerprint(container: Any, stream: Any, hash_size: int) -> VideoPrint | FingerprintFailure:
    import numpy as np

    from sidecar.engine.imaging import frame_hashes

    stream.thread_count = THREADS
    duration = _duration_s(container, stream)
    if not duration or duration <= 0:
        return FingerprintFailure("the video does not say how long it is")
    reader = _Reader(container, stream)
    frames: list[int] = []
    times: list[int] = []
    flat: list[bool] = []
    poster = b""
    rotation = 0
    for k, fraction in enumerate(SAMPLES):
        frame = reader.frame_at(duration * fraction)
        if frame is None:
            what = "damaged video: no frame decodes" if reader.bad else "truncated video: no frame"
            return FingerprintFailure(f"{what} at {duration * fraction:.1f} s")
        rotation = round(getattr(frame, "rotation", 0) or 0)
        img = _small(frame)
        phash, dhash, thumb = frame_hashes(img, hash_size)
        frames += (phash, dhash)
        times.append(round(((frame.time or 0.0) - reader.start) * 1000))
        flat.append(float(np.asarray(img, dtype=np.float32).std()) < FLAT_SPREAD)
        if k == POSTER:
            poster = thumb
    facts = _facts(container, stream, duration, rotation)
    return VideoPrint(facts, LOCAL_SOURCE, tuple(frames), tuple(times), tuple(flat), poster)
