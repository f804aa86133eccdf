"""Three short clips for the demo's sample library, made with PyAV from a sample photograph: a
phone's clip (a pan over the photo, with the camera's tags), a smaller re-encode of it (one clip
in two encodings: a near duplicate) and a part cut from it (a trimmed copy: a variant)."""

from __future__ import annotations

from pathlib import Path

from sidecar.cli.corpus_video import _encode, _frames, _pan, _scene, _transcode

FOLDER = "2022/Clips"
SIZE = (640, 360)
FPS = 30
SECONDS = 6.0
CAMERA = {
    "com.apple.quicktime.make": "Apple",
    "com.apple.quicktime.model": "iPhone 12 Pro",
    "com.apple.quicktime.creationdate": "2022-08-20T18:30:00+0200",
    "creation_time": "2022-08-20T16:30:00.000000Z",
}


def build_clips(target: Path) -> list[Path]:
    """Write the clips under `target` (existing files are left alone)."""
    folder = target / FOLDER
    original = folder / "IMG_5001.MOV"
    small = folder / "IMG_5001-small.mp4"
    trim = folder / "IMG_5001-trim.mp4"
    if not original.exists():
        frames = _frames(_scene("astronaut"), _pan, SIZE, round(SECONDS * FPS))
        _encode(original, frames, SIZE, FPS, 2_000_000, CAMERA)
    if not small.exists():
        _transcode(original, small, (320, 180), FPS, 250_000, seconds=SECONDS)
    if not trim.exists():
        _transcode(original, trim, SIZE, FPS, 1_500_000, start=1.5, seconds=3.0)
    return [original, small, trim]
