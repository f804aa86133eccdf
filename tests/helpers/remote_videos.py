"""Videos known through the test Immich: a mounted library holding a real clip, an upload,
a library not mounted here (`ARCHIVE`), a photo whose thumbnail is a video's, and the motion
parts of live photos (one named by live_photo_video_id, one hidden); `analyse` runs scan, sync
and an analysis through a fresh runtime."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av

from sidecar.engine.services.report import analysis_report
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from tests.fake_immich import FakeImmich
from tests.fake_immich.state import FakeAsset
from tests.helpers import LIB
from tests.helpers.analysis import mapped_settings
from tests.helpers.videos import make_clip

ARCHIVE = "/mnt/archive"  # a library of the test Immich not mounted here


def frame_jpeg(clip: Path, at: float = 0.5, edge: int = 250) -> bytes:
    """What Immich's thumbnail job makes of a clip: an early frame, made small (JPEG)."""
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        frame = next(f for f in container.decode(stream) if (f.time or 0.0) >= at)
        img = frame.to_image()
    img.thumbnail((edge, edge))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=85)
    return out.getvalue()


@dataclass
class Library:
    settings: Settings
    mounted: FakeAsset  # a video whose file is mounted here
    upload: FakeAsset  # a video uploaded to Immich (no file here)
    archived: FakeAsset  # a video of a library not mounted here
    look_alike: FakeAsset  # a photo whose thumbnail is the upload's
    live: FakeAsset  # a live photo (its motion part below)
    motion: FakeAsset  # named by live_photo_video_id, not hidden
    hidden: FakeAsset  # a hidden motion part


def build(fake: FakeImmich, tmp: Path) -> Library:
    photos = tmp / "photos"
    state = fake.state
    user = state.add_user()
    key = state.add_key(user)
    mounted_lib = state.add_library(user, LIB)
    archive = state.add_library(user, ARCHIVE, name="Archive")
    clip = make_clip(photos / "clips" / "pan.mp4", seconds=4.0)
    mounted = state.import_file(
        mounted_lib,
        f"{LIB}/clips/pan.mp4",
        type="VIDEO",
        duration_ms=4000,
        width=320,
        height=240,
        file_size=clip.stat().st_size,
    )
    state.thumbnails[mounted.id] = frame_jpeg(clip)
    other = make_clip(tmp / "elsewhere" / "phone.mov", seconds=6.0, scene="coffee")
    looks = frame_jpeg(other)
    upload = state.add_upload(
        user,
        other.read_bytes(),
        file_name="phone.mov",
        type="VIDEO",
        duration_ms=6000,
        width=320,
        height=240,
        make="Apple",
        model="iPhone 12",
    )
    state.thumbnails[upload.id] = looks
    archived = state.import_file(archive, f"{ARCHIVE}/old/clip.mp4", type="VIDEO", duration_ms=6000)
    state.thumbnails[archived.id] = looks
    look_alike = state.import_file(archive, f"{ARCHIVE}/old/still.jpg", width=320, height=240)
    state.thumbnails[look_alike.id] = looks
    motion = state.import_file(archive, f"{ARCHIVE}/live/IMG_1.mov", type="VIDEO", duration_ms=2000)
    live = state.import_file(archive, f"{ARCHIVE}/live/IMG_1.heic", live_photo_video_id=motion.id)
    hidden = state.import_file(
        archive, f"{ARCHIVE}/live/IMG_2.mov", type="VIDEO", duration_ms=2000, visibility="hidden"
    )
    for asset in (motion, live, hidden):
        state.thumbnails[asset.id] = looks
    settings = mapped_settings(fake.url, key, photos, tmp / "state")
    return Library(settings, mounted, upload, archived, look_alike, live, motion, hidden)


async def analyse(settings: Settings) -> tuple[Any, dict[str, Any]]:
    async with open_runtime(settings) as rt:
        await rt.scan.scan_paths([])
        await rt.sync.sync()
        summary = await rt.analyze.analyze()
        return summary, await analysis_report(rt.analysis)
