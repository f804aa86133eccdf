"""Ctrl-C (SIGINT to the whole process group) during `sync` and `scan`: one line that says
how to go on, exit 130, no traceback, and the run recorded as stopped by you."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sidecar.engine.core.stopping import STOPPED_BY_YOU
from tests.fake_immich import FakeImmich
from tests.helpers.pictures import noise_contents
from tests.helpers.writeback import cli_config, library

LINE = "immich-sidecar: stopped; run it again to resume"


def start(argv: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH")}
    return subprocess.Popen(
        [sys.executable, "-m", "sidecar", *argv],
        env={**full, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def ctrl_c(proc: subprocess.Popen[str]) -> str:
    """Ctrl-C as a terminal sends it; what the process said on stderr."""
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    return err


def last_run(db: Path, kind: str) -> tuple[str, str]:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT status, error_message FROM operations WHERE kind = ? ORDER BY id DESC",
            (kind,),
        ).fetchone()
    return row[0], row[1] or ""


def test_ctrl_c_while_the_sync_waits_for_immich(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, tmp_path: Path
) -> None:
    key, _ = library(immich_v2, photos)
    env = cli_config(tmp_path, immich_v2.url, key, state_dir, photos)
    slow = immich_v2.fault("/search/metadata", delay_s=3.0, times=-1)
    proc = start(["sync"], env)
    deadline = time.monotonic() + 30
    while slow.seen == 0 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert slow.seen > 0, "the sync never asked Immich for assets"
    err = ctrl_c(proc)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == LINE
    assert "Traceback" not in err
    status, message = last_run(state_dir / "inventory.db", "sync")
    assert status == "interrupted"
    assert message.startswith(STOPPED_BY_YOU)


def test_ctrl_c_during_a_scan(tmp_path: Path) -> None:
    photos = tmp_path / "noise"
    noise_contents(photos, 1000)  # the line comes as the scan starts: a second's work left
    state = tmp_path / "state"
    proc = start(["scan", "--no-analyze", str(photos)], {"IMMICH_SIDECAR_STATE_DIR": str(state)})
    assert proc.stderr is not None
    first = proc.stderr.readline()  # the scan has started
    err = first + ctrl_c(proc)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == LINE
    assert "Traceback" not in err
    status, message = last_run(state / "inventory.db", "scan")
    assert status == "interrupted"
    assert message.startswith(STOPPED_BY_YOU)
