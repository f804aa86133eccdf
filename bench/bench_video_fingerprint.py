"""The cost of a video fingerprint, against a naive baseline, for 1080p H.264 clips.

Clips of 10 s, 1 min and 5 min (a pan over a real photograph, 1920x1080 at 30 fps, 8 Mbit/s,
a key frame every second and no B-frames, as phones write them) and a long-GOP variant of the
1 min and 5 min clips (a key frame every 10 s, with B-frames, as x264's defaults write) are
made once into a cache directory (default /tmp/sidecar-bench-videos; how long that took is
printed): a 20 s segment of each kind is encoded, and longer clips repeat its packets. Each
clip is fingerprinted by engine.video.fingerprint_video (a seek and a bounded decode forward to
each of the 8 samples) and by a naive baseline measured in the same run: every frame decoded
in order, the frames at the same sampled moments hashed the same way. Printed: seconds per
clip, per minute of video, and the ratio. Target: < 1 s per clip whatever its length.

    .venv/bin/python bench/bench_video_fingerprint.py [--cache DIR] [--threads MODE] [--repeat N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image

from sidecar.engine.core.video import SAMPLES
from sidecar.engine.imaging import frame_hashes
from sidecar.engine.video import fingerprint_video

SIZE = (1920, 1080)
FPS = 30
CLIPS = (  # name, seconds, key frame interval in frames
    ("10s", 10, 30),
    ("1min", 60, 30),
    ("5min", 300, 30),
    ("1min-longgop", 60, 300),
    ("5min-longgop", 300, 300),
)


def _scene() -> np.ndarray:
    import skimage

    found = next((Path(skimage.__file__).parent / "data").glob("astronaut.*"))
    with Image.open(found) as img:
        return np.asarray(img.convert("RGB").resize((2880, 2880)))


SEGMENT_S = 20  # the pan passes over the photo and back in this time; longer clips repeat it


def make_segment(path: Path, gop: int) -> None:
    """20 s of a pan over the photograph (a 1920x1080 window moving over 2880x2880 pixels),
    closed GOPs of `gop` frames."""
    scene = _scene()
    frames = SEGMENT_S * FPS
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height = SIZE
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = 8_000_000
        # short GOPs as phones write them (no B-frames); long ones as x264's defaults do
        # (B-frames, some of them references)
        preset = "ultrafast" if gop <= FPS else "veryfast"
        stream.options = {"preset": preset, "g": str(gop), "keyint_min": str(gop)}
        for k in range(frames):
            t = k / frames
            t = 2 * t if t < 0.5 else 2 - 2 * t
            x, y = int(t * 900), int(t * 1700)
            crop = np.ascontiguousarray(scene[y : y + 1080, x : x + 1920])
            frame = av.VideoFrame.from_ndarray(crop, format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


def make_clip(path: Path, segment: Path, seconds: int) -> None:
    """The segment played again and again (its packets copied, times shifted) to `seconds`
    (or cut at the key frame at `seconds`)."""
    tmp = path.with_suffix(".part.mp4")
    with av.open(str(tmp), "w") as out:
        stream = None
        for rep in range(max(1, seconds // SEGMENT_S)):
            with av.open(str(segment)) as src:
                source = src.streams.video[0]
                if stream is None:
                    stream = out.add_stream_from_template(source)
                shift = round(rep * SEGMENT_S / source.time_base)
                end = round(seconds / source.time_base)
                for packet in src.demux(source):
                    if packet.dts is None:
                        continue
                    if packet.is_keyframe and packet.pts is not None and packet.pts >= end:
                        break  # a shorter clip than the segment: cut at a key frame
                    packet.pts = None if packet.pts is None else packet.pts + shift
                    packet.dts += shift
                    packet.stream = stream
                    out.mux(packet)
    tmp.rename(path)


def naive(path: Path, hash_size: int = 8) -> list[int]:
    """Every frame decoded in order; the frames at the sampled moments hashed."""
    from sidecar.engine.video import _small

    out: list[int] = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        duration = float(stream.duration * stream.time_base)
        targets = [duration * f for f in SAMPLES]
        for frame in container.decode(stream):
            if targets and frame.time is not None and frame.time >= targets[0] - 0.001:
                targets.pop(0)
                phash, dhash, _ = frame_hashes(_small(frame), hash_size)
                out += (phash, dhash)
    return out


def timed(fn: Any, *args: Any, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, default=Path("/tmp/sidecar-bench-videos"))
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--no-naive", action="store_true", help="skip the baseline")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    made = 0.0
    for name, seconds, gop in CLIPS:
        path = args.cache / f"{name}.mp4"
        if not path.exists():
            t0 = time.perf_counter()
            segment = args.cache / f"segment-gop{gop}.mp4"
            if not segment.exists():
                make_segment(segment, gop)
            make_clip(path, segment, seconds)
            made += time.perf_counter() - t0
            print(f"made {path} in {time.perf_counter() - t0:.0f} s", flush=True)
    if made:
        print(f"clips made in {made:.0f} s (cached in {args.cache})")
    print(f"{'clip':<14} {'print s':>8} {'s/min':>7} {'naive s':>8} {'s/min':>7} {'ratio':>6}")
    for name, seconds, _ in CLIPS:
        path = args.cache / f"{name}.mp4"
        made_print = fingerprint_video(str(path))
        assert not hasattr(made_print, "reason"), made_print
        fast = timed(fingerprint_video, str(path), repeat=args.repeat)
        minutes = seconds / 60
        if args.no_naive:
            print(f"{name:<14} {fast:>8.2f} {fast / minutes:>7.2f}", flush=True)
            continue
        slow = timed(naive, path, repeat=1)
        print(
            f"{name:<14} {fast:>8.2f} {fast / minutes:>7.2f} {slow:>8.2f} "
            f"{slow / minutes:>7.2f} {slow / fast:>6.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
