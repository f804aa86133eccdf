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
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_sync import server_only  # noqa: E402
from fake_server import start_fake_immich  # noqa: E402

from bench.library_analysis import peak_rss_mb, write_new_photos  # noqa: E402
from bench.pipeline_steps import (  # noqa: E402
    CACHE,
    IMMICH_ROOT,
    NEW_PHOTOS,
    Run,
    Step,
    Steps,
    copy_prints,
    make_prints,
    make_tree,
    run_cli,
    show,
)


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
