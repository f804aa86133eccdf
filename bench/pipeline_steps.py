"""The parts of bench/bench_pipeline.py: the cached fixtures (a tree of N files at the test
Immich's asset paths, their N fingerprints), one command run as a person runs it (wall time,
CPU time, its own peak RSS), and the steps measured with their table."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.library_analysis import _migrate, library_rows, write_prints

ROOT = Path(__file__).resolve().parent.parent

CACHE = Path("/tmp/bench-cache/pipeline")
IMMICH_ROOT = "/mnt/photos/family"  # the fake's library: {year}/{month}/IMG_{i:07d}.JPG
NEW_PHOTOS = 1_000


def rel_path(i: int) -> str:
    """The path of asset `i` below the library, as tests.fake_immich.serve names it."""
    return f"{2015 + i // 10000}/{i // 100 % 100:02d}/IMG_{i:07d}.JPG"


@dataclass
class Run:
    """A command's wall time, its peak RSS and its CPU time (user and system)."""

    secs: float
    rss_mb: float
    cpu_s: float = 0.0


@dataclass
class Step:
    name: str
    run: Run
    target: str
    note: str = ""
    met: bool | None = None
    load: float = field(default_factory=lambda: os.getloadavg()[0])  # 1-minute, at its end


class Steps(list[Step]):
    """The steps measured so far; each is also told as it ends (a long run stopped half-way
    still says what it measured)."""

    def append(self, step: Step) -> None:
        super().append(step)
        run = step.run
        print(
            f"({step.name}: {run.secs:.2f} s, CPU {run.cpu_s:.2f} s, peak RSS {run.rss_mb:,.0f} MB,"
            f" load {step.load:.1f}; {step.note})",
            flush=True,
        )


def make_tree(n: int) -> Path:
    """N files at the assets' paths, each holding its content seed (1% exact copies)."""
    tree = CACHE / f"tree-{n}"
    done = tree / ".complete"  # a dot-file: scans ignore it
    if done.exists():
        return tree
    t = time.perf_counter()
    seeds, _ = library_rows(n)
    made: set[Path] = set()
    for i, (seed, _) in enumerate(seeds):
        path = tree / rel_path(i)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(str(seed).encode())
    done.write_text("")
    print(f"(tree of {n:,} files made in {time.perf_counter() - t:.0f} s, cached in {tree})")
    return tree


def make_prints(n: int) -> Path:
    """An inventory holding only the N fingerprints (copied into each run's inventory)."""
    path = CACHE / f"prints-sided-{n}.db"  # (with one-sided views and thumbnails)
    if path.exists():
        return path
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        asyncio.run(_migrate(Path(tmp)))
        conn = sqlite3.connect(Path(tmp) / "inventory.db")
        with conn:
            write_prints(conn, library_rows(n)[1])
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        shutil.move(Path(tmp) / "inventory.db", path)
    return path


def copy_prints(db: Path, prints: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("ATTACH DATABASE ? AS cached", (str(prints),))
    with conn:
        conn.execute("INSERT INTO fingerprints SELECT * FROM cached.fingerprints")
    conn.execute("DETACH DATABASE cached")
    conn.close()


# `python -m sidecar ARGS`, which also writes the process's own peak RSS (VmHWM, in kB) into
# $BENCH_PEAK_FILE as it exits: os.wait4's ru_maxrss of a child starts at its parent's peak
# (Linux carries it over fork and exec), and this process holds the fixtures' rows
RUN_SIDECAR = """
import atexit, os, runpy, sys

def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            with open(os.environ["BENCH_PEAK_FILE"], "w") as out:
                out.write(line.split()[1])

atexit.register(peak)
runpy.run_module("sidecar", run_name="__main__", alter_sys=True)
"""


def run_cli(config: Path, *args: str, out: Path | None = None) -> Run:
    """One command as a person runs it: its wall time, peak RSS (MB) and CPU time (from
    os.wait4: on a loaded machine it says what the wall time cannot)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMMICH", "TEXTUAL"))}
    env["BENCH_PEAK_FILE"] = str(config.parent / "peak")
    argv = [sys.executable, "-c", RUN_SIDECAR, "--config", str(config), *args]
    with (
        open(out or os.devnull, "wb") as stdout,
        tempfile.TemporaryFile() as stderr,
    ):
        t = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(proc.pid, 0)
        secs = time.perf_counter() - t
        code = proc.returncode = os.waitstatus_to_exitcode(status)
        if code != 0:
            stderr.seek(0)
            tail = stderr.read()[-2000:].decode(errors="replace")
            raise SystemExit(f"`sidecar {' '.join(args)}` failed ({code}):\n{tail}")
    peak = int(Path(env["BENCH_PEAK_FILE"]).read_text()) / 1024
    return Run(secs, peak, usage.ru_utime + usage.ru_stime)


def show(n: int, steps: list[Step]) -> None:
    load = os.getloadavg()
    print(
        f"\nwhole pipeline at {n:,} assets ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())},"
        f" load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs)"
    )
    print(
        f"| {'step':<30} | {'time':>8} | {'CPU':>8} | {'peak RSS':>9} | {'target at 1M':<21} "
        "| met | load | notes |"
    )
    print(f"| {'-' * 30} | {'-' * 8} | {'-' * 8} | {'-' * 9} | {'-' * 21} | --- | --- | --- |")
    for s in steps:
        secs = f"{s.run.secs:.2f} s" if s.run.secs else ""
        cpu = f"{s.run.cpu_s:.2f} s" if s.run.cpu_s else ""
        rss = f"{s.run.rss_mb:,.0f} MB" if s.run.rss_mb else ""
        met = {True: "yes", False: "not met", None: ""}[s.met]
        print(
            f"| {s.name:<30} | {secs:>8} | {cpu:>8} | {rss:>9} | {s.target:<21} | {met} "
            f"| {s.load:.1f} | {s.note} |"
        )
    summary = {
        "assets": n,
        "load": load,
        "steps": [
            {
                "step": s.name,
                "secs": round(s.run.secs, 3),
                "cpu_s": round(s.run.cpu_s, 3),
                "rss_mb": round(s.run.rss_mb),
                "met": s.met,
                "load": round(s.load, 2),
            }
            | ({"note": s.note} if s.note else {})
            for s in steps
        ],
    }
    print(json.dumps(summary))
