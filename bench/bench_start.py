"""A quick command's start at --assets N (default 1,000,000): `--version`, and `sync` with
nothing changed on an inventory mirroring N assets from the test Immich (in a process of its
own, with a library at the assets' folder so the unmapped-folders check runs), each through
the command line as a person runs it (wall time, CPU time from os.wait4, peak RSS).

Each `--code DIR` is a checkout whose `sidecar` package is run (default: this one), the runs
interleaved round by round on the same inventory (mirrored once, by the first), so two
versions are compared under the same load. Prints a table and one JSON line.

Target (issue 16, at 1M on 2 cores): sync with nothing changed < 1 s and <= 3 requests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pipeline import server_stats, write_config  # noqa: E402
from fake_server import start_fake_immich  # noqa: E402

from bench.pipeline_steps import IMMICH_ROOT, RUN_SIDECAR, Run  # noqa: E402


def run_from(code: Path, config: Path, *args: str, bytecode: Path | None = None) -> Run:
    """`python -m sidecar --config CONFIG ARGS` with the `sidecar` package of `code` (the
    working directory comes first on the module path): wall, peak RSS, CPU. `bytecode`: the
    compiled modules are kept there and reused, as an installed package's are (pip compiles
    them); else the environment decides (PYTHONDONTWRITEBYTECODE: compiled on every start)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMMICH", "TEXTUAL"))}
    if bytecode is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    env["BENCH_PEAK_FILE"] = str(config.parent / "peak")
    argv = [sys.executable, "-c", RUN_SIDECAR, "--config", str(config), *args]
    with tempfile.TemporaryFile() as stderr:
        t = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=code, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(proc.pid, 0)
        secs = time.perf_counter() - t
        if os.waitstatus_to_exitcode(status) != 0:
            stderr.seek(0)
            raise SystemExit(
                f"`sidecar {' '.join(args)}` failed in {code}: {stderr.read()[-2000:]!r}"
            )
    peak = int(Path(env["BENCH_PEAK_FILE"]).read_text()) / 1024
    return Run(secs, peak, usage.ru_utime + usage.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, default=1_000_000)
    parser.add_argument("--code", type=Path, action="append", help="a checkout (repeatable)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--bytecode",
        action="store_true",
        help="also run each with its compiled modules kept (as installed) besides compiled anew",
    )
    args = parser.parse_args()
    codes = [c.resolve() for c in args.code or [ROOT]]
    modes = ["as is", "bytecode kept"] if args.bytecode else ["as is"]
    variants = [(c, m) for c in codes for m in modes]
    results: dict[str, dict[str, list[Run]]] = {
        f"{c} {m}": {"version": [], "sync": []} for c, m in variants
    }
    requests: dict[str, list[int]] = {name: [] for name in results}
    with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp:
        work = Path(tmp)
        (work / "tree").mkdir()
        server, info = start_fake_immich(args.assets, "--library", IMMICH_ROOT, quiet=True)
        try:
            config = work / "sidecar.toml"
            write_config(config, info, work / "state", work / "tree")
            t = time.perf_counter()
            mirror = run_from(codes[0], config, "sync")
            print(f"(full mirror of {args.assets:,}: {time.perf_counter() - t:.0f} s)", flush=True)
            for n in range(args.rounds + 1):  # the first round fills the bytecode caches
                for code, mode in variants:
                    name = f"{code} {mode}"
                    kept = work / "pyc" / str(codes.index(code)) if mode != "as is" else None
                    before = server_stats(server)["requests"]
                    synced = run_from(code, config, "sync", bytecode=kept)
                    asked = server_stats(server)["requests"] - before
                    version = run_from(code, config, "--version", bytecode=kept)
                    if n:
                        results[name]["sync"].append(synced)
                        requests[name].append(asked)
                        results[name]["version"].append(version)
        finally:
            assert server.stdin is not None
            server.stdin.close()
            server.wait(timeout=60)
    load = os.getloadavg()
    print(
        f"\ncommand start at {args.assets:,} assets ({time.strftime('%Y-%m-%d %H:%M UTC')}, load"
        f" {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; full mirror {mirror.secs:.1f} s;"
        f" {args.rounds} runs each, median (best))"
    )
    print("| code | step | wall | CPU | peak RSS | requests |")
    print("| --- | --- | --- | --- | --- | --- |")
    summary = []
    for code in results:
        for step, runs in results[code].items():
            wall = statistics.median(r.secs for r in runs)
            cpu = statistics.median(r.cpu_s for r in runs)
            rss = max(r.rss_mb for r in runs)
            asked = max(requests[code]) if step == "sync" else 0
            print(
                f"| {code} | {step} | {wall:.2f} s ({min(r.secs for r in runs):.2f}) "
                f"| {cpu:.2f} s ({min(r.cpu_s for r in runs):.2f}) | {rss:.0f} MB | {asked} |"
            )
            summary.append({"code": code, "step": step, "wall": wall, "cpu": cpu, "rss_mb": rss})
    print(json.dumps({"assets": args.assets, "load": load, "runs": summary}))


if __name__ == "__main__":
    main()
