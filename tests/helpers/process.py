"""The real `immich-sidecar` process: one command, or the daemon."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest


def run_process(
    argv: Sequence[str],
    env: dict[str, str] | None = None,
    prefix: Sequence[str] = (),
    **kwargs: Any,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m sidecar ARGV` as a separate process (after `prefix`, e.g. setpriv)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH")}
    full_env.update(env or {})
    return subprocess.run(
        [*prefix, sys.executable, "-m", "sidecar", *argv],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,
    )


def without_root_powers() -> list[str]:
    """A command prefix under which file modes are enforced.

    Root bypasses file modes through two capabilities; CI runs as root, so the scan runs with
    them removed from its bounding set (it stays uid 0, so it can still reach its venv).
    """
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): file modes cannot be enforced")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


class Daemon:
    def __init__(self, config: Path, state: Path) -> None:
        self.config, self.state = config, state
        self.log = state.parent / "daemon.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sidecar", "--config", str(config), "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("a"),
        )

    def query(self, sql: str) -> list[Any]:
        try:
            with sqlite3.connect(self.state / "inventory.db", timeout=5) as conn:
                return conn.execute(sql).fetchall()
        except sqlite3.OperationalError:
            return []

    def job(self, job_id: str) -> dict[str, Any]:
        rows = self.query(
            "SELECT last_status, last_ended, next_run, last_message FROM jobs"
            f" WHERE id = '{job_id}'"
        )
        if not rows:
            return {}
        return dict(zip(("status", "ended", "next_run", "message"), rows[0], strict=True))

    def text(self) -> str:
        return self.log.read_text()

    def alive(self) -> bool:
        return self.proc.poll() is None


def wait_for(check: Callable[[], Any], what: str, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
