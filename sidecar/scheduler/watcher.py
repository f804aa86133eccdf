"""Watching files: the media folders (changes become a rescan of the folders they are in) and
the config file (an edit becomes a reload).

The media watcher uses inotify through watchfiles, debounced by `watch_debounce_ms`; when
inotify cannot watch (too many folders, network filesystems) it falls back to polling, and the
scheduled reconciliation catches anything missed anyway.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from watchfiles import awatch

from sidecar.engine.support.scopes import ScanArea
from sidecar.settings import Settings

log = logging.getLogger("sidecar.daemon")

OnFolders = Callable[[list[Path]], Awaitable[None]]


class FolderWatcher:
    """Watches the folders a full scan covers and hands the changed ones (sorted, each one
    inside the scan area) to `on_folders`. `state` is "active", "polling" or "off"."""

    def __init__(self, settings: Settings, on_folders: OnFolders) -> None:
        self.settings = settings
        self.on_folders = on_folders
        self.state = "off"
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        roots = ScanArea(self.settings).folders()
        s = self.settings.schedule
        if not s.watch or not roots:
            self.state = "off"
            return
        self.state = "polling" if s.watch_force_polling else "active"
        self._task = asyncio.create_task(self._watch(roots), name="watch")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _watch(self, roots: list[Path]) -> None:
        s = self.settings.schedule
        for polling in (True,) if s.watch_force_polling else (False, True):
            self.state = "polling" if polling else "active"
            try:
                async for changes in awatch(
                    *roots,
                    debounce=s.watch_debounce_ms,
                    stop_event=self._stop,
                    force_polling=polling,
                    poll_delay_ms=1000,
                    recursive=True,
                ):
                    await self._on_changes({Path(p) for _, p in changes}, roots)
                return
            except (OSError, RuntimeError) as exc:
                how = "polling instead" if not polling else "relying on the scheduled scan"
                log.warning("cannot watch the media folders (%s); %s", exc, how)
        self.state = "off"

    async def _on_changes(self, paths: set[Path], roots: list[Path]) -> None:
        folders = changed_folders(ScanArea(self.settings), paths, roots)
        if folders:
            log.info("files changed in %d folder(s): rescanning them", len(folders))
            await self.on_folders(folders)


def changed_folders(area: ScanArea, paths: set[Path], roots: list[Path]) -> list[Path]:
    """The folders to rescan for changed `paths`: a file's folder, a removed folder's nearest
    existing parent, and only those a full scan covers."""
    folders = set()
    for path in paths:
        folder = path if path.is_dir() else path.parent
        while not folder.exists() and folder not in roots and folder != folder.parent:
            folder = folder.parent  # a removed folder: rescan where it was
        if area.scope_of(folder) is not None:  # exactly what a full scan covers
            folders.add(folder)
    return sorted(folders)


async def watch_config(path: Path, on_change: Callable[[], Awaitable[None]]) -> None:
    """Call `on_change` after each change of the file at `path` (through symlinks, as a
    mounted ConfigMap or an editor's rename-and-replace changes it)."""
    target = _real(str(path))
    async for changes in awatch(os.path.dirname(target), debounce=400, recursive=False):
        if any(_real(p) == target for _, p in changes):
            await on_change()


def _real(path: str) -> str:
    return os.path.realpath(path)
