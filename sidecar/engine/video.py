"""Video file -> fingerprint (engine.core.video), with PyAV (FFmpeg in a wheel).

The container's header gives the facts; a frame is decoded at each of SAMPLES (a seek to the
key frame before it, then forward to it), reduced at once to a small grey picture, and hashed
like a photo's whole frame. The cost is the samples', not the clip's length; memory is one
decoded frame at a time. Every failure becomes a short reason instead of an exception. The
function is plain and picklable: it runs in worker processes like the image decoders."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sidecar.engine.core.fingerprint import FingerprintFailure
from sidecar.engine.core.video import LOCAL_SOURCE, POSTER, SAMPLES, VideoFacts, VideoPrint

FRAME_EDGE = 320  # long side of the grey picture a sampled frame is reduced to
MAX_FORWARD = 600  # frames decoded at most after a seek (a key frame every 20 s at 30 fps)
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
        codec=ctx.name or None,
        bitrate=stream.bit_rate or container.bit_rate or None,
        encoder=_tag(tags, ("encoder",)),
        brand=(_tag(tags, ("major_brand",)) or "").strip() or None,
        make=_tag(tags, _MAKE),
        model=_tag(tags, _MODEL),
        taken_at=_iso(_tag(tags, _CREATED)),
        software=_tag(tags, _SOFTWARE),
    )


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


def _sample(container: Any, stream: Any, at: float) -> Any | None:
    """The frame shown at `at` seconds from the stream's start (or the last one before)."""
    start = float(stream.start_time * stream.time_base) if stream.start_time else 0.0
    target = start + at
    container.seek(int(target / stream.time_base), stream=stream, backward=True)
    found = None
    for n, frame in enumerate(container.decode(stream)):
        found = frame
        if frame.time is None or frame.time >= target - 0.001 or n >= MAX_FORWARD:
            break
    return found


def fingerprint_video(path: str, hash_size: int = 8) -> VideoPrint | FingerprintFailure:
    """The fingerprint of the video at `path`, or why there is none."""
    import av
    import numpy as np

    from sidecar.engine.imaging import frame_hashes

    try:
        with av.open(path, metadata_errors="ignore") as container:
            if not container.streams.video:
                return FingerprintFailure("no video stream in this file")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            duration = _duration_s(container, stream)
            if not duration or duration <= 0:
                return FingerprintFailure("the video does not say how long it is")
            frames: list[int] = []
            times: list[int] = []
            flat: list[bool] = []
            poster = b""
            rotation = 0
            for k, fraction in enumerate(SAMPLES):
                frame = _sample(container, stream, duration * fraction)
                if frame is None:
                    return FingerprintFailure(
                        f"truncated video: no frame to decode at {duration * fraction:.1f} s"
                    )
                rotation = round(getattr(frame, "rotation", 0) or 0)
                img = _small(frame)
                phash, dhash, thumb = frame_hashes(img, hash_size)
                frames += (phash, dhash)
                times.append(round((frame.time or 0.0) * 1000))
                flat.append(float(np.asarray(img, dtype=np.float32).std()) < FLAT_SPREAD)
                if k == POSTER:
                    poster = thumb
            facts = _facts(container, stream, duration, rotation)
    except av.error.InvalidDataError:
        return FingerprintFailure("not a recognised video, or a damaged one")
    except (av.error.FFmpegError, OSError) as exc:
        return FingerprintFailure(f"cannot decode the video: {str(exc)[:80]}")
    except (ValueError, MemoryError) as exc:
        return FingerprintFailure(f"cannot decode the video: {type(exc).__name__}: {str(exc)[:60]}")
    return VideoPrint(facts, LOCAL_SOURCE, tuple(frames), tuple(times), tuple(flat), poster)
