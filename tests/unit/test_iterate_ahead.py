"""`iterate_ahead`: a blocking iterator's items in order, at most one made ahead."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import aclosing

from sidecar.engine.support.threaded import iterate_ahead


def test_every_item_in_order_and_at_most_one_made_ahead_of_the_consumer() -> None:
    made: list[int] = []
    threads: set[str] = set()

    def produce() -> Iterator[int]:
        for n in range(50):
            threads.add(threading.current_thread().name)
            made.append(n)
            yield n

    async def main() -> list[int]:
        got: list[int] = []
        async for n in iterate_ahead(produce):
            await asyncio.sleep(0.001)  # the producer has time to run ahead if it could
            assert len(made) <= n + 2
            got.append(n)
        return got

    assert asyncio.run(main()) == list(range(50))
    assert threading.main_thread().name not in threads


def test_leaving_early_stops_the_producer() -> None:
    made: list[int] = []

    def produce() -> Iterator[int]:
        for n in range(1_000):
            made.append(n)
            yield n

    async def main() -> None:
        async with aclosing(iterate_ahead(produce)) as items:
            async for n in items:
                if n == 3:
                    break
        await asyncio.sleep(0.05)  # a step under way ends in its thread

    asyncio.run(main())
    assert len(made) <= 5
