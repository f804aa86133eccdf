"""The whole pipeline at --assets N (default 1,000,000), through the command line as a person
runs it (`python -m sidecar --config FILE ...`, each step a process of its own: its wall time
and peak RSS from os.wait4), the test Immich in a process of its own:

full mirror (and the server alone serving the same pages, in the same run: our share), sync
with nothing changed (and the requests the server saw), first scan and unchanged rescan of N
small files mapped to the assets (`[[libraries]]`), the first analysis (N fingerprints with 1%
exact and 1% near copies written straight into SQLite, as bench/library_analysis.py does),
1,000 new real photos (small JPEGs written into the tree, scanned, then `analyze`), `plan`
with nothing new, `report --json`, the TUI opening (`tui` in a pseudo-terminal, to the
dashboard's counts) and the groups list (the real app, headless, from the key `g` to the
painted list: bench/bench_list.py's measure), and the inventory's size on disk.

Cached under /tmp/bench-cache/pipeline/: the tree of N files and the N fingerprints (a second
run reuses them). The inventory is new on every run. Prints a table (every step beside its
target) and one JSON line.

Targets (issue 16, at 1M on 2 cores): our share of the full mirror < 20%; nothing changed
< 1 s and <= 3 requests; first scan < 90 s, rescan < 10 s; analysis after 1,000 new < 10 s
and < 1 GB; plan < 10 s and < 1 GB; report streams (RSS flat); TUI open < 1 s, groups list
< 0.3 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_sync import server_only  # noqa: E402
from fake_server import start_fake_immich  # noqa: E402

from bench.library_analysis import (  # noqa: E402
    _migrate,
    library_rows,
    peak_rss_mb,
    write_new_photos,
    write_prints,
)

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
    path = CACHE / f"prints-{n}.db"
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


def server_stats(proc: subprocess.Popen[str]) -> dict[str, Any]:
    assert proc.stdin is not None
    assert proc.stdout is not None
    proc.stdin.write("stats\n")
    proc.stdin.flush()
    stats: dict[str, Any] = json.loads(proc.stdout.readline())
    return stats


def groups_list_child(config: str) -> None:
    """In a process of its own: the groups list in the real app (bench_list's measure)."""
    from bench_list import in_the_app

    from sidecar.runtime import open_runtime
    from sidecar.settings.load import load_settings

    async def run() -> dict[str, float]:
        async with open_runtime(load_settings(Path(config))) as rt:
            return await in_the_app(rt) | {"peak_rss_mb": peak_rss_mb()}

    sys.stdout.write(json.dumps(asyncio.run(run())) + "\n")


def groups_list(config: Path) -> tuple[float, dict[str, float]]:
    out = config.parent / "groups-list.json"
    argv = [sys.executable, str(Path(__file__)), "--groups-list-child", str(config)]
    with open(out, "wb") as stdout:
        if subprocess.run(argv, cwd=ROOT, stdout=stdout, check=False).returncode != 0:
            raise SystemExit("the groups list measure failed")
    shown: dict[str, float] = json.loads(out.read_text())
    return shown.pop("peak_rss_mb"), shown


def tui_open(state: Path, files: int, runs: int) -> list[float]:
    from bench_tui import from_the_command

    return from_the_command(state, files, runs)


def write_config(path: Path, info: dict[str, str], state: Path, tree: Path) -> None:
    path.write_text(
        f'[immich]\nurl = "{info["url"]}"\napi_key = "{info["api_key"]}"\n\n'
        f'[storage]\nstate_dir = "{state}"\n\n'
        f'[[libraries]]\nname = "family"\nimmich_path = "{IMMICH_ROOT}"\n'
        f'local_path = "{tree}"\nscan = true\n'
    )


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.glob("inventory.db*")) / 1e6


