"""A video first known through Immich that later turns up in a mounted folder, and the files
Immich writes itself (transcodes, thumbnails) under a mounted upload location."""

from __future__ import annotations

import io
from pathlib import Path

import av

from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.helpers.analysis import analyse
from tests.helpers.videos import make_clip

USER_ID = "0b5e6c1a-3f7d-4c2e-9a8b-1d2c3e4f5a6b"


def thumbnail(clip: Path) -> bytes:
    """Immich's thumbnail of a clip: an early frame, small, as JPEG."""
    with av.open(str(clip)) as container:
        frame = next(f for f in container.decode(video=0) if (f.time or 0.0) >= 0.5)
        img = frame.to_image()
    img.thumbnail((250, 250))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=85)
    return out.getvalue()


async def _run(settings: Settings, photos: Path) -> None:
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([photos])
        await rt.sync.sync()
        await rt.analyze.analyze()


async def test_immichs_transcodes_and_thumbnails_are_never_decoded(
    tmp_path: Path, settings: Settings
) -> None:
    upload = tmp_path / "upload"
    make_clip(upload / "library" / "admin" / "2024" / "clip.mp4", seconds=2.0, size=(160, 120))
    for folder in ("encoded-video", "thumbs"):
        make_clip(upload / folder / USER_ID / "ab" / "cd" / "x.mp4", seconds=2.0, size=(160, 120))
    result = await analyse(settings, upload)
    assert result["summary"]["videos"] == {"fingerprinted": 1, "failed": 0}
    async with open_runtime(settings) as rt:
        assert await rt.analysis.unprinted_video_count() == 0
