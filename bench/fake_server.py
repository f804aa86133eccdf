"""The test Immich in a process of its own, for the benchmarks that mirror from it (so the
server does not compete with the client for the GIL)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_fake_immich(
    assets: int, *options: str, quiet: bool = False
) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """The server with `assets` assets (requests not validated) and further `options` of
    `tests.fake_immich.serve`, and the url and key it prints first. `quiet`: its stderr is
    dropped."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fake_immich.serve",
            "--assets",
            str(assets),
            "--no-validate",
            *options,
        ],
        cwd=ROOT,
        stderr=subprocess.DEVNULL if quiet else None,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    info: dict[str, str] = json.loads(proc.stdout.readline())
    return proc, info
