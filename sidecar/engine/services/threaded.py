"""Consume a blocking iterator from a worker thread, with bounded read-ahead."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TypeVar, cast

T = TypeVar("T")
_DONE = object()


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


async def iterate_in_thread(
    factory: Callable[[], Iterator[T]], ahead: int = 32
) -> AsyncIterator[T]:
    """Yield the items of `factory()` produced in a worker thread, at most `ahead` in advance.

    Leaving the loop early (break, exception, cancellation) stops the producer at its next item.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[object] = asyncio.Queue()
    slots = threading.Semaphore(ahead)
    stop = threading.Event()

    def send(item: object) -> None:
        if not stop.is_set():
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the loop is gone: nobody is listening
                stop.set()

    def produce() -> None:
        try:
            for item in factory():
                while not slots.acquire(timeout=0.05):
                    if stop.is_set():
                        return
                if stop.is_set():
                    return
                send(item)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, re-raised there
            send(_Failed(exc))
            return
        send(_DONE)

    producer = loop.run_in_executor(None, produce)
    try:
        while True:
            item = await queue.get()
            if item is _DONE:
                break
            if isinstance(item, _Failed):
                raise item.exc
            slots.release()
            yield cast(T, item)
    finally:
        stop.set()  # the producer ends at its next item; it writes nothing
        producer.add_done_callback(lambda f: f.cancelled() or f.exception())
