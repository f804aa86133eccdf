"""The daemon as a container runs it: SIGTERM honours the grace period, `scan_cron` is local
time, an unusable key is unhealthy at once, and the watcher keeps to the scan's area."""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.fake_immich import FakeImmich
from tests.helpers import LIB
from tests.helpers.process import Daemon, run_process, wait_for


def config_text(
    fake: FakeImmich, key_line: str, library: Path, state: Path, extra: str = "", **schedule: Any
) -> str:
    values = {"sync_every_min": 0.05, "plan_every_min": 0, "watch_debounce_ms": 300} | schedule
    lines = [
        f'[immich]\nurl = "{fake.url}"\n{key_line}',
        f'[storage]\nstate_dir = "{state}"',
        f'[[libraries]]\nimmich_path = "{LIB}"\nlocal_path = "{library}"\n{extra}',
        "[analysis]\nimmich_duplicates = false",
        "[schedule]",
    ]
    lines += [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def env(immich_v2: FakeImmich, photos: Path, tmp_path: Path) -> Iterator[tuple[Any, ...]]:
    user = immich_v2.state.add_user()
    key = immich_v2.state.add_key(user)
    library = immich_v2.state.add_library(user, LIB)
    for path in sorted(photos.rglob("*.jpg"))[:5]:
        immich_v2.state.import_file(library, f"{LIB}/{path.relative_to(photos)}")
    daemons: list[Daemon] = []

    def start(text: str, tz: str | None = None) -> Daemon:
        config = tmp_path / "sidecar.toml"
        config.write_text(text, encoding="utf-8")
        saved = os.environ.get("TZ")
        if tz:
            os.environ["TZ"] = tz  # the daemon process inherits it
        try:
            daemons.append(Daemon(config, tmp_path / "state"))
        finally:
            if tz:
                os.environ.pop("TZ") if saved is None else os.environ.update(TZ=saved)
        return daemons[-1]

    yield immich_v2, key, tmp_path / "state", start
    for d in daemons:
        if d.alive():
            d.proc.kill()
            d.proc.wait(timeout=10)


def test_sigterm_lets_the_running_job_finish_within_the_grace_period(
    env: tuple[Any, ...], photos: Path
) -> None:
    fake, key, state, start = env
    fake.fault("/search/metadata", delay_s=2.0, times=1)
    daemon = start(config_text(fake, f'api_key = "{key}"', photos, state))
    wait_for(
        lambda: daemon.query("SELECT 1 FROM operations WHERE kind = 'sync' AND status = 'running'"),
        "a sync in progress",
    )
    daemon.proc.send_signal(signal.SIGTERM)
    assert daemon.proc.wait(timeout=15) == 0
    assert "waiting up to 5 s for the running job" in daemon.text()
    assert "cancelling" not in daemon.text()
    assert "Traceback" not in daemon.text()  # runs queued behind it end quietly too
    assert daemon.job("sync")["status"] == "ok"  # finished, not cancelled


def test_scan_cron_runs_in_the_local_time_zone(env: tuple[Any, ...], photos: Path) -> None:
    fake, key, state, start = env
    daemon = start(
        config_text(fake, f'api_key = "{key}"', photos, state, scan_cron="30 3 * * *"),
        tz="Asia/Kathmandu",
    )
    wait_for(lambda: daemon.job("scan").get("status") == "ok", "the scan missed since ever")
    assert "scan '30 3 * * *' (Asia/Kathmandu)" in daemon.text()
    next_run = wait_for(lambda: daemon.job("scan").get("next_run"), "the next scan")
    local = datetime.fromisoformat(next_run).astimezone(ZoneInfo("Asia/Kathmandu"))
    assert (local.hour, local.minute) == (3, 30)  # 21:45 UTC: +05:45 is not a UTC hour
    daemon.proc.send_signal(signal.SIGTERM)
    assert daemon.proc.wait(timeout=15) == 0


@pytest.mark.parametrize("problem", ["unreadable key file", "wrong key"])
def test_an_unusable_key_is_unhealthy_at_once(
    env: tuple[Any, ...], photos: Path, tmp_path: Path, problem: str
) -> None:
    fake, _key, state, start = env
    if problem == "wrong key":
        key_line, expected = 'api_key = "not-a-key"', "sync: default:"
    else:
        key_line = f'api_key_file = "{tmp_path / "missing" / "immich_api_key"}"'
        expected = "cannot read the API key file"
    daemon = start(config_text(fake, key_line, photos, state))
    config = str(daemon.config)
    wait_for(
        lambda: expected in run_process(["--config", config, "health"]).stdout,
        "an unhealthy report",
    )
    health = run_process(["--config", config, "health"])
    assert health.returncode == 1
    assert daemon.alive()  # the daemon goes on (a fixed config is picked up live)
    daemon.proc.send_signal(signal.SIGTERM)
    assert daemon.proc.wait(timeout=15) == 0


def test_the_watcher_ignores_immich_thumbnails(
    env: tuple[Any, ...], photos: Path, tmp_path: Path
) -> None:
    """`immich_upload = true`: only library/ and upload/ are media; a thumbnail written by
    Immich never enters the inventory, a new upload does within seconds."""
    fake, key, state, start = env
    upload = tmp_path / "upload-location"
    shutil.copytree(photos / "2019", upload / "library" / "admin" / "2019")
    (upload / "upload" / "u1").mkdir(parents=True)
    (upload / "thumbs" / "u1").mkdir(parents=True)
    daemon = start(
        config_text(fake, f'api_key = "{key}"', upload, state, extra="immich_upload = true")
    )
    wait_for(lambda: daemon.job("scan").get("status") == "ok", "the first scan")
    shutil.copy(photos / "2020/Trip/rocket.jpg", upload / "thumbs" / "u1" / "thumb.jpg")
    shutil.copy(photos / "2020/Trip/rocket.jpg", upload / "upload" / "u1" / "new.jpg")
    wait_for(
        lambda: daemon.query("SELECT 1 FROM files WHERE name = 'new.jpg' AND state = 'present'"),
        "the watcher",
        15,
    )
    assert daemon.query("SELECT 1 FROM files WHERE rel_dir LIKE 'thumbs%'") == []
    daemon.proc.send_signal(signal.SIGTERM)
    assert daemon.proc.wait(timeout=15) == 0
