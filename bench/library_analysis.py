"""The whole `analyze` over a library of --library N photos (local mode), each case in a fresh
process so its peak RSS is its own (resource.getrusage of that process):

- first analysis: every near pair searched, everything grouped;
- full regroup, nothing new: what every run did before the inputs counter (the stored results
  discarded, the edges kept) — the baseline the other cases are compared with;
- nothing changed: the stored results stand;
- 1,000 new photos: real small JPEGs decoded, their near pairs searched, then only what they
  reach regrouped (split into decoding, edge search and regroup);
- 1 decision changed: a person kept one exact group as it is (only that group regrouped).

The first analysis of each size is cached under /tmp/bench-cache/regroup/ (its state folder,
copied), so a second run starts from the full regroup.

Times are of `analyze()` alone (the runtime opened before); peak RSS is the whole process's.

The inventory is written straight into SQLite (decoding N photos is the fingerprint bench's
business): one file per content, 1% exact copies, 1% near copies (a pHash and a dHash bit
flipped), capture times 10 s apart (no pairs or bursts), 100 photos per folder.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import multiprocessing
import random
import resource
import shutil
import sqlite3
import struct
import time
from pathlib import Path
from typing import Any

from PIL import Image

from sidecar.engine.core.likeness import THUMB_EDGE
from sidecar.engine.imaging import SIDE_VIEWS
from sidecar.engine.store.db import open_database
from sidecar.runtime import open_runtime
from sidecar.settings import Settings

SIDED = 2 * len(SIDE_VIEWS)  # (pHash, dHash) of each one-sided view


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _settings(state: Path) -> Settings:
    return Settings.model_validate(
        {"storage": {"state_dir": str(state)}, "analysis": {"immich_duplicates": False}}
    )


def library_rows(n: int) -> tuple[list[tuple[int, str]], list[tuple[Any, ...]]]:
    """For each of `n` photos, the seed of its content (the file's bytes are `str(seed)`: i,
    or i - 1 for an exact copy) and that content's sha1; and one fingerprint row (content,
    phash, dhash, views, taken, one-sided views, thumbnail) per distinct content."""
    rng = random.Random(3)
    files, prints = [], []
    base = 1_700_000_000
    for i in range(n):
        kind = i % 100
        seed = i if kind != 1 else i - 1
        content = hashlib.sha1(str(seed).encode()).hexdigest()
        if kind != 1:  # 1 in 100 is an exact copy of the one before
            phash, dhash = rng.getrandbits(64), rng.getrandbits(64)
            if kind == 2:  # 1 in 100 looks like the one two before
                phash, dhash = prints[-1][1] ^ (1 << rng.randrange(64)), prints[-1][2] ^ 1
                phash, dhash = phash & ((1 << 64) - 1), dhash & ((1 << 64) - 1)
            views = struct.pack("<4q", *(_signed(rng.getrandbits(64)) for _ in range(4)))
            sided = struct.pack(f"<{SIDED}q", *(_signed(rng.getrandbits(64)) for _ in range(SIDED)))
            thumb = prints[-1][6] if kind == 2 else rng.randbytes(THUMB_EDGE * THUMB_EDGE)
            taken = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(base + 10 * i))
            prints.append((content, phash, dhash, views, taken, sided, thumb))
        files.append((seed, content))
    return files, prints


def write_prints(conn: sqlite3.Connection, prints: list[tuple[Any, ...]]) -> None:
    conn.executemany(
        "INSERT INTO fingerprints (content_hash, hash_algo, phash, dhash, hash_size, width,"
        " height, source, taken_at, make, model, computed_at, zoomed, exif_read, sided,"
        " thumb) VALUES (?, 'sha1', ?, ?, 8, 4000, 3000, 'jpeg-draft', ?, 'Canon', 'EOS',"
        " 'now', ?, 1, ?, ?)",
        [(c, _signed(p), _signed(d), t, z, s, b) for c, p, d, z, t, s, b in prints],
    )


def build(state: Path, root: Path, n: int) -> None:
    asyncio.run(_migrate(state))
    seeds, prints = library_rows(n)
    files = [
        (f"d{i // 100:05d}", f"IMG_{i:07d}.jpg", 2_000_000 + i, content)
        for i, (_, content) in enumerate(seeds)
    ]
    conn = sqlite3.connect(state / "inventory.db")
    with conn:
        conn.execute("INSERT INTO roots (path, created_at) VALUES (?, 'now')", (str(root),))
        conn.executemany(
            "INSERT INTO files (root_id, rel_dir, name, kind, size, mtime_ns, content_hash,"
            " hash_algo, first_seen, first_gen, seen_gen) VALUES (1, ?, ?, 'image', ?, 1, ?,"
            " 'sha1', 'now', 1, 1)",
            files,
        )
        write_prints(conn, prints)
    conn.close()


async def _migrate(state: Path) -> None:
    async with open_database(state / "inventory.db"):
        pass


def write_new_photos(folder: Path, count: int) -> list[Path]:
    """`count` small real JPEGs (96x64, coloured blocks) written into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    out = []
    for i in range(count):
        img = Image.new("RGB", (96, 64), tuple(rng.randrange(256) for _ in range(3)))
        for _ in range(12):
            x, y = rng.randrange(80), rng.randrange(48)
            img.paste(tuple(rng.randrange(256) for _ in range(3)), (x, y, x + 16, y + 16))
        path = folder / f"NEW_{i:05d}.jpg"
        img.save(path, quality=85)
        out.append(path)
    return out