def pipeline(n: int, work: Path) -> list[Step]:
    CACHE.mkdir(parents=True, exist_ok=True)
    tree, prints = make_tree(n), make_prints(n)
    new_folder = tree / "new-photos"
    shutil.rmtree(new_folder, ignore_errors=True)  # a run stopped half-way
    state = work / "state"
    steps = Steps()
    t = time.perf_counter()
    server, info = start_fake_immich(n, "--library", IMMICH_ROOT)
    print(f"(test Immich with {n:,} assets up in {time.perf_counter() - t:.0f} s)", flush=True)
    try:
        config = work / "sidecar.toml"
        write_config(config, info, state, tree)
        steps.append(Step("process start (--version)", run_cli(config, "--version"), "stated"))
        floor = server_only(info)
        before = server_stats(server)
        mirror = run_cli(config, "sync")
        mid = server_stats(server)
        share = max(mirror.secs - floor, 0.0) / mirror.secs
        served = mid["cpu_s"] - before["cpu_s"]
        note = f"server alone {floor:.1f} s; our share {share:.0%}; server CPU {served:.1f} s"
        steps.append(Step("full mirror", mirror, "our share < 20%", note, share < 0.2))
        quiet = run_cli(config, "sync")
        asked = server_stats(server)["requests"] - mid["requests"]
        note = f"{asked} request(s) (full mirror: {mid['requests'] - before['requests']})"
        met = quiet.secs < 1 and asked <= 3
        steps.append(Step("sync, nothing changed", quiet, "< 1 s, <= 3 requests", note, met))
        scan = run_cli(config, "scan")
        steps.append(Step("first scan", scan, "< 90 s", met=scan.secs < 90))
        scan = run_cli(config, "scan")
        steps.append(Step("unchanged rescan", scan, "< 10 s", met=scan.secs < 10))
        copy_prints(state / "inventory.db", prints)
        note = f"{n:,} fingerprints stored"
        steps.append(Step("first analysis", run_cli(config, "analyze"), "stated", note))
        write_new_photos(new_folder, NEW_PHOTOS)
        steps.append(Step(f"scan, {NEW_PHOTOS:,} new photos", run_cli(config, "scan"), "stated"))
        out = work / "analyze.json"
        run = run_cli(config, "analyze", "--json", out=out)
        note = f"fingerprinted {json.loads(out.read_text()).get('fingerprinted')}"
        met = run.secs < 10 and run.rss_mb < 1024
        steps.append(Step(f"analysis after {NEW_PHOTOS:,} new", run, "< 10 s, < 1 GB", note, met))
        out = work / "plan.json"
        run = run_cli(config, "plan", "--json", out=out)
        planned = json.loads(out.read_text())
        kinds = ", ".join(f"{k} {v:,}" for k, v in planned["summary"].items() if v)
        note = f"{len(planned['actions']):,} actions ({kinds})"
        met = run.secs < 10 and run.rss_mb < 1024
        steps.append(Step("plan, nothing new", run, "< 10 s, < 1 GB", note, met))
        out = work / "report.json"
        run = run_cli(config, "report", "--json", out=out)
        note = f"{out.stat().st_size / 1e6:.1f} MB of JSON"
        steps.append(Step("report --json", run, "streams, RSS flat", note))
        starts = tui_open(state, n + NEW_PHOTOS, 3)
        median = statistics.median(starts)
        note = f"median of {len(starts)}, best {min(starts):.2f} s"
        steps.append(
            Step("TUI open (to the dashboard)", Run(median, 0.0), "< 1 s", note, median < 1)
        )
        rss, shown = groups_list(config)
        opened = shown["open (g)"]
        note = f"undecided (f) {shown['undecided (f)']:.2f} s, end {shown['end']:.2f} s"
        steps.append(Step("groups list (g)", Run(opened, rss), "< 0.3 s", note, opened < 0.3))
        server_rss = server_stats(server)["peak_rss_mb"]
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=60)
        shutil.rmtree(new_folder, ignore_errors=True)
    steps.append(Step("inventory on disk", Run(0.0, 0.0), "stated", f"{size_mb(state):,.0f} MB"))
    met = server_rss < 1024
    steps.append(Step("test Immich (its process)", Run(0.0, server_rss), "< 1 GB", met=met))
    return steps


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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, default=1_000_000)
    parser.add_argument("--groups-list-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.groups_list_child:
        groups_list_child(args.groups_list_child)
        return
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        steps = pipeline(args.assets, Path(tmp))
    show(args.assets, steps)


if __name__ == "__main__":
    main()
