"""Video durations from the test Immich (each generation's form, spec-validated): mirrored into
assets.duration_ms, and read once for an inventory mirrored before durations were kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from sidecar.engine.store.assets import AssetStore
from sidecar.immich_client.models import duration_ms
from sidecar.runtime import open_runtime
from tests.fake_immich import FakeImmich, Mode
from tests.fake_immich.state import duration_json
from tests.helpers import LIB
from tests.helpers.sync import seed, settings_for, sync


@pytest.mark.parametrize(
    ("sent", "ms"),
    [
        (12_345, 12_345),
        (None, None),
        (0, None),
        ("0:00:00.00000", None),
        ("0:00:12.345000", 12_345),
        ("1:02:03.5", 3_723_500),
        ("00:01:00", 60_000),
        ("12.5", 12_500),
        ("not a time", None),
        ("", None),
        ("inf", None),  # float() reads these; none is a duration
        ("0:00:Infinity", None),
        ("-inf", None),
        ("nan", None),
        ("0:00:1e400", None),
        ("1e300", None),  # finite, but no video lasts it (and too big for an integer column)
        (2**70, None),
        (-5, None),
        (True, None),
    ],
)
def test_durations_in_each_form(sent: int | str | None, ms: int | None) -> None:
    assert duration_ms(sent) == ms


def test_the_test_immich_writes_each_generations_form() -> None:
    assert duration_json(None, True) == "0:00:00.00000"
    assert duration_json(83_250, True) == "0:01:23.250000"
    assert duration_ms(duration_json(3_723_007, True)) == 3_723_007
    assert duration_json(83_250, False) == 83_250
    assert duration_json(None, False) is None


async def _durations(settings: object) -> dict[str, int | None]:
    async with open_runtime(settings) as rt:  # type: ignore[arg-type]
        rows = await rt.db.fetchall("SELECT original_path, duration_ms FROM assets")
    return {r[0]: r[1] for r in rows}


async def test_sync_mirrors_video_durations(immich: FakeImmich, state_dir: Path) -> None:
    user, key, library = seed(immich, files=2)
    clip = immich.state.import_file(
        library, f"{LIB}/2023/clip.mp4", type="VIDEO", duration_ms=8_250
    )
    upload = immich.state.add_upload(
        user, b"movie", file_name="phone.mov", type="VIDEO", duration_ms=61_000
    )
    settings = settings_for(immich, state_dir, key)
    await sync(settings)
    found = await _durations(settings)
    assert found[clip.original_path] == 8_250
    assert found[upload.original_path] == 61_000
    assert found[f"{LIB}/2023/IMG_0000.JPG"] is None  # a photo has none (2.x: "0:00:00.00000")
    async with open_runtime(settings) as rt:
        links = {a.id: a for a in await AssetStore(rt.db).links()}
    assert links[clip.id].duration_ms == 8_250
    assert links[upload.id].type == "VIDEO"


async def test_videos_mirrored_before_durations_are_read_once(
    immich: FakeImmich, state_dir: Path
) -> None:
    _user, key, library = seed(immich, files=5)
    clips = [
        immich.state.import_file(library, f"{LIB}/v/{n}.mp4", type="VIDEO", duration_ms=1000 * n)
        for n in (3, 7)
    ]
    settings = settings_for(immich, state_dir, key, sync={"overlap_s": 0, "page_size": 5})
    await sync(settings)
    async with open_runtime(settings) as rt:  # as an inventory mirrored by an earlier version
        async with rt.db.transaction() as conn:
            await conn.execute("UPDATE assets SET duration_ms = NULL")
            await conn.execute("DELETE FROM meta WHERE key LIKE 'sync.video_durations%'")
        before = int(await rt.db.scalar("SELECT changes FROM analysis_inputs"))
    report = (await sync(settings)).as_json()
    assert report["videos"] == 2  # a search for videos only, not the whole library
    assert (report["added"], report["updated"]) == (0, 0)
    found = await _durations(settings)
    assert [found[c.original_path] for c in clips] == [3000, 7000]
    async with open_runtime(settings) as rt:  # a change the analysis sees
        assert int(await rt.db.scalar("SELECT changes FROM analysis_inputs")) > before
    again = (await sync(settings)).as_json()
    assert again["videos"] == 0  # once only
    assert again["requests"] == 1


async def test_the_video_search_in_each_dialect(immich: FakeImmich, state_dir: Path) -> None:
    _user, key, library = seed(immich, files=3)
    immich.state.import_file(library, f"{LIB}/v/a.mp4", type="VIDEO", duration_ms=5000)
    settings = settings_for(immich, state_dir, key)
    await sync(settings)
    async with open_runtime(settings) as rt, rt.db.transaction() as conn:
        await conn.execute("DELETE FROM meta WHERE key LIKE 'sync.video_durations%'")
    immich.record.exchanges.clear()
    report = (await sync(settings)).as_json()
    assert report["videos"] == 1
    bodies = [e.request for e in immich.record.exchanges if e.path.endswith("/search/metadata")]
    asked = [b.get("filter", {}).get("type") or b.get("type") for b in bodies]
    if immich.mode is Mode.V3_2:  # `filter` from 3.2 on; the flat `type` before
        assert {"eq": "VIDEO"} in asked
    else:
        assert "VIDEO" in asked
