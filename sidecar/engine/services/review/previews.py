"""What the review draws a member with: whether its file is readable here, its size as shown,
and its preview (the file, else Immich's thumbnail), decoded off the event loop (a RAW file in a
worker process that may crash and is then replaced)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from sidecar.engine.core.media import displayed_size
from sidecar.engine.core.models import Member
from sidecar.engine.ports import AssetInventory, ClientFactory
from sidecar.engine.support.pools import new_process_pool
from sidecar.settings import Settings

if TYPE_CHECKING:  # the decoders import Pillow: only when a preview is drawn
    from sidecar.engine.preview import Pixel, Source


class Previews:
    def __init__(self, assets: AssetInventory, settings: Settings, connect: ClientFactory) -> None:
        self.assets = assets
        self.settings = settings
        self.connect = connect
        self._raw_pool: ProcessPoolExecutor | None = None  # RAW previews, made when needed

    async def readable_here(self, members: list[Member]) -> set[str]:
        """Keys of the members whose file this process can read (the others are known only
        through Immich, e.g. a library that is not mounted here)."""
        paths = {m.key: m.path for m in members if m.path}
        ok = await asyncio.to_thread(lambda: {k for k, p in paths.items() if _readable(p)})
        return ok

    async def displayed_sizes(self, members: list[Member]) -> dict[str, tuple[int, int]]:
        """Each member's width and height as shown (key -> (w, h), known ones only). A file
        read here was measured upright; an Immich asset's size is its EXIF's, turned by the
        EXIF orientation Immich reported."""
        remote = [m.key for m in members if m.asset_id and m.key == m.asset_id]
        turns = await self.assets.orientations(remote) if remote else {}
        out = {}
        for m in members:
            size = displayed_size(m.width, m.height, turns.get(m.key))
            if size is not None:
                out[m.key] = size
        return out

    async def preview_source(self, member: Member) -> Source | None:
        """What to draw a member's preview from: its file when this process can read it,
        else the thumbnail Immich made of the asset (None when neither is to be had)."""
        path = member.path
        if path is not None:
            readable: bool = await asyncio.to_thread(_readable, path)
            if readable:
                return path
        if not member.asset_id:
            return None
        links = await self.assets.links_of([member.asset_id])
        link = links[0] if links else None
        keys = dict(self.settings.user_keys())
        if link is None or link.sync_key not in keys:
            return None
        client = self.connect(keys[link.sync_key])
        try:
            return await client.thumbnail(member.asset_id)
        except Exception:  # noqa: BLE001 - Immich away or no thumbnail: no preview, no error
            return None
        finally:
            await client.aclose()

    async def preview(
        self, source: Source | None, cols: int, rows: int
    ) -> list[list[Pixel]] | None:
        """A grid of pixels for half blocks, decoded off the event loop."""
        from sidecar.engine.preview import pixel_grid

        return await self._decode(pixel_grid, source, cols, rows) if source else None

    async def thumbnail(self, source: Source | None, max_side: int) -> Any:
        """A reduced PIL image, for terminals with sixel or kitty graphics."""
        from sidecar.engine.preview import thumbnail

        return await self._decode(thumbnail, source, max_side) if source else None

    async def _decode(self, decode: Callable[..., Any], source: Source, *args: int) -> Any:
        """In a thread; a RAW file in a worker process (libraw may crash a process: then the
        preview is missing and the worker is replaced, the app goes on)."""
        from sidecar.engine.preview import is_raw

        if not is_raw(source):
            return await asyncio.to_thread(decode, source, *args)
        if self._raw_pool is None:
            self._raw_pool = new_process_pool(1)
        pool = self._raw_pool
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, decode, source, *args)
        except BrokenProcessPool:
            pool.shutdown(wait=False, cancel_futures=True)
            if self._raw_pool is pool:
                self._raw_pool = None
            return None

    def close(self) -> None:
        if self._raw_pool is not None:
            self._raw_pool.shutdown(wait=False, cancel_futures=True)
            self._raw_pool = None


def _readable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.R_OK)
