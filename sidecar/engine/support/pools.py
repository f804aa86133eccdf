"""Worker processes for CPU-bound or crash-prone decoding (fingerprints, RAW previews)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import resource_tracker

END_WAIT_S = 2.0  # the most end_workers waits for one worker to be gone


def _real_fd(stream: object) -> bool:
    try:
        return int(stream.fileno()) >= 0  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False


# One worker per core: a worker's numpy products run on its one thread (OpenBLAS would start
# a thread per core in every worker for a product as small as a fingerprint's, and on a busy
# machine they wait on each other). Read when numpy is loaded, after the initializer.
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _init_worker(silence: bool) -> None:
    """Worker initializer. Ctrl-C reaches the whole process group: workers ignore it and the
    parent stops them (else every worker prints its own traceback). Inside a full-screen app
    (`silence`) C libraries' warnings written to the terminal would scribble over the screen."""
    for name, value in ONE_THREAD.items():
        os.environ.setdefault(name, value)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if silence:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.close(devnull)


def new_process_pool(workers: int) -> ProcessPoolExecutor:
    """A 'spawn' pool that also works inside a full-screen app (the TUI), where sys.stderr is
    a capture whose fileno() is -1: multiprocessing's resource tracker would hand that to its
    child ('bad value(s) in fds_to_keep'), so it is started against the real stderr first, and
    the workers' output goes to /dev/null instead of over the screen."""
    ctx = multiprocessing.get_context("spawn")
    in_app = not _real_fd(sys.stderr)
    if in_app:
        saved = sys.stderr
        try:
            if sys.__stderr__ is not None and _real_fd(sys.__stderr__):
                sys.stderr = sys.__stderr__
            resource_tracker.ensure_running()
        finally:
            sys.stderr = saved
    return ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=_init_worker, initargs=(in_app,)
    )


def end_workers(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once: its queued calls cancelled and its worker processes ended (a
    worker only computes and hands back its result, so ending one loses nothing stored)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(END_WAIT_S)  # a terminated worker is gone in milliseconds
