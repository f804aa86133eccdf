"""The daemon as users run it: `immich-sidecar serve` in its own process, against the test
Immich and real folders."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fake_immich import FakeImmich
from tests.helpers import LIB
from tests.helpers.process import Daemon, run_process, wait_for


def write_config(
    path: Path, fake: FakeImmich, key: str, photos: Path, state: Path, **schedule: Any
) -> None:
    values = {"sync_every_min": 0.05, "plan_every_min": 0, "watch_debounce_ms": 300} | schedule
    lines = [
        f'[immich]\nurl = "{fake.url}"\napi_key = "{key}"\nread_retry_s = 3',
        f'[storage]\nstate_dir = "{state}"',
        f'[[libraries]]\nimmich_path = "{LIB}"\nlocal_path = "{photos}"',
        "[analysis]\nimmich_duplicates = false",
        "[schedule]",
    ]
    lines += [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def setup(immich_v2: FakeImmich, photos: Path, tmp_path: Path) -> Iterator[tuple[Any, ...]]:
    user = immich_v2.state.add_user()
    key = immich_v2.state.add_key(user)
    library = immich_v2.state.add_library(user, LIB)
    for path in sorted(photos.rglob("*.jpg")):
        immich_v2.state.import_file(library, f"{LIB}/{path.relative_to(photos)}")
    config, state = tmp_path / "sidecar.toml", tmp_path / "state"
    write_config(config, immich_v2, key, photos, state)
    daemons: list[Daemon] = []

    def start() -> Daemon:
        daemons.append(Daemon(config, state))
        return daemons[-1]

    yield immich_v2, key, library, config, state, start
    for d in daemons:
        if d.alive():
            d.proc.kill()
            d.proc.wait(timeout=10)


def test_the_daemon_follows_disk_immich_and_config_and_stops_cleanly(
    setup: tuple[Any, ...], photos: Path
) -> None:
    fake, key, library, config, state, start = setup
    daemon = start()
    wait_for(lambda: daemon.job("sync").get("status") == "ok", "the first sync")
    wait_for(lambda: daemon.job("scan").get("status") == "ok", "the scan missed since ever")
    files = len(daemon.query("SELECT 1 FROM files WHERE state = 'present'"))
    assert files > 0

    # a new file on disk is in the inventory within seconds (the watcher)
    shutil.copy(photos / "2020/Trip/rocket.jpg", photos / "2020/Trip/rocket-copy.jpg")
    wait_for(
        lambda: daemon.query(
            "SELECT 1 FROM files WHERE name = 'rocket-copy.jpg' AND state = 'present'"
        ),
        "the watcher",
        15,
    )
    status = json.loads(run_process(["--config", str(config), "status", "--json"]).stdout)
    assert status["watcher"] == "active"
    assert {j["id"] for j in status["jobs"]} >= {"sync", "scan", "watch"}

    # a new asset in Immich arrives with the next sync
    new = fake.state.import_file(library, f"{LIB}/2024/new.jpg")
    wait_for(lambda: daemon.query(f"SELECT 1 FROM assets WHERE id = '{new.id}'"), "a sync")
    status_text = lambda: run_process(["--config", str(config), "status"]).stdout  # noqa: E731
    wait_for(lambda: "drift after the last" in status_text(), "drift counts")

    # a valid config edit reschedules; an invalid one is reported and the daemon goes on
    write_config(config, fake, key, photos, state, sync_every_min=0.5)
    wait_for(lambda: "config reloaded: sync every 0.5 min" in daemon.text(), "the reload")
    config.write_text(config.read_text() + "sync_evry_min = 2\n", encoding="utf-8")
    wait_for(lambda: "config not applied" in daemon.text(), "the rejected edit")
    assert "line 16: unknown key 'schedule.sync_evry_min'" in daemon.text()
    assert daemon.alive()

    # Immich goes away and comes back: syncs fail, the daemon stays, then recovers
    write_config(config, fake, key, photos, state, sync_every_min=0.05)
    wait_for(lambda: daemon.text().count("config reloaded") >= 2, "the second reload")
    port = fake.port
    fake.stop()
    wait_for(lambda: daemon.job("sync").get("status") == "failed", "a failed sync", 30)
    assert daemon.alive()
    health = run_process(["--config", str(config), "health"])
    assert health.returncode == 0  # failing for seconds, not for an hour
    fake.start(port)
    wait_for(lambda: daemon.job("sync").get("status") == "ok", "a sync after Immich returned", 30)

    daemon.proc.send_signal(signal.SIGTERM)
    assert daemon.proc.wait(timeout=10) == 0
    assert "stopped" in daemon.text()


def test_after_sigkill_the_daemon_restarts_with_a_consistent_inventory(
    setup: tuple[Any, ...], photos: Path
) -> None:
    fake, _key, library, config, state, start = setup
    for i in range(30):
        fake.state.import_file(library, f"{LIB}/bulk/IMG_{i:04d}.JPG")
    fake.fault("/search/metadata", delay_s=0.5, times=-1)
    daemon = start()
    wait_for(
        lambda: daemon.query("SELECT 1 FROM operations WHERE kind = 'sync' AND status = 'running'"),
        "a sync in progress",
    )
    daemon.proc.send_signal(signal.SIGKILL)
    daemon.proc.wait(timeout=10)
    fake.faults.clear()
    again = start()
    wait_for(lambda: again.job("sync").get("status") == "ok", "the sync after the restart")
    with sqlite3.connect(state / "inventory.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        ids = conn.execute("SELECT count(*), count(DISTINCT id) FROM assets").fetchone()
        kinds = conn.execute("SELECT kind, status FROM operations ORDER BY id").fetchall()
    assert ids[0] == ids[1] == len(fake.state.assets)
    assert ("sync", "interrupted") in kinds
    wait_for(
        lambda: run_process(["--config", str(config), "health"]).returncode == 0, "a healthy daemon"
    )
    again.proc.send_signal(signal.SIGTERM)
    assert again.proc.wait(timeout=10) == 0


def test_health_fails_when_no_daemon_runs(setup: tuple[Any, ...]) -> None:
    _fake, _key, _library, config, _state, _start = setup
    res = run_process(["--config", str(config), "health"])
    assert res.returncode == 1
    assert "the daemon has never run" in res.stdout


def test_polling_watcher_and_json_logs(setup: tuple[Any, ...], photos: Path) -> None:
    """Where inotify cannot be used (network filesystems) the watcher polls; logs can be JSON
    lines."""
    fake, key, _library, config, state, _start = setup
    write_config(config, fake, key, photos, state, watch_force_polling=True)
    log = state.parent / "json.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sidecar", "--config", str(config), "serve", "--log-format", "json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        probe = Daemon.__new__(Daemon)
        probe.state = state
        wait_for(lambda: probe.job("scan").get("status") == "ok", "the first scan")
        shutil.copy(photos / "2020/Trip/rocket.jpg", photos / "polled.jpg")
        wait_for(
            lambda: probe.query("SELECT 1 FROM files WHERE name = 'polled.jpg'"),
            "the polling watcher",
            20,
        )
        status = json.loads(run_process(["--config", str(config), "status", "--json"]).stdout)
        assert status["watcher"] == "polling"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    assert {"ts", "level", "logger", "message"} <= set(records[0])
    assert any(r["message"].startswith("serving:") for r in records)
    assert key not in log.read_text()  # never the API key


async def test_the_tui_reviews_and_applies_while_the_daemon_runs(
    setup: tuple[Any, ...], photos: Path
) -> None:
    """Shared inventory (WAL): the daemon keeps syncing every few seconds while a person
    reviews a group and applies the trash queue in the TUI; neither blocks the other."""
    from sidecar.runtime import open_runtime
    from sidecar.settings import load_settings
    from sidecar.tui.app import Confirm, SidecarApp
    from tests.helpers.tui import open_group_of, settle, until

    fake, _, _, config, _, start = setup
    backup = next(
        a
        for a in fake.state.assets.values()
        if a.original_path == f"{LIB}/Backup/2019/Summer/astronaut.jpg"
    )
    daemon = start()
    wait_for(lambda: daemon.job("scan").get("status") == "ok", "the first scan")
    wait_for(
        lambda: daemon.query(f"SELECT 1 FROM dup_members WHERE asset_id = '{backup.id}'"),
        "the daemon's analysis",
        30,
    )
    syncs_before = daemon.job("sync")["ended"]
    async with open_runtime(load_settings(config)) as rt:
        app = SidecarApp(rt)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("g")
            await settle(pilot)
            keeper = (await open_group_of(pilot, backup.id)).keeper
            if keeper.asset_id == backup.id:  # keep the other one
                await pilot.press("down", "k")
            else:
                await pilot.press("a")
            await settle(pilot)
            await pilot.press("w", "T")
            await until(pilot, lambda: isinstance(app.screen, Confirm), "the confirmation")
            await pilot.press("y")
            await until(pilot, lambda: fake.state.assets[backup.id].is_trashed, "the apply")
    assert daemon.alive()
    wait_for(
        lambda: (
            (daemon.job("sync").get("ended") or "") > syncs_before
            and daemon.job("sync")["status"] == "ok"
        ),
        "a sync after the review",
    )
    trashed = [a.id for a in fake.state.assets.values() if a.is_trashed]
    assert trashed == [backup.id]


def test_the_daemon_applies_only_the_auto_apply_categories(
    setup: tuple[Any, ...], photos: Path
) -> None:
    """Plans are a dry run until `auto_apply` names a category; then only that category is
    applied (here the review album), and nothing is ever trashed."""
    fake, key, _library, config, state, start = setup
    write_config(config, fake, key, photos, state, plan_every_min=0.05)
    backup = next(
        a
        for a in fake.state.assets.values()
        if a.original_path == f"{LIB}/Backup/2019/Summer/astronaut.jpg"
    )
    daemon = start()
    wait_for(
        lambda: daemon.query(f"SELECT 1 FROM dup_members WHERE asset_id = '{backup.id}'"),
        "the daemon's analysis",
        30,
    )

    def plans() -> list[Any]:
        return daemon.query("SELECT counts FROM jobs WHERE id = 'plan' AND last_status = 'ok'")

    wait_for(
        lambda: (json.loads(plans()[0][0]) if plans() else {}).get("planned"),
        "a plan with actions",
        30,
    )
    assert "applied" not in json.loads(plans()[0][0])
    assert fake.state.albums == {}

    write_config(config, fake, key, photos, state, plan_every_min=0.05, auto_apply=["review-album"])
    wait_for(lambda: "config reloaded" in daemon.text(), "the reload")
    wait_for(  # the album is made first, its members are added by the next action
        lambda: any(a.asset_ids for a in fake.state.albums.values()), "the review album", 30
    )
    album = next(iter(fake.state.albums.values()))
    assert album.name == "Duplicates to review"
    assert backup.id in album.asset_ids
    wait_for(
        lambda: "plan done: {'planned': " in daemon.text() and "'applied': " in daemon.text(),
        "the applied plan's counts in the log",
    )
    assert not any(a.is_trashed for a in fake.state.assets.values())
    assert fake.state.stacks == {}
    daemon.proc.send_signal(signal.SIGTERM)
    assert daemon.proc.wait(timeout=10) == 0
