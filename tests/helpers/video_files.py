"""Odd video files for the decoding tests, made with PyAV: a clip whose frame's left half is
bright (to tell which way a rotation turned it), other codecs and containers, variable frame
rates, a rotation written into the container's display matrix, audio only, and a header that
claims huge frames."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

from tests.helpers.videos import _scene


def pan_frames(size: tuple[int, int], count: int, scene: str = "astronaut") -> Iterator[Any]:
    """`count` RGB frames of a pan over `scene`."""
    img = _scene(scene, 768)
    for k in range(count):
        t = k / max(1, count - 1)
        x, y = int(t * 250), int(t * 120)
        crop = np.ascontiguousarray(img[y : y + 576, x : x + 768 - 250])
        yield av.VideoFrame.from_ndarray(crop, format="rgb24").reformat(
            width=size[0], height=size[1]
        )


def half_bright(size: tuple[int, int], count: int) -> Iterator[Any]:
    """Frames whose left half is white and right half black (with a little texture)."""
    w, h = size
    for k in range(count):
        arr = np.zeros((h, w, 3), dtype=np.uint8)
        arr[:, : w // 2] = 230
        arr[(k * 3) % h, :, :] = 120  # a moving line: the frames are not all one
        yield av.VideoFrame.from_ndarray(arr, format="rgb24")


def encode(
    path: Path,
    frames: Iterator[Any],
    *,
    codec: str = "libx264",
    fps: int = 24,
    size: tuple[int, int] = (160, 120),
    pix_fmt: str = "yuv420p",
    options: dict[str, str] | None = None,
    container_options: dict[str, str] | None = None,
    times_ms: list[int] | None = None,
) -> Path:
    """The frames encoded into `path` (the container from its extension); `times_ms`: each
    frame's own time (a variable frame rate)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", options=container_options or {}) as out:
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = pix_fmt
        if options:
            stream.options = options
        if times_ms is not None:
            stream.codec_context.time_base = Fraction(1, 1000)
        for n, frame in enumerate(frames):
            frame = frame.reformat(format=pix_fmt)
            if times_ms is not None:
                frame.pts = times_ms[n]
                frame.time_base = stream.codec_context.time_base
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def audio_only(path: Path, seconds: float = 2.0) -> Path:
    rate = 44_100
    with av.open(str(path), "w") as out:
        stream = out.add_stream("aac", rate=rate)
        samples = np.sin(np.arange(int(rate * seconds)) / 20).astype(np.float32)
        for start in range(0, samples.size, 1024):
            chunk = samples[start : start + 1024].reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def rotate(path: Path, quarter_turns_clockwise: int) -> Path:
    """The MP4's track header matrix set to show the frames turned clockwise by quarter
    turns, as a phone held upright writes it (1: an iPhone's portrait video)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"tkhd")
    # after the box type: version and flags, times, track id, reserved, duration (version 0:
    # 20 bytes, 1: 32), reserved, layer, group, volume, reserved (16), then the matrix
    matrix = at + 4 + 4 + (20 if data[at + 4] == 0 else 32) + 16
    one, minus = 0x00010000, 0xFFFF0000
    a, b, c, d = {1: (0, one, minus, 0), 2: (minus, 0, 0, minus), 3: (0, minus, one, 0)}[
        quarter_turns_clockwise % 4
    ]
    for n, value in enumerate((a, b, 0, c, d, 0)):
        data[matrix + 4 * n : matrix + 4 * n + 4] = value.to_bytes(4, "big")
    path.write_bytes(bytes(data))
    return path


def claim_size(path: Path, width: int, height: int) -> Path:
    """Every JPEG frame header of an MJPEG file rewritten to claim `width` x `height`."""
    data = bytearray(path.read_bytes())
    at = data.find(b"\xff\xc0")
    while at >= 0:
        data[at + 5 : at + 7] = height.to_bytes(2, "big")
        data[at + 7 : at + 9] = width.to_bytes(2, "big")
        at = data.find(b"\xff\xc0", at + 2)
    path.write_bytes(bytes(data))
    return path
