"""The near-pair search of `analyze` alone (`update_edges`) over an inventory of N photos
(bench/library_analysis.py builds it: every fingerprint with its centre and one-sided views),
each case in a fresh process so its peak RSS is its own (and its CPU time: on a shared
machine the wall time of a niced run is mostly waiting):

- full rebuild: every content's frame and views searched (the settings changed, or the first
  run);
- 1,000 new contents into the N: 900 unlike anything, 50 near copies of stored frames, 25 whose
  frame is near a stored centre view, 25 with a one-sided view near a stored frame.

Each case also times the look for unfingerprinted content (count and listing) that comes
before the search in `analyze`. The search reads the stored hashes from pages it builds on its
first run (migration 0021): 1,000 new contents are added twice, the first run building the
pages, the second reading them as kept (what every later run does).

The inventory after the full rebuild is kept under `cache` (one per N), so later runs (and runs
of an older version of the code, for a before/after figure) start from it. With `full=False`
the rebuild is skipped (its settings recorded as if it had run): the stored edges do not change
what adding new contents costs.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import shutil
import sqlite3
import struct
import time
from pathlib import Path
from typing import Any

from bench.library_analysis import SIDED, _migrate, _settings, _signed, build, peak_rss_mb
from sidecar.engine.core.likeness import THUMB_EDGE
from sidecar.engine.services.analyze.edges import edge_plan, update_edges
from sidecar.engine.store.db import utcnow
from sidecar.runtime import open_runtime

NEW = 1_000


def _edges_case(state: str, fresh: list[str], out: Any) -> None:
    async def run() -> dict[str, Any]:
        async with open_runtime(_settings(Path(state))) as rt:
            t, cpu = time.perf_counter(), time.process_time()
            await rt.analysis.unfingerprinted_count()
            await rt.analysis.unfingerprinted()
            look, look_cpu = time.perf_counter() - t, time.process_time() - cpu
            t, cpu = time.perf_counter(), time.process_time()
            await update_edges(rt.analysis, rt.settings.analysis, fresh)
            secs, cpu = time.perf_counter() - t, time.process_time() - cpu
        conn = sqlite3.connect(Path(state) / "inventory.db")
        edges = conn.execute("SELECT count(*) FROM near_edges").fetchone()[0]
        conn.close()
        return {
            "secs": secs,
            "cpu": cpu,
            "look": look,
            "look_cpu": look_cpu,
            "rss_mb": peak_rss_mb(),
            "edges": edges,
        }

    out.put(asyncio.run(run()))


def _in_child(state: Path, fresh: list[str]) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_edges_case, args=(str(state), fresh, queue))
    proc.start()
    result: dict[str, Any] = queue.get()
    proc.join()
    return result


def add_fresh(state: Path, count: int = NEW, turn: int = 0) -> list[str]:
    """`count` new fingerprints (no files: the search reads fingerprints only)."""
    rng = random.Random(11 + turn)
    conn = sqlite3.connect(state / "inventory.db")
    top = conn.execute("SELECT max(rowid) FROM fingerprints").fetchone()[0]
    picks = [
        conn.execute(
            "SELECT phash, dhash, zoomed FROM fingerprints WHERE rowid >= ? LIMIT 1",
            (rng.randrange(1, top),),
        ).fetchone()
        for _ in range(count // 10)
    ]
    rows, keys = [], []
    for i in range(count):
        key = f"fresh{turn or ''}-{i:06d}"
        p, d = _signed(rng.getrandbits(64)), _signed(rng.getrandbits(64))
        sided = [_signed(rng.getrandbits(64)) for _ in range(SIDED)]
        if i < len(picks):
            sp, sd, zoomed = picks[i]
            views = struct.unpack("<4q", zoomed)
            if i < count // 20:  # a near copy of a stored frame
                p, d = sp ^ 1, sd ^ 2
            elif i < count // 20 + count // 40:  # near a stored centre view
                p, d = views[0] ^ 4, views[1]
            else:  # one side cut: its view near a stored frame
                sided[0], sided[1] = sp ^ 8, sd ^ 16
        zoomed_new = struct.pack("<4q", *(_signed(rng.getrandbits(64)) for _ in range(4)))
        thumb = rng.randbytes(THUMB_EDGE * THUMB_EDGE)
        rows.append((key, p, d, zoomed_new, struct.pack(f"<{SIDED}q", *sided), thumb))
        keys.append(key)
    with conn:
        conn.executemany(
            "INSERT INTO fingerprints (content_hash, hash_algo, phash, dhash, hash_size, width,"
            " height, source, computed_at, zoomed, exif_read, sided, thumb)"
            " VALUES (?, 'sha1', ?, ?, 8, 4000, 3000, 'jpeg-draft', 'now', ?, 1, ?, ?)",
            rows,
        )
    conn.close()
    return keys


def _record_plan(state: Path) -> None:
    conn = sqlite3.connect(state / "inventory.db")
    with conn:
        conn.execute(
            "INSERT INTO meta (key, value, updated_at) VALUES ('analysis.edges', ?, ?)",
            (edge_plan(_settings(state).analysis), utcnow()),
        )
    conn.close()


def bench_edges(n: int, work: Path, cache: Path, full: bool = True) -> None:
    cached = cache / f"library-{n}{'' if full else '-unsearched'}" / "inventory.db"
    state = work / "state"
    state.mkdir(parents=True)

    def show(label: str, r: dict[str, Any]) -> None:
        print(
            f"  {label:<36} {r['secs']:8.2f} s (CPU {r['cpu']:.2f} s), peak RSS "
            f"{r['rss_mb']:6,.0f} MB, "
            f"{r['edges']:,} edges stored"
        )
        if "look" in r:
            print(
                f"  {'':<36} (before it, the look for unfingerprinted content: "
                f"{r['look']:.2f} s, CPU {r['look_cpu']:.2f} s)"
            )

    if not cached.exists():
        t = time.perf_counter()
        build(state, work / "photos", n)
        print(f"  inventory of {n:,} photos written in {time.perf_counter() - t:.1f} s")
        if full:
            show("full rebuild (every frame and view)", _in_child(state, []))
        else:
            _record_plan(state)
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(state / "inventory.db", cached)
    else:
        shutil.copyfile(cached, state / "inventory.db")
        print(f"  inventory of {n:,} photos from {cached}")
        asyncio.run(_migrate(state))  # (a newer schema's migrations: not in the figures)
    fresh = add_fresh(state)
    show(f"{len(fresh):,} new contents (pages built)", _in_child(state, fresh))
    fresh = add_fresh(state, turn=1)
    show(f"{len(fresh):,} more (pages kept)", _in_child(state, fresh))
