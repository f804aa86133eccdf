"""The app as the snapshot driver runs it: it opens its own runtime (pytest-textual-snapshot
starts the app itself, so the test cannot hand it one)."""

from __future__ import annotations

from contextlib import AsyncExitStack

from sidecar.runtime import open_runtime
from sidecar.settings import Settings
from sidecar.tui.app import SidecarApp


class SnapshotApp(SidecarApp):
    """The app with its own runtime (the snapshot driver runs the app itself)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(services=None)  # type: ignore[arg-type]
        self.settings = settings
        self.stack = AsyncExitStack()

    async def on_load(self) -> None:
        self.services = await self.stack.enter_async_context(open_runtime(self.settings))

    async def on_unmount(self) -> None:
        await self.stack.aclose()
