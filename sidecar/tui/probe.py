"""Which terminal graphics the terminal shows (sixel or kitty, through textual-image), asked
once, before the TUI takes the screen. Light on purpose: the entry point may start it in a
thread before anything else of ours is imported."""

from __future__ import annotations

import logging
import threading
from typing import Any

GRAPHICS: list[Any] = []  # the textual-image widget class, once the probe found graphics
_done = threading.Event()
_lock = threading.Lock()


def probe_graphics() -> bool:
    """Ask the terminal (once per process; later calls wait for the first one's answer).
    Without sixel or kitty graphics the half-block preview is used, which works everywhere."""
    if not _lock.acquire(blocking=False):
        _done.wait()
        return bool(GRAPHICS)
    try:
        quiet_library_logs()
        from textual_image.renderable import Image as best
        from textual_image.renderable.sixel import Image as sixel
        from textual_image.renderable.tgp import Image as kitty
        from textual_image.widget import Image as widget

        if best in (sixel, kitty):
            GRAPHICS[:] = [widget]
    except Exception:  # noqa: BLE001 - an unusual terminal must not stop the TUI
        pass
    finally:
        _done.set()
    return bool(GRAPHICS)


def quiet_library_logs() -> None:
    """textual-image logs the fallbacks it takes (a terminal that reports no pixel size, e.g.
    inside a container, or does not answer a query) as warnings with a traceback, which Python
    prints on the terminal when no logging is set up. The fallbacks work: keep them quiet."""
    logger = logging.getLogger("textual_image")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False
