"""Video fingerprints made from real clips and kept in a real inventory."""

from __future__ import annotations

from pathlib import Path

from sidecar.engine.core.fingerprint import FingerprintFailure
from sidecar.engine.core.models import NearEdge
from sidecar.engine.core.video import IMMICH_SOURCE, LOCAL_SOURCE, SAMPLES, VideoPrint
from sidecar.engine.core.video_groups import VIDEO_ONE_FRAME
from sidecar.engine.store.analysis import AnalysisStore
from sidecar.engine.store.db import open_database
from sidecar.engine.store.video_prints import VideoPrintStore
from sidecar.engine.video import fingerprint_video
from tests.helpers.videos import make_clip, still_image


def test_a_clip_is_sampled_at_fixed_fractions_with_its_facts(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", seconds=4.0, size=(320, 240), fps=24)
    made = fingerprint_video(str(clip))
    assert isinstance(made, VideoPrint)
    assert made.source == LOCAL_SOURCE
    assert made.samples == len(SAMPLES)
    assert made.facts.codec == "h264"
    assert (made.facts.width, made.facts.height) == (320, 240)
    assert made.facts.fps == 24.0
    assert abs((made.facts.duration_ms or 0) - 4000) <= 50
    for at, fraction in zip(made.times_ms, SAMPLES, strict=True):
        assert abs(at - 4000 * fraction) <= 50
    assert not any(made.flat)
    assert len(made.poster) == 32 * 32


def test_damaged_and_wrong_files_are_reasons_not_errors(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4")
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size // 3])
    for path in (cut, still_image(tmp_path / "a.mp4"), tmp_path / "empty.mov"):
        if not path.exists():
            path.write_bytes(b"")
        outcome = fingerprint_video(str(path))
        assert isinstance(outcome, FingerprintFailure), path
        assert outcome.reason


async def test_prints_are_kept_by_content(tmp_path: Path) -> None:
    made = fingerprint_video(str(make_clip(tmp_path / "clip.mp4")))
    assert isinstance(made, VideoPrint)
    async with open_database(tmp_path / "inventory.db") as db:
        store = VideoPrintStore(db)
        failure = FingerprintFailure("not a recognised video, or a damaged one")
        await store.save_video_prints([("c1", made), ("c2", failure)], 8, LOCAL_SOURCE)
        assert await store.video_prints() == {"c1": made}
        assert await store.video_prints(["c2", "c1"]) == {"c1": made}
        assert await store.video_print_keys(["c1", "c2", "c3"]) == {"c1", "c2"}
        assert await store.video_errors() == [("c2", failure.reason)]


async def test_a_files_own_print_replaces_immichs_and_forgets_its_edges(tmp_path: Path) -> None:
    made = fingerprint_video(str(make_clip(tmp_path / "clip.mp4")))
    assert isinstance(made, VideoPrint)
    one = VideoPrint(made.facts, IMMICH_SOURCE, made.frames[:2], made.times_ms[:1], (False,))
    async with open_database(tmp_path / "inventory.db") as db:
        store = AnalysisStore(db)
        await store.save_video_prints([("c1", one), ("c2", one)], 8, IMMICH_SOURCE)
        await store.add_edges(
            [NearEdge("c1", "c2", 1, 1, 0, VIDEO_ONE_FRAME), NearEdge("c3", "c4", 2, 2)]
        )
        await store.save_video_prints([("c1", made)], 8, LOCAL_SOURCE)
        assert (await store.video_prints(["c1"]))["c1"] == made
        assert [(e.a, e.b) for e in await store.edges()] == [("c3", "c4")]
