"""A pseudo-terminal with a child process on its other side, which answers textual-image's
capability queries as a sixel terminal, a kitty terminal, or a plain one."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import termios
import time

ROWS, COLS, CELL_W, CELL_H = 24, 80, 10, 20
KITTY_QUERY = re.compile(rb"\x1b_Gi=(\d+)[^\x1b]*a=q")


class Terminal:
    """A pseudo-terminal with a child process on its other side, answering like `kind`."""

    def __init__(
        self, argv: list[str], env: dict[str, str], kind: str, pixels: bool = True
    ) -> None:
        self.kind = kind
        self.master, slave = pty.openpty()
        width, height = (COLS * CELL_W, ROWS * CELL_H) if pixels else (0, 0)  # 0: not reported
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, width, height))
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.output = b""
        self.answered = 0

    def pump(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                if self.proc.poll() is not None:
                    return
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            self.output += chunk
            self._answer()

    def _answer(self) -> None:
        if self.kind == "sixel" and self.output.count(b"\x1b[c") > self.answered:
            os.write(self.master, b"\x1b[?62;4;22c")  # VT220 with sixel graphics
            self.answered += 1
        elif self.kind == "kitty":
            if self.output.count(b"\x1b[c") > self.answered:
                os.write(self.master, b"\x1b[?62;22c")  # no sixel
                self.answered += 1
            queries = KITTY_QUERY.findall(self.output)
            for image_id in queries[self.answered - 1 :]:
                os.write(self.master, b"\x1b_Gi=" + image_id + b";OK\x1b\\")
                self.answered += 1

    def wait_for(
        self, pattern: re.Pattern[bytes] | bytes, seconds: float = 30, since: int = 0
    ) -> bool:
        """Whether `pattern` appears in the output (from offset `since`) within `seconds`."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            out = self.output[since:]
            found = pattern.search(out) if isinstance(pattern, re.Pattern) else pattern in out
            if found or self.proc.poll() is not None:
                return bool(found)
            self.pump(0.2)
        return False

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def close(self) -> int | None:
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)
        return self.proc.returncode
