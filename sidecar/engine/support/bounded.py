"""Run a coroutine over many items with at most a few running at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def bounded_map(
    items: Iterable[T], limit: int, work: Callable[[T], Awaitable[R]]
) -> AsyncGenerator[R, None]:
    """Yield `work(item)` for each item as it completes, with at most `limit` running (and at
    most `limit` tasks in existence: items are taken from the iterable only as slots free up,
    so a million items never make a million tasks). The first failure stops the rest (those
    running are cancelled, and waited for) and is raised; so does closing the generator."""
    pending = iter(items)
    running: set[asyncio.Future[R]] = set()
    try:
        while True:
            for item in pending:
                running.add(asyncio.ensure_future(work(item)))
                if len(running) >= limit:
                    break
            if not running:
                return
            done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            failures = [f.exception() for f in done if f.exception() is not None]
            if failures:
                raise failures[0]  # type: ignore[misc]
            for future in done:
                yield future.result()
    finally:
        for future in running:
            future.cancel()
        await asyncio.gather(*running, return_exceptions=True)
