"""Consume a blocking iterator from a worker thread without blocking the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Iterator
from typing import TypeVar, cast

T = TypeVar("T")


async def iterate_ahead(factory: Callable[[], Iterator[T]]) -> AsyncGenerator[T, None]:
    """Yield the items of `factory()`, each produced by a worker thread; the thread makes the
    next item while the consumer works on this one (at most one ahead).

    Measured on a rescan of 200,000 files (a folder walk that spends its time in lstat, a
    consumer that waits on the database): the same CPU time as making each item only once
    asked (1.09-1.22 s against 1.17-1.22 s) and less wall time (1.65-2.63 s against 2.42-3.60
    s, on a loaded machine). Close it (`contextlib.aclosing`) when leaving early.
    """
    it = await asyncio.to_thread(factory)
    done = object()
    pending = asyncio.ensure_future(asyncio.to_thread(next, it, done))
    try:
        while True:
            item = await pending
            if item is done:
                return
            pending = asyncio.ensure_future(asyncio.to_thread(next, it, done))
            yield cast(T, item)
    finally:
        pending.cancel()  # (a step under way finishes in its thread; its item is dropped)
