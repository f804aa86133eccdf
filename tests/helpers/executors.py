"""Executors for the fingerprint stage's hook: a real thread pool that counts the calls it
was handed, and factories named by the `[analysis] executor` setting in tests."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


class CountingThreads(ThreadPoolExecutor):
    def __init__(self) -> None:
        super().__init__(2, thread_name_prefix="cluster")
        self.calls = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.calls += 1
        return super().submit(fn, *args, **kwargs)


MADE: list[CountingThreads] = []


def threads() -> CountingThreads:
    """What `executor = "tests.helpers.executors:threads"` calls."""
    made = CountingThreads()
    MADE.append(made)
    return made


def not_an_executor() -> object:
    return object()