def add_new_photos(state: Path, root: Path, count: int) -> None:
    """`count` small real JPEGs on disk, recorded by a scan (no fingerprints yet)."""
    rows = []
    for path in write_new_photos(root / "new", count):
        digest = hashlib.sha1(path.read_bytes()).hexdigest()
        rows.append(("new", path.name, path.stat().st_size, digest))
    conn = sqlite3.connect(state / "inventory.db")
    with conn:
        conn.executemany(
            "INSERT INTO files (root_id, rel_dir, name, kind, size, mtime_ns, content_hash,"
            " hash_algo, first_seen, first_gen, seen_gen) VALUES (1, ?, ?, 'image', ?, 1, ?,"
            " 'sha1', 'now', 2, 2)",
            rows,
        )
    conn.close()


def forget_results(state: Path) -> None:
    conn = sqlite3.connect(state / "inventory.db")
    with conn:
        conn.execute("DELETE FROM meta WHERE key = 'analysis.basis'")
    conn.close()


def peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM on Linux (getrusage's ru_maxrss survives the exec of a
    spawned child, so there it would be the parent's peak), else getrusage."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


CACHE = Path("/tmp/bench-cache/regroup")


def decide_one(state: Path) -> None:
    """A person keeps one exact group as it is (a decision, as the review stores it)."""
    conn = sqlite3.connect(state / "inventory.db")
    with conn:
        group = conn.execute("SELECT id FROM dup_groups WHERE tier = 'exact' LIMIT 1").fetchone()
        keys = sorted(
            r[0] for r in conn.execute("SELECT member FROM dup_members WHERE group_id = ?", group)
        )
        conn.execute(
            "INSERT INTO decisions (kind, members, made_at) VALUES ('keep_together', ?, 'now')",
            (json.dumps(keys),),
        )
    conn.close()


def _case(state: str, out: Any) -> None:
    from sidecar.engine.services.analyze import service

    searching: list[float] = []
    update_edges = service.update_edges

    async def timed_edges(*args: Any) -> None:
        t = time.perf_counter()
        await update_edges(*args)
        searching.append(time.perf_counter() - t)

    service.update_edges = timed_edges  # type: ignore[assignment]

    async def run() -> dict[str, Any]:
        async with open_runtime(_settings(Path(state))) as rt:
            t = time.perf_counter()
            grouping: list[float] = []

            def progress(stage: str, done: int, _total: int) -> None:
                if stage == "grouping" and done == 0:
                    grouping.append(time.perf_counter() - t)

            report = await rt.analyze.analyze(progress)
            secs = time.perf_counter() - t
        return {
            "secs": secs,
            "before_grouping": grouping[0] if grouping else 0.0,
            "rss_mb": peak_rss_mb(),
            "unchanged_since": report.unchanged_since,
            "fingerprinted": report.fingerprinted,
            "groups": report.exact_groups + report.near_groups,
            "edges": searching[0] if searching else 0.0,
            "regrouped": report.regrouped,
            "full": report.regrouped_all,
        }

    out.put(asyncio.run(run()))


def analyse_in_child(state: Path) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_case, args=(str(state), queue))
    proc.start()
    result: dict[str, Any] = queue.get()
    proc.join()
    return result


def bench_library(n: int, work: Path) -> None:
    state, root = work / "state", work / "photos"
    cached = CACHE / f"library-{n}"

    def show(label: str, r: dict[str, Any], base: dict[str, Any] | None = None) -> None:
        ratio = f", {base['secs'] / r['secs']:.1f}x faster" if base else ""
        print(
            f"  {label:<38} {r['secs']:8.3f} s, peak RSS {r['rss_mb']:6,.0f} MB, "
            f"{r['groups']:,} groups, fingerprinted {r['fingerprinted']:,}{ratio}"
        )
        if r["unchanged_since"] is None:
            regroup = r["secs"] - r["before_grouping"] - r["edges"]
            scope = "everything" if r["full"] else f"{r['regrouped']:,} candidates"
            print(
                f"  {'':<38} fingerprints {r['before_grouping']:.2f} s, edge search"
                f" {r['edges']:.2f} s, regroup {regroup:.2f} s ({scope})"
            )

    if (cached / "state" / "inventory.db").exists():
        shutil.copytree(cached, work, dirs_exist_ok=True)
        conn = sqlite3.connect(state / "inventory.db")
        with conn:  # (the folder it was made in is gone)
            conn.execute("UPDATE roots SET path = ? WHERE id = 1", (str(root),))
        conn.close()
        print(f"  inventory of {n:,} photos, analysed once, copied from {cached}")
    else:
        state.mkdir(parents=True)
        t = time.perf_counter()
        build(state, root, n)
        print(f"  inventory of {n:,} photos written in {time.perf_counter() - t:.1f} s")
        first = analyse_in_child(state)
        show("first analysis (all pairs searched)", first)
        shutil.copytree(work, cached, dirs_exist_ok=True)
    forget_results(state)
    full = analyse_in_child(state)
    assert full["full"], full
    show("full regroup, nothing new (baseline)", full)
    same = analyse_in_child(state)
    assert same["unchanged_since"] is not None, same
    show("nothing changed", same, full)
    add_new_photos(state, root, 1_000)
    new = analyse_in_child(state)
    assert new["unchanged_since"] is None, new
    assert new["fingerprinted"] == 1_000, new
    show("1,000 new photos", new, full)
    again = analyse_in_child(state)
    show("nothing changed, after them", again, full)
    decide_one(state)
    decided = analyse_in_child(state)
    assert decided["unchanged_since"] is None, decided
    show("1 decision changed", decided, full)
