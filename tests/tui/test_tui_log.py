"""Nothing is written over the TUI: the real `tui` command runs in a pseudo-terminal with
Immich down, a sync is asked for, and the transport's WARNING goes to `tui.log` in the state
dir, never to the terminal."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.fake_immich import FakeImmich
from tests.helpers.terminal import Terminal
from tests.helpers.writeback import cli_config, library, prepare, settings_for


async def test_log_records_go_to_the_state_dir_not_over_the_screen(
    immich_v2: FakeImmich, photos: Path, state_dir: Path, tmp_path: Path
) -> None:
    key, _ = library(immich_v2, photos)
    await prepare(settings_for(immich_v2, key, photos, state_dir))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMMICH", "TEXTUAL"))}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", LANG="C.UTF-8")
    env.update(cli_config(tmp_path, immich_v2.url, key, state_dir, photos))
    immich_v2.stop()
    term = Terminal([sys.executable, "-m", "sidecar", "tui"], env, "plain")
    try:
        assert term.wait_for(b"Inventory"), term.output[-2000:]
        term.send(b"S")  # sync now: Immich cannot be reached
        assert term.wait_for(b"Sync failed"), term.output[-2000:]
        term.send(b"\r")
        term.pump(0.5)
        term.send(b"q")
        term.pump(3.0)
    finally:
        term.close()
        immich_v2.start(immich_v2.port)
    assert b"WARNING" not in term.output
    assert b"sidecar.immich_client" not in term.output
    logged = (state_dir / "tui.log").read_text(encoding="utf-8")
    assert "WARNING sidecar.immich_client.transport: Immich at" in logged
