"""A decoder that crashes on one file, for real: every child process of the test that holds
the file open is killed (SIGKILL), as a decoder bug or the OOM killer would."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path


class DecoderKiller:
    """Kills (SIGKILL) every child process of ours that holds `target` open: a file that
    crashes the image decoder, as a libraw bug or the OOM killer would."""

    def __init__(self, target: Path) -> None:
        self.target = str(target)
        self.kills = 0

    def _children(self) -> list[int]:
        me, out = os.getpid(), []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                    out.append(int(entry))
        return out

    def _holds_target(self, pid: int) -> bool:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            return False
        for fd in fds:
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == self.target:
                    return True
        return False

    async def run(self) -> None:
        while True:
            for pid in self._children():
                if self._holds_target(pid):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                        self.kills += 1
            await asyncio.sleep(0.005)
