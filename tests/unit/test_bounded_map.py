"""`bounded_map`: many items, a few running at once, and never a task per item up front."""

from __future__ import annotations

import asyncio

import pytest

from sidecar.engine.support.bounded import bounded_map


def test_at_most_limit_run_and_exist_at_once_and_every_result_comes() -> None:
    running = most = most_tasks = 0

    async def work(n: int) -> int:
        nonlocal running, most, most_tasks
        running += 1
        most = max(most, running)
        most_tasks = max(most_tasks, len(asyncio.all_tasks()))
        await asyncio.sleep(0)
        running -= 1
        return n * 2

    async def main() -> list[int]:
        return [r async for r in bounded_map(range(1_000), 4, work)]

    results = asyncio.run(main())
    assert sorted(results) == [n * 2 for n in range(1_000)]
    assert most == 4
    assert most_tasks <= 5  # the four workers and the main task


def test_the_first_failure_stops_the_rest_and_is_raised() -> None:
    started: list[int] = []

    async def work(n: int) -> int:
        started.append(n)
        await asyncio.sleep(0)
        if n == 3:
            raise ValueError("boom")
        return n

    async def main() -> list[int]:
        return [r async for r in bounded_map(range(1_000), 2, work)]

    with pytest.raises(ValueError, match="boom"):
        asyncio.run(main())
    assert len(started) < 10
