"""Video members in the review at 80x24: the groups and pairs lists mark a video (▶), a group
shows each video's poster frame (decoded here from the clip), its length (m:ss.s), size and
codec; compare says the same in its title; a damaged clip is "no preview", never a crash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Static

from sidecar.engine.core.models import Member
from sidecar.engine.preview import pixel_grid
from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from sidecar.tui.app import Compare, GroupView
from sidecar.tui.text import clip_length, is_video, marked, video_facts
from tests.helpers.tui import on_screen, press, running
from tests.helpers.videos import make_clip


def clips(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A camera's clip, a smaller re-encode of it and a trim of it (real H.264 files)."""
    original = make_clip(tmp_path / "v" / "clip.mp4", seconds=4.0, size=(320, 240))
    small = make_clip(tmp_path / "v" / "clip_small.mp4", seconds=4.0, size=(160, 120))
    trim = make_clip(tmp_path / "v" / "clip_trim.mp4", seconds=4.0, start=1.0, length=2.0)
    return original, small, trim


def member(path: Path, w: int, h: int, ms: int, codec: str = "h264") -> Member:
    size = path.stat().st_size if path.exists() else 1000
    return Member(str(path), str(path), None, size, w, h, "2022-05-01T09:00:00", ms, codec)


def picture_rows(app: Any, selector: str) -> list[str]:
    rendered = app.screen.query_one(selector, Static).render()
    return [line.markup for line in rendered.split("\n") if line.plain]


def test_a_clip_length_is_minutes_seconds_and_tenths() -> None:
    assert clip_length(4_000) == "0:04.0"
    assert clip_length(59_960) == "1:00.0"
    assert clip_length(723_450) == "12:03.5"
    assert clip_length(None) == "?"


def test_a_video_whose_fingerprint_failed_is_still_marked_by_its_file_name() -> None:
    failed = Member("/v/damaged.MOV", "/v/damaged.MOV", None, 1000, 1920, 1080)
    remote = Member("id-1", None, "id-1")  # no path: the key says nothing
    photo = Member("/v/still.heic", "/v/still.heic", None, 1000, 400, 300)
    assert [is_video(m) for m in (failed, remote, photo)] == [True, False, False]
    assert marked("damaged.MOV", failed) == "▶ damaged.MOV"
    assert video_facts(failed) == "▶ video ? · 1920x1080"
    assert marked("still.heic", photo) == "still.heic"
    assert video_facts(photo) == ""


def test_the_poster_frame_is_decoded_and_a_damaged_clip_is_no_preview(tmp_path: Path) -> None:
    original, _, _ = clips(tmp_path)
    grid = pixel_grid(str(original), 40, 10)
    assert grid is not None
    assert (len(grid[0]), len(grid)) == (27, 20)  # 4:3 fitted into 40x20 pixels
    assert len({px for row in grid for px in row}) > 50  # a picture, not one colour
    broken = tmp_path / "v" / "broken.mp4"
    broken.write_bytes(original.read_bytes()[:3000])  # the header, the frames cut off
    assert pixel_grid(str(broken), 40, 10) is None
    (tmp_path / "v" / "noise.mov").write_bytes(b"\x00\x01garbage" * 100)
    assert pixel_grid(str(tmp_path / "v" / "noise.mov"), 40, 10) is None


async def test_a_video_group_shows_poster_frames_length_size_and_codec(
    tmp_path: Path, settings: Settings
) -> None:
    original, small, _ = clips(tmp_path)
    broken = tmp_path / "v" / "clip_broken.mp4"
    broken.write_bytes(b"\x00\x01garbage" * 100)
    members = [
        member(original, 320, 240, 4_000),
        member(small, 160, 120, 4_000),
        member(broken, 320, 240, 4_000, "hevc"),
    ]
    why = ["more pixels: 320x240 against 160x120 (clip_small.mp4)"]
    group = ("near", "local", str(original), why, 2, 2000, members)
    async with open_runtime(settings) as rt:
        await rt.analysis.replace_results(1, [group], [])
        async with running(rt) as pilot:
            app = pilot.app
            await press(pilot, "g")
            assert "▶ clip.mp4" in on_screen(app)  # the list marks a video group
            await press(pilot, "enter")
            view = app.screen
            assert isinstance(view, GroupView)
            shown = on_screen(app)
            assert "▶ clip.mp4" in shown
            assert "▶ clip_small.mp4" in shown
            assert "160x120" in shown
            detail = str(view.query_one("#detail", Static).render())
            assert "▶ video 0:04.0 · 320x240 · h264 · " in detail
            assert detail.endswith("clip.mp4")  # the path, cut on the left to fit
            assert view.query_one("#facts-left", Static).display
            assert "▶ video 0:04.0 · 320x240 · h264" in shown
            assert len(picture_rows(app, "#preview-left")) >= 3  # the poster frame, drawn
            assert "rgb(" in picture_rows(app, "#preview-left")[0]
            # the next member, the damaged clip: no preview, no crash, its facts still said
            assert "▶ video 0:04.0 · 320x240 · hevc" in shown
            assert "(no preview)" in shown
            await press(pilot, "down", "down")
            assert view.query_one("#members", DataTable).cursor_row == 2
            assert "▶ video 0:04.0 · 160x120 · h264" in on_screen(app)
            assert "rgb(" in picture_rows(app, "#preview-right")[0]
            await press(pilot, "c")
            assert isinstance(app.screen, Compare)
            title = str(app.screen.query_one("#compare-title", Static).render())
            assert "member ▶ clip_small.mp4 · 160x120 · ▶ 0:04.0 h264" in title
            assert "rgb(" in picture_rows(app, "#compare-picture")[0]
            await press(pilot, "f")
            title = str(app.screen.query_one("#compare-title", Static).render())
            assert "keeper ▶ clip.mp4 · 320x240 · ▶ 0:04.0 h264" in title


async def test_a_trimmed_clip_pair_shows_both_clips(tmp_path: Path, settings: Settings) -> None:
    original, _, trim = clips(tmp_path)
    members = [member(original, 320, 240, 4_000), member(trim, 320, 240, 2_000)]
    pair = ("variant", "local", str(original), ["a trim: 0:02.0 of it from 0:01.0"], members)
    async with open_runtime(settings) as rt:
        await rt.analysis.replace_results(1, [], [pair])
        async with running(rt) as pilot:
            app = pilot.app
            await press(pilot, "p")
            shown = on_screen(app)
            assert "▶ clip.mp4" in shown  # the list marks a video pair
            assert "▶ video 0:04.0 · 320x240 · h264" in shown
            assert "▶ video 0:02.0 · 320x240 · h264" in shown
            assert "rgb(" in picture_rows(app, "#preview-left")[0]
            assert "rgb(" in picture_rows(app, "#preview-right")[0]


async def test_a_photo_group_shows_no_video_line(tmp_path: Path, settings: Settings) -> None:
    photos = [Member(f"/p/{n}.jpg", f"/p/{n}.jpg", None, 10, 40, 30) for n in "ab"]
    group = ("exact", "local", "/p/a.jpg", ["same content"], 0, 10, photos)
    async with open_runtime(settings) as rt:
        await rt.analysis.replace_results(1, [group], [])
        async with running(rt) as pilot:
            await press(pilot, "g")
            assert "▶" not in on_screen(pilot.app)
            await press(pilot, "enter")
            assert not pilot.app.screen.query_one("#facts-left", Static).display
            assert "▶" not in on_screen(pilot.app)
