"""While a full-screen program runs, log records go to a file instead of the terminal (a line
on stderr would be drawn over the screen); the terminal's handlers come back afterwards."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@contextmanager
def logging_into(path: Path) -> Iterator[None]:
    """Send the root logger's records to `path` (appended) instead of its stream handlers."""
    root = logging.getLogger()
    streams = [
        h
        for h in root.handlers
        if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    to_file = logging.FileHandler(path, encoding="utf-8", delay=True)
    to_file.setFormatter(logging.Formatter(FORMAT))
    for h in streams:
        root.removeHandler(h)
    root.addHandler(to_file)
    try:
        yield
    finally:
        root.removeHandler(to_file)
        to_file.close()
        for h in streams:
            root.addHandler(h)
