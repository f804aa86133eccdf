"""Decoding real video files of every kind a library holds: other codecs and containers,
rotated phone videos, variable frame rates, long GOPs, odd sizes and names; and every file
that cannot be a fingerprint (damaged, truncated, audio only, empty, a photo, not media,
unreadable, absurd sizes) a short reason, never an exception."""

from __future__ import annotations

import os
from pathlib import Path

import av
import numpy as np
import pytest

from sidecar.engine.core.fingerprint import FingerprintFailure
from sidecar.engine.core.video import SAMPLES, VideoPrint
from sidecar.engine.core.video_match import Relation, VideoRules, compare
from sidecar.engine.video import fingerprint_video
from tests.helpers.video_files import (
    audio_only,
    claim_size,
    encode,
    half_bright,
    pan_frames,
    rotate,
)
from tests.helpers.videos import make_clip, still_image

RULES = VideoRules(phash=4, dhash=6)
FRAMES = 72  # 3 s at 24 fps


def printed(path: Path) -> VideoPrint:
    made = fingerprint_video(str(path))
    assert isinstance(made, VideoPrint), made
    return made


def failed(path: Path) -> str:
    made = fingerprint_video(str(path))
    assert isinstance(made, FingerprintFailure), path
    assert made.reason
    assert len(made.reason) < 120
    return made.reason


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> VideoPrint:
    path = tmp_path_factory.mktemp("ref") / "ref.mp4"
    return printed(encode(path, pan_frames((160, 120), FRAMES)))


CODECS = [
    ("libx265", "hevc", "clip.mp4", "yuv420p", {"x265-params": "log-level=error"}),
    ("libvpx-vp9", "vp9", "clip.webm", "yuv420p", {"deadline": "realtime", "cpu-used": "8"}),
    ("libsvtav1", "av1", "clip.mkv", "yuv420p", {"preset": "12"}),
    ("mpeg4", "mpeg4", "clip.avi", "yuv420p", {"qscale": "3"}),
    ("mjpeg", "mjpeg", "clip.mov", "yuvj420p", {}),
]


@pytest.mark.parametrize(("encoder", "codec", "name", "pix_fmt", "options"), CODECS)
def test_other_codecs_are_the_same_clip(
    tmp_path: Path,
    reference: VideoPrint,
    encoder: str,
    codec: str,
    name: str,
    pix_fmt: str,
    options: dict[str, str],
) -> None:
    if encoder not in av.codecs_available:
        pytest.skip(f"this PyAV cannot encode {encoder}")
    path = encode(
        tmp_path / name,
        pan_frames((160, 120), FRAMES),
        codec=encoder,
        pix_fmt=pix_fmt,
        options=options,
    )
    made = printed(path)
    assert made.facts.codec == codec
    assert (made.facts.width, made.facts.height) == (160, 120)
    assert abs((made.facts.duration_ms or 0) - 3000) <= 100
    match = compare(reference, made, RULES)
    assert match is not None
    assert match.relation is Relation.DUPLICATE


def test_a_long_gop_and_b_frames_give_the_frames_an_intra_only_encoding_gives(
    tmp_path: Path,
) -> None:
    """Decoding on from the previous sample (no key frame between) and skipping frames no
    other refers to must land on the very frames a decoder of every frame shows."""
    frames = 240  # 10 s at 24 fps
    long_gop = encode(
        tmp_path / "long.mp4",
        pan_frames((160, 120), frames),
        options={"g": "1000", "bf": "3", "preset": "medium"},
    )
    intra = encode(
        tmp_path / "intra.mp4", pan_frames((160, 120), frames), options={"g": "1", "crf": "12"}
    )
    a, b = printed(long_gop), printed(intra)
    assert a.times_ms == b.times_ms
    for at, fraction in zip(a.times_ms, SAMPLES, strict=True):
        assert abs(at - 10_000 * fraction) <= 42  # the frame shown then (24 fps)
    match = compare(a, b, RULES)
    assert match is not None
    assert match.phash <= 2


def test_a_phone_video_held_upright_is_turned_as_shown(tmp_path: Path) -> None:
    """A clockwise quarter turn in the display matrix (an iPhone's portrait video): the
    frame's left edge is shown at the top, and the facts give the size as shown."""
    path = rotate(encode(tmp_path / "portrait.mp4", half_bright((160, 120), 48)), 1)
    made = printed(path)
    assert (made.facts.width, made.facts.height) == (120, 160)
    poster = np.frombuffer(made.poster, dtype=np.uint8).reshape(32, 32).astype(float)
    assert poster[:14].mean() > 200  # the bright left half is on top
    assert poster[18:].mean() < 40
    upside = printed(rotate(encode(tmp_path / "upside.mp4", half_bright((160, 120), 48)), 2))
    assert (upside.facts.width, upside.facts.height) == (160, 120)
    turned = np.frombuffer(upside.poster, dtype=np.uint8).reshape(32, 32).astype(float)
    assert turned[:, 18:].mean() > 200  # the left half now on the right
    assert turned[:, :14].mean() < 40


