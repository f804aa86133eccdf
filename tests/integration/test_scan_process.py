"""The real `immich-sidecar` process: permission-denied folders as an unprivileged user, and a
scan killed with SIGKILL in the middle of its work."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.process import run_process, without_root_powers


def scan_json(photos: Path, state: Path) -> dict[str, Any]:
    proc = run_process(
        ["scan", str(photos), "--json"],
        env={"IMMICH_SIDECAR_STATE_DIR": str(state)},
        prefix=without_root_powers(),
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def test_permission_denied_folder_and_file(sample_library: Path, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    state = tmp_path / "state"
    shutil.copytree(sample_library, photos)
    first = scan_json(photos, state)
    assert (first["added"], first["errors"]) == (21, 0)

    locked_dir = photos / "2020" / "Trip"
    locked_file = photos / "2021" / "Sky" / "hubble.jpg"
    new_locked = photos / "2021" / "Sky" / "new.jpg"
    shutil.copy(photos / "2019/Summer/coffee.jpg", new_locked)
    locked_file.chmod(0o000)
    new_locked.chmod(0o000)
    locked_dir.chmod(0o000)
    try:
        second = scan_json(photos, state)
    finally:
        locked_dir.chmod(0o755)
    reasons = {d["path"]: d["reason"] for d in second["error_details"]}
    denied = "permission denied (the sidecar's user cannot read it)"
    assert reasons == {str(locked_dir): denied, str(new_locked): denied}
    assert second["errors"] == 2
    # hubble.jpg is unchanged on disk (size, mtime): not read, so no error; what could not be
    # read is never taken as removed
    assert (second["removed"], second["added"]) == (0, 0)
    with sqlite3.connect(state / "inventory.db") as db:
        trip = db.execute(
            "SELECT count(*) FROM files WHERE rel_dir = '2020/Trip' AND state = 'present'"
        ).fetchone()[0]
    assert trip == 5

    # a changed file that cannot be read keeps its old record and is reported
    locked_file.chmod(0o644)
    with locked_file.open("ab") as fh:
        fh.write(b"changed")
    locked_file.chmod(0o000)
    try:
        third = scan_json(photos, state)
    finally:
        locked_file.chmod(0o644)
        new_locked.chmod(0o644)
    assert third["errors"] == 2
    assert {d["path"] for d in third["error_details"]} == {str(locked_file), str(new_locked)}
    assert third["removed"] == 0


def make_tree(root: Path, count: int) -> None:
    rng = random.Random(7)
    for i in range(count):
        folder = root / f"{2000 + i % 20}" / f"{i % 7:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"IMG_{i:05d}.jpg").write_bytes(rng.randbytes(2048 + i % 512))


def test_sigkill_mid_scan_then_rescan_finishes_without_double_counting(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    state = tmp_path / "state"
    total = 4000
    make_tree(photos, total)
    config = tmp_path / "sidecar.toml"
    config.write_text(
        f'[storage]\nstate_dir = "{state}"\n[scan]\nbatch_size = 10\nconcurrency = 1\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sidecar",
            "--config",
            str(config),
            "scan",
            str(photos),
            "--json",
            "--no-analyze",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    committed = 0
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with sqlite3.connect(state / "inventory.db", timeout=0.1) as db:
                    committed = db.execute("SELECT count(*) FROM files").fetchone()[0]
            except sqlite3.OperationalError:
                committed = 0  # not created yet
            if committed >= 50:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
    finally:
        proc.wait(timeout=30)
    if proc.returncode != -signal.SIGKILL:
        pytest.fail(f"the scan finished before it could be killed (rc {proc.returncode})")

    with sqlite3.connect(state / "inventory.db") as db:
        rows = db.execute("SELECT count(*), count(content_hash) FROM files").fetchone()
        status = db.execute("SELECT status FROM operations ORDER BY id DESC").fetchone()[0]
    assert rows[0] == rows[1]  # no row without its hash
    assert 0 < rows[0] < total
    assert status == "running"  # the killed process could not say anything

    result = run_process(["--config", str(config), "scan", str(photos), "--json", "--no-analyze"])
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["added"] == total - rows[0]
    assert report["hashed"] == total - rows[0]
    assert report["unchanged"] == rows[0]
    assert (report["removed"], report["errors"], report["scanned"]) == (0, 0, total)
    with sqlite3.connect(state / "inventory.db") as db:
        assert db.execute("SELECT count(*) FROM files").fetchone()[0] == total
        statuses = [r[0] for r in db.execute("SELECT status FROM operations ORDER BY id")]
    assert statuses == ["interrupted", "ok"]
