"""The keeper of real clips: the facts PyAV reads from each file (engine.video) decide, as the
analysis hands them to the keeper. FFmpeg's muxer names itself in every file it writes
(`Lavf…`): such a file is a re-encode; a camera's own QuickTime tags without it (made here by
remuxing with bitexact flags, as a phone's file has no FFmpeg tag) make the camera original."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import av

from sidecar.engine.core.dedup import Candidate, choose_keeper
from sidecar.engine.core.video import VideoPrint
from sidecar.engine.video import fingerprint_video
from tests.helpers.videos import make_clip

APPLE = {
    "com.apple.quicktime.make": "Apple",
    "com.apple.quicktime.model": "iPhone 13",
    "com.apple.quicktime.creationdate": "2022-05-01T09:00:00+0200",
    "com.apple.quicktime.software": "16.1",
}


def camera_file(src: Path, dst: Path) -> Path:
    """`src`'s frames, untouched, in a .mov carrying a phone's tags and no encoder tag."""
    options = {"fflags": "+bitexact", "movflags": "use_metadata_tags"}
    with av.open(str(src)) as inp, av.open(str(dst), "w", format="mov", options=options) as out:
        out.metadata.update(APPLE)
        stream = inp.streams.video[0]
        target = out.add_stream_from_template(stream)
        for packet in inp.demux(stream):
            if packet.dts is not None:
                packet.stream = target
                out.mux(packet)
    return dst


def candidate(path: Path) -> Candidate:
    """The keeper's view of a clip, from the facts of its fingerprint."""
    made = fingerprint_video(str(path))
    assert isinstance(made, VideoPrint), made
    f = made.facts
    return Candidate(
        key=str(path),
        owner="u",
        path=str(path),
        content_hash=str(path),
        width=f.width,
        height=f.height,
        size=path.stat().st_size,
        format=path.suffix.lstrip(".").lower(),
        captured_at=datetime.fromisoformat(f.taken_at) if f.taken_at else None,
        camera=" ".join(p for p in (f.make, f.model) if p),
        software=f.software,
        video=True,
        duration_ms=f.duration_ms,
        bitrate=f.bitrate,
        codec=f.codec,
        encoder=f.encoder,
        fps=f.fps,
    )


def rate(bits: int | None) -> str:
    """A bitrate as the reasons give it: Mb/s from one Mb/s up, kb/s below."""
    value = bits or 0
    return f"{value / 1e6:.1f} Mb/s" if value >= 1_000_000 else f"{value / 1000:.0f} kb/s"


def test_the_camera_original_beats_a_higher_bitrate_reencode_and_smaller_ones(
    tmp_path: Path,
) -> None:
    shot = make_clip(tmp_path / "src" / "shot.mp4", size=(320, 240), bitrate=600_000)
    original = candidate(camera_file(shot, tmp_path / "IMG_0001.MOV"))
    assert (original.encoder, original.camera) == (None, "Apple iPhone 13")
    big = candidate(make_clip(tmp_path / "IMG_0001_hq.mp4", size=(320, 240), bitrate=3_000_000))
    assert big.encoder is not None
    assert big.encoder.startswith("Lavf")
    assert (big.bitrate or 0) > 2 * (original.bitrate or 0)
    small = candidate(make_clip(tmp_path / "IMG_0001_480.mp4", size=(160, 120)))
    thin = candidate(make_clip(tmp_path / "IMG_0001_thin.mp4", size=(320, 240), bitrate=60_000))
    assert (thin.bitrate or 0) < (original.bitrate or 0)

    key, reasons = choose_keeper([big, small, thin, original])
    assert key == original.key
    assert reasons == (
        f"the camera original: made by Apple iPhone 13, not re-encoded (IMG_0001_hq.mp4 "
        f"encoded by {big.encoder}; no camera make, model or creation time; its "
        f"{rate(big.bitrate)} adds nothing to the source's)",
        f"higher bitrate: {rate(original.bitrate)} against {rate(thin.bitrate)}, both H.264 "
        "(IMG_0001_thin.mp4)",
        "more pixels: 320x240 against 160x120 (IMG_0001_480.mp4)",
    )
