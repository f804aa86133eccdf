"""The asset mirror against the test Immich (real HTTP on loopback, spec-validated), in the
2.7.5, 3.1 and 3.2 dialects."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from sidecar.runtime import open_runtime
from tests.fake_immich import FakeImmich, Mode
from tests.helpers import LIB
from tests.helpers.process import run_process
from tests.helpers.settings import make_settings
from tests.helpers.sync import asset_states, seed, settings_for, sync


async def test_first_sync_mirrors_everything_then_a_quiet_run_costs_one_request(
    immich: FakeImmich, state_dir: Path
) -> None:
    _user, key, library = seed(immich, files=12)
    gone = immich.state.import_file(library, f"{LIB}/2023/deleted.JPG")
    immich.state.file_gone(gone.original_path)  # offline + trashed before we ever looked
    settings = settings_for(immich, state_dir, key, sync={"page_size": 5, "overlap_s": 0})
    first = (await sync(settings)).as_json()
    assert (first["added"], first["updated"], first["removed"]) == (14, 0, 0)
    assert first["assets_total"] == 13  # the trashed one is mirrored, but not counted
    assert first["users"][0]["pages"] == 3
    states = await asset_states(settings)
    assert states[gone.original_path] == "trashed"
    assert len(states) == 14

    quiet = (await sync(settings)).as_json()
    assert quiet["requests"] == 1
    assert (quiet["added"], quiet["updated"], quiet["removed"]) == (0, 0, 0)
    assert quiet["assets_total"] == 13

    # with the default overlap, what changed in the last minute is read again, not recounted
    overlapping = settings_for(immich, state_dir, key, sync={"page_size": 5})
    again = (await sync(overlapping)).as_json()
    assert (again["received"], again["added"], again["updated"]) == (14, 0, 0)


async def test_incremental_sees_new_edited_and_trashed_assets(
    immich: FakeImmich, state_dir: Path
) -> None:
    _user, key, library = seed(immich, files=4)
    settings = settings_for(immich, state_dir, key)
    await sync(settings)
    immich.state.import_file(library, f"{LIB}/2024/new.JPG")
    first = immich.state.by_path(f"{LIB}/2023/IMG_0000.JPG")
    immich.state.edit(first.id, is_favorite=True)
    second = immich.state.by_path(f"{LIB}/2023/IMG_0001.JPG")
    immich.state.trash(second.id)
    report = (await sync(settings)).as_json()
    assert (report["added"], report["updated"], report["removed"]) == (1, 2, 1)
    assert report["assets_total"] == 5
    assert report["users"][0]["full"] is False
    async with open_runtime(settings) as rt:
        fav = await rt.db.scalar("SELECT is_favorite FROM assets WHERE id = ?", (first.id,))
    assert fav == 1


async def test_hard_deleted_assets_are_marked_gone_by_the_full_sweep(
    immich: FakeImmich, state_dir: Path
) -> None:
    _user, key, _library = seed(immich, files=3)
    settings = settings_for(immich, state_dir, key)
    await sync(settings)
    victim = immich.state.by_path(f"{LIB}/2023/IMG_0002.JPG")
    immich.state.hard_delete(victim.id)
    quiet = (await sync(settings)).as_json()
    assert quiet["removed"] == 0  # a hard delete never shows in an updatedAfter search
    full = (await sync(settings, full=True)).as_json()
    assert (full["removed"], full["assets_total"]) == (1, 3)
    assert full["users"][0]["full"] is True
    assert (await asset_states(settings))[victim.original_path] == "gone"
    again = (await sync(settings, full=True)).as_json()
    assert again["removed"] == 0  # counted once


async def test_timestamps_written_in_the_older_iso_form_are_not_changes(
    immich: FakeImmich, state_dir: Path
) -> None:
    """Inventories written before the mirror wrote `Z` hold `+00:00`; the same instant in the
    other form is neither an update nor a different capture time for drift."""
    _user, key, _library = seed(immich, files=3)
    settings = settings_for(immich, state_dir, key)
    await sync(settings)
    async with open_runtime(settings) as rt:
        stored = await rt.db.fetchall("SELECT updated_at, date_time_original FROM assets")
        assert all(u.endswith("Z") for u, _ in stored)
        async with rt.db.transaction() as conn:
            await conn.execute(
                "UPDATE assets SET updated_at = replace(replace(updated_at, '.000Z', 'Z'),"
                " 'Z', '+00:00'), date_time_original = replace(date_time_original, 'Z', '+00:00')"
            )
    full = (await sync(settings, full=True)).as_json()
    assert (full["added"], full["updated"], full["removed"]) == (0, 0, 0)


async def test_renamed_library_file_becomes_a_new_asset_and_the_old_one_is_trashed(
    immich: FakeImmich, state_dir: Path
) -> None:
    _user, key, library = seed(immich, files=2)
    settings = settings_for(immich, state_dir, key)
    await sync(settings)
    old, new = immich.state.file_renamed(
        library, f"{LIB}/2023/IMG_0001.JPG", f"{LIB}/2023/IMG_0001 (renamed).JPG"
    )
    report = (await sync(settings)).as_json()
    assert (report["added"], report["removed"]) == (1, 1)
    states = await asset_states(settings)
    assert states[old.original_path] == "trashed"
    assert states[new.original_path] == "present"


async def test_two_users_each_with_their_own_key(immich_v2: FakeImmich, state_dir: Path) -> None:
    fake = immich_v2
    _, key_a, _ = seed(fake, files=3)
    anna = fake.state.add_user("Anna", is_admin=False)
    key_b = fake.state.add_key(anna)
    fake.state.add_upload(anna, b"anna's photo", file_name="anna.jpg")
    settings = settings_for(
        fake, state_dir, key_a, immich={"users": [{"name": "anna", "api_key": key_b}]}
    )
    report = (await sync(settings)).as_json()
    assert [u["user"] for u in report["users"]] == ["default", "anna"]
    assert [u["added"] for u in report["users"]] == [4, 1]
    full = (await sync(settings, full=True)).as_json()
    assert full["removed"] == 0  # one user's sweep never marks the other's assets gone
    assert full["assets_total"] == 5


async def test_retries_transient_failures(immich_v2: FakeImmich, state_dir: Path) -> None:
    fake = immich_v2
    _, key, _ = seed(fake, files=6)
    fake.fault("/search/metadata", status=503, times=1)
    fake.fault("/search/metadata", status=429, retry_after="0", times=1, skip=1)
    fake.fault("/search/metadata", drop=True, times=1, skip=2)
    settings = settings_for(fake, state_dir, key, immich={"retries": 5}, sync={"page_size": 3})
    report = (await sync(settings)).as_json()
    assert report["errors"] == []
    assert report["added"] == 7
    # the version probe, three failures, three pages and one speculative page past the end;
    # pages are requested ahead, so a fault may land on the speculative request, which is then
    # retried too
    assert 1 + 3 + 3 + 1 <= report["requests"] <= 1 + 3 + 3 + 2


async def test_interrupted_sync_resumes_without_gaps_or_duplicates(
    immich: FakeImmich, state_dir: Path
) -> None:
    _, key, library = seed(immich, files=10)
    settings = settings_for(immich, state_dir, key, immich={"retries": 2}, sync={"page_size": 3})
    if immich.mode is Mode.V3_2:  # cursor pages are requested one after the other
        fault = immich.fault("/search/metadata", status=503, times=-1, skip=2)
    else:  # numbered pages are requested ahead, in no fixed order: fail page 3 and later
        fault = immich.fault(
            "/search/metadata",
            status=503,
            times=-1,
            when=lambda body: (body or {}).get("page", 1) >= 3,
        )
    broken = (await sync(settings)).as_json()
    assert len(broken["errors"]) == 1
    assert "unavailable" in broken["errors"][0]
    assert broken["added"] == 6  # the two pages before the failure are committed
    async with open_runtime(settings) as rt:
        state = await rt.assets.sync_state("default")
        # the first pass appended into the empty mirror; its id index was built as it failed
        assert await rt.db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'assets_by_id'")
    assert state.watermark is None  # not advanced by an incomplete pass
    immich.faults.remove(fault)
    immich.state.import_file(library, f"{LIB}/late.JPG")  # arrives meanwhile
    report = (await sync(settings)).as_json()
    assert report["errors"] == []
    assert report["added"] == 12 - 6
    async with open_runtime(settings) as rt:
        assert await rt.db.scalar("SELECT count(*) FROM assets") == 12
        ops = await rt.status.report()
    assert [o.status for o in ops.operations[:2]] == ["ok", "failed"]


def test_server_down_is_one_clear_line(cli: Any, state_dir: Path) -> None:
    fake = FakeImmich(Mode.V2_7).start()
    url = fake.url
    fake.stop()  # nothing listens there any more
    config = state_dir.parent / "sidecar.toml"
    config.write_text(
        f'[immich]\nurl = "{url}"\napi_key = "s3cr3t-key-value"\nread_retry_s = 1\n'
        f'[storage]\nstate_dir = "{state_dir}"\n',
        encoding="utf-8",
    )
    res = cli("--config", str(config), "sync", "--json")
    assert res.code == 1
    assert "is unavailable: cannot connect" in json.loads(res.out)["errors"][0]
    assert "s3cr3t" not in res.out + res.err  # the key never appears


def test_wrong_key_and_missing_permission(immich_v2: FakeImmich, cli: Any, state_dir: Path) -> None:
    user, _key, _ = seed(immich_v2, files=1)
    env = {"IMMICH_URL": immich_v2.url + "/api/", "IMMICH_SIDECAR_STATE_DIR": str(state_dir)}
    wrong = cli("sync", env={**env, "IMMICH_API_KEY": "not-a-key"})
    assert wrong.code == 1
    assert "Immich rejected the API key (Invalid API key)" in wrong.out
    limited = immich_v2.state.add_key(user, ["asset.view"])
    denied = cli("sync", env={**env, "IMMICH_API_KEY": limited})
    assert denied.code == 1
    assert "lacks the 'asset.read' permission" in denied.out
    assert limited not in denied.out + denied.err


async def test_each_generation_gets_its_own_search_dialect(
    immich: FakeImmich, state_dir: Path
) -> None:
    _, key, _ = seed(immich, files=5)
    settings = settings_for(immich, state_dir, key, sync={"page_size": 2})
    await sync(settings)
    await sync(settings)
    bodies = [e.request for e in immich.record.exchanges if e.path == "/search/metadata"]
    if immich.mode is Mode.V3_2:
        assert all("filter" in b and "page" not in b for b in bodies)
        assert any("cursor" in b for b in bodies)
        assert "updatedAt" in bodies[-1]["filter"]
    else:  # 3.1 answers a 3.2 body with unfiltered results: never send one there
        assert all("filter" not in b and "cursor" not in b for b in bodies)
        assert bodies[0]["withDeleted"] is True
        assert "updatedAfter" in bodies[-1]


@pytest.mark.parametrize("suffix", ["", "/", "/api", "/api/"])
async def test_url_with_or_without_api(immich_v2: FakeImmich, state_dir: Path, suffix: str) -> None:
    _, key, _ = seed(immich_v2, files=1)
    settings = make_settings(state_dir, immich={"url": immich_v2.url + suffix, "api_key": key})
    assert (await sync(settings)).as_json()["added"] == 2


async def test_slow_server_times_out_and_is_retried(immich_v2: FakeImmich, state_dir: Path) -> None:
    _, key, _ = seed(immich_v2, files=2)
    immich_v2.fault("/search/metadata", delay_s=1.5, times=1)
    settings = settings_for(
        immich_v2, state_dir, key, immich={"request_timeout_s": 0.5, "retries": 3}
    )
    report = (await sync(settings)).as_json()
    assert report["errors"] == []
    assert report["added"] == 3


async def test_a_500_is_not_retried(immich_v2: FakeImmich, state_dir: Path) -> None:
    """A 500 is Immich failing on our request (recorded 87), not a passing fault."""
    _, key, _ = seed(immich_v2, files=2)
    immich_v2.fault("/search/metadata", status=500, times=1)
    settings = settings_for(immich_v2, state_dir, key)
    report = (await sync(settings)).as_json()
    assert report["errors"] == [
        "default: Immich failed on POST /search/metadata: answered 500 injected failure"
    ]
    assert immich_v2.record.count("POST", "/search/metadata") == 1


def test_sigkill_mid_sync_then_rerun(immich_v2: FakeImmich, tmp_path: Path) -> None:
    fake = immich_v2
    _, key, _ = seed(fake, files=40)
    fake.fault("/search/metadata", delay_s=0.3, times=-1, skip=1)  # every page after the first
    env = {
        "IMMICH_URL": fake.url,
        "IMMICH_API_KEY": key,
        "IMMICH_SIDECAR_STATE_DIR": str(tmp_path / "state"),
    }
    config = tmp_path / "sidecar.toml"
    config.write_text("[sync]\npage_size = 5\n", encoding="utf-8")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH")} | env
    proc = subprocess.Popen(
        [sys.executable, "-m", "sidecar", "--config", str(config), "sync"],
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db = tmp_path / "state" / "inventory.db"
    deadline = time.monotonic() + 30
    committed = 0
    while time.monotonic() < deadline and committed == 0:
        time.sleep(0.05)
        with contextlib.suppress(sqlite3.OperationalError), sqlite3.connect(db) as conn:
            committed = conn.execute("SELECT count(*) FROM assets").fetchone()[0]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert 0 < committed < 41
    with sqlite3.connect(db) as conn:  # killed while appending into the empty mirror
        index = "SELECT count(*) FROM sqlite_master WHERE name = 'assets_by_id'"
        assert conn.execute(index).fetchone() == (0,)
    fake.faults.clear()
    rerun = run_process(["--config", str(config), "sync", "--json"], env=env)
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert report["assets_total"] == 41
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT id) FROM assets").fetchone() == (
            41,
            41,
        )
        statuses = [r[0] for r in conn.execute("SELECT status FROM operations ORDER BY id")]
        assert conn.execute(index).fetchone() == (1,)  # built again before the rerun's pass
    assert statuses == ["interrupted", "ok"]
