"""The executor the `[analysis] executor` setting names (`module:callable`, a function of the
user's returning a `concurrent.futures.Executor`, e.g. a Dask or Ray cluster's), made on first
use: a command that never fingerprints never imports the module or connects to a cluster."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any


class ExecutorFromSetting(Executor):
    """An Executor that hands every call to the one `spec` names, made on the first call."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self._made: Executor | None = None

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self.executor().submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._made is not None:
            self._made.shutdown(wait=wait, cancel_futures=cancel_futures)
            self._made = None

    def executor(self) -> Executor:
        if self._made is None:
            self._made = load_executor(self.spec)
        return self._made


def load_executor(spec: str) -> Executor:
    """Call the function `module:callable` names; a ValueError that says what to fix."""
    module_name, _, attr = spec.partition(":")
    where = f"[analysis] executor = {spec!r}"
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except ImportError as exc:
        raise ValueError(
            f"{where}: cannot import {module_name} ({exc}); install it or fix the setting"
        ) from None
    except AttributeError:
        raise ValueError(f"{where}: {module_name} has no {attr}; fix the setting") from None
    made = factory()
    if not isinstance(made, Executor):
        kind = type(made).__name__
        raise ValueError(f"{where}: {attr}() returned {kind}, not a concurrent.futures.Executor")
    return made