def test_a_variable_frame_rate_is_sampled_by_time(tmp_path: Path, reference: VideoPrint) -> None:
    rng = np.random.default_rng(3)
    gaps = rng.choice([20, 42, 60], size=FRAMES - 1)  # 3 s with uneven gaps, like a phone's
    times = [0, *np.cumsum(gaps).tolist()]
    scale = 3000 / (times[-1] + 42)
    times = [round(t * scale) for t in times]
    path = encode(tmp_path / "vfr.mp4", pan_frames((160, 120), FRAMES), times_ms=times)
    made = printed(path)
    for at, fraction in zip(made.times_ms, SAMPLES, strict=True):
        assert abs(at - (made.facts.duration_ms or 0) * fraction) <= 70
    assert made.samples == len(SAMPLES)


def test_odd_sizes_interlacing_and_names(tmp_path: Path, reference: VideoPrint) -> None:
    odd = printed(encode(tmp_path / "odd.mp4", pan_frames((202, 114), FRAMES), size=(202, 114)))
    assert (odd.facts.width, odd.facts.height) == (202, 114)
    interlaced = encode(
        tmp_path / "Urlaub Größe 🎬 (1).mp4",
        pan_frames((160, 120), FRAMES),
        options={"flags": "+ildct+ilme", "x264-params": "tff=1"},
    )
    made = printed(interlaced)
    match = compare(reference, made, RULES)
    assert match is not None
    assert match.relation is Relation.DUPLICATE


def test_truncated_videos_are_reasons(tmp_path: Path) -> None:
    # the index (moov) at the end, cut off: nothing says what the file holds
    clip = make_clip(tmp_path / "clip.mp4", seconds=3.0, size=(160, 120))
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])
    assert failed(cut)
    # the index at the front (a streaming copy), the frames cut: the header promises more
    fast = encode(
        tmp_path / "fast.mp4",
        pan_frames((160, 120), FRAMES),
        container_options={"movflags": "faststart"},
    )
    data = fast.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")
    for share in (0.3, 0.6, 0.9):
        part = tmp_path / f"part{share}.mp4"
        part.write_bytes(data[: int(len(data) * share)])
        reason = failed(part)
        assert "truncated" in reason or "damaged" in reason or "decode" in reason


def test_files_that_are_no_video_are_reasons(tmp_path: Path) -> None:
    assert "no video" in failed(audio_only(tmp_path / "voice.mp4"))
    empty = tmp_path / "empty.mov"
    empty.write_bytes(b"")
    assert failed(empty)
    assert failed(still_image(tmp_path / "photo.mp4")) == "a still image, not a video"
    text = tmp_path / "notes.mp4"
    text.write_text("not a video at all\n" * 200)
    assert failed(text)
    assert failed(tmp_path / "gone.mp4")
    assert failed(tmp_path)  # a folder


def test_a_header_claiming_huge_frames_is_not_decoded(tmp_path: Path) -> None:
    path = encode(
        tmp_path / "huge.avi", pan_frames((160, 120), 24), codec="mjpeg", pix_fmt="yuvj420p"
    )
    claim_size(path, 60_000, 60_000)
    assert failed(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_a_reason(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "locked.mp4", seconds=2.0, size=(160, 120))
    clip.chmod(0)
    try:
        assert "permission denied" in failed(clip)
    finally:
        clip.chmod(0o644)


def _edited(tmp_path: Path, name: str, old: bytes, new: bytes) -> Path:
    """A clip with `old` replaced by `new` in its bytes (a box's or a sample entry's name)."""
    data = make_clip(tmp_path / "source.mp4", seconds=2.0, size=(160, 120)).read_bytes()
    assert old in data
    out = tmp_path / name
    out.write_bytes(data.replace(old, new))
    return out


def test_a_codec_without_a_decoder_is_a_reason(tmp_path: Path) -> None:
    """A sample entry naming a codec the bundled FFmpeg has no decoder for: the stream has no
    codec context to read, and the outcome says so."""
    reason = failed(_edited(tmp_path, "odd_codec.mp4", b"avc1", b"zzzz"))
    assert "no decoder" in reason


def test_a_damaged_sample_table_is_not_called_unreadable(tmp_path: Path) -> None:
    """FFmpeg's mov demuxer answers a missing sample table (stsz) with EPERM; the file is
    readable, so the reason is damage, not a permission."""
    reason = failed(_edited(tmp_path, "no_stsz.mp4", b"stsz", b"xxxx"))
    assert "permission" not in reason
    assert "damaged" in reason


def test_damage_inside_the_frames_is_a_print_or_a_reason(tmp_path: Path) -> None:
    """Bytes overwritten inside the coded frames (a bad sector, a broken copy): the decoder
    conceals or refuses, and the outcome is a fingerprint or a reason, nothing else."""
    clip = make_clip(tmp_path / "clip.mp4", seconds=3.0, size=(160, 120))
    data = bytearray(clip.read_bytes())
    start = data.find(b"mdat") + 8
    rng = np.random.default_rng(7)
    for n in range(4):
        damaged = bytearray(data)
        at = int(rng.integers(start, len(data) - 600))
        damaged[at : at + 400] = rng.integers(0, 256, 400, dtype=np.uint8).tobytes()
        path = tmp_path / f"damaged{n}.mp4"
        path.write_bytes(bytes(damaged))
        outcome = fingerprint_video(str(path))
        assert isinstance(outcome, VideoPrint | FingerprintFailure)
