"""A video first known through Immich that later turns up in a mounted folder, and the files
Immich writes itself (transcodes, thumbnails) under a mounted upload location."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import av

from sidecar.engine.core.video import IMMICH_SOURCE, LOCAL_SOURCE
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.fake_immich import FakeImmich
from tests.helpers.analysis import analyse, mapped_settings
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


async def test_a_mounted_copy_of_an_uploaded_video_replaces_immichs_one_frame(
    immich_v2: FakeImmich, tmp_path: Path
) -> None:
    state = immich_v2.state
    user = state.add_user()
    key = state.add_key(user)
    clip = make_clip(tmp_path / "elsewhere" / "phone.mov", seconds=6.0, scene="coffee")
    upload = state.add_upload(
        user, clip.read_bytes(), file_name="phone.mov", type="VIDEO", duration_ms=6000
    )
    state.thumbnails[upload.id] = thumbnail(clip)
    photos = tmp_path / "photos"
    photos.mkdir()
    settings = mapped_settings(immich_v2.url, key, photos, tmp_path / "state")
    content = hashlib.sha1(clip.read_bytes()).hexdigest()
    await _run(settings, photos)
    async with open_runtime(settings) as rt:
        assert (await rt.analysis.video_prints([content]))[content].source == IMMICH_SOURCE
    shutil.copyfile(clip, photos / "phone.mov")  # the same bytes, now mounted here
    await _run(settings, photos)
    async with open_runtime(settings) as rt:
        found = (await rt.analysis.video_prints([content]))[content]
        assert found.source == LOCAL_SOURCE
        assert found.samples == 8
        assert await rt.analysis.unprinted_video_count() == 0


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
