"""Consume a blocking iterator from a worker thread without blocking the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TypeVar, cast

T = TypeVar("T")


async def iterate_stepwise(factory: Callable[[], Iterator[T]]) -> AsyncIterator[T]:
    """Yield the items of `factory()`, each produced by a worker thread while we wait.

    The producer never runs ahead while the consumer works: measured on a rescan, CPU-bound
    Python on both sides only fought over the GIL (0.43 s vs 0.28 s for 20k files).
    """
    it = await asyncio.to_thread(factory)
    done = object()
    while True:
        item = await asyncio.to_thread(next, it, done)
        if item is done:
            return
        yield cast(T, item)
