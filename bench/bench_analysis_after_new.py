"""The analysis after 1,000 new photos with Immich configured, alone: bench_pipeline.py's step
without the rest of the pipeline around it, so it can be run again and again (and profiled).

Once per checkout and size (kept under /tmp/remote-bench/): the test Immich with N assets,
the full mirror, the first scan of the tree of N files mapped to them, the N fingerprints
copied in and the first analysis: the ready state. Then, each run, from a copy of it: 1,000
new real photos in a folder of their own (a library not in Immich), `scan`, and
`analyze --json` measured as a person runs it (wall, CPU, peak RSS; bench_pipeline's
`run_cli`), optionally under cProfile. `--code DIR` runs another checkout's code (its
`sidecar` package) for a before/after in the same session.

    python bench/bench_analysis_after_new.py --assets 100000 [--code /work/main] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fake_server import start_fake_immich  # noqa: E402

from bench import pipeline_steps  # noqa: E402
from bench.library_analysis import write_new_photos  # noqa: E402
from bench.pipeline_steps import IMMICH_ROOT, NEW_PHOTOS, RUN_SIDECAR, Run  # noqa: E402

WORK = Path("/tmp/remote-bench")


def run(
    code: Path, config: Path, *args: str, out: Path | None = None, profile: Path | None = None
) -> Run:
    """`sidecar ARGS` with `code`'s package (pipeline_steps.run_cli, from another folder)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMMICH", "TEXTUAL"))}
    env["BENCH_PEAK_FILE"] = str(config.parent / "peak")
    env["PYTHONPATH"] = str(code)
    script = RUN_SIDECAR
    if profile is not None:
        script = script.replace(
            'runpy.run_module("sidecar", run_name="__main__", alter_sys=True)',
            "import cProfile\nprof = cProfile.Profile()\nprof.enable()\ntry:\n"
            '    runpy.run_module("sidecar", run_name="__main__", alter_sys=True)\n'
            f"finally:\n    prof.disable()\n    prof.dump_stats({str(profile)!r})",
        )
    argv = [sys.executable, "-c", script, "--config", str(config), *args]
    with open(out or os.devnull, "wb") as stdout, tempfile.TemporaryFile() as stderr:
        t = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=code, env=env, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(proc.pid, 0)
        secs = time.perf_counter() - t
        code_ = os.waitstatus_to_exitcode(status)
        if code_ != 0:
            stderr.seek(0)
            raise SystemExit(
                f"`sidecar {' '.join(args)}` failed ({code_}):\n{stderr.read()[-2000:].decode()}"
            )
    peak = int(Path(env["BENCH_PEAK_FILE"]).read_text()) / 1024
    return Run(secs, peak, usage.ru_utime + usage.ru_stime)


def write_config(path: Path, info: dict[str, str], state: Path, tree: Path, new: Path) -> None:
    path.write_text(
        f'[immich]\nurl = "{info["url"]}"\napi_key = "{info["api_key"]}"\n\n'
        f'[storage]\nstate_dir = "{state}"\n\n'
        f'[[libraries]]\nname = "family"\nimmich_path = "{IMMICH_ROOT}"\n'
        f'local_path = "{tree}"\nscan = true\n\n'
        f'[[libraries]]\nname = "new"\nlocal_path = "{new}"\nscan = true\n'
    )


def say(name: str, r: Run, note: str = "") -> None:
    load = os.getloadavg()[0]
    print(
        f"{name}: {r.secs:.2f} s, CPU {r.cpu_s:.2f} s, peak RSS {r.rss_mb:,.0f} MB,"
        f" load {load:.1f} {note}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    n, code = args.assets, args.code.resolve()
    if n != 1_000_000:  # the shared 1M fixtures are read only; smaller ones are ours
        pipeline_steps.CACHE = WORK / "cache"
        pipeline_steps.CACHE.mkdir(parents=True, exist_ok=True)
    tree, prints = pipeline_steps.make_tree(n), pipeline_steps.make_prints(n)
    ready = WORK / f"ready-{n}-{code.name}"
    work = WORK / f"run-{n}-{code.name}"
    server, info = start_fake_immich(n, "--library", IMMICH_ROOT, quiet=True)
    try:
        if not (ready / "done").exists():
            shutil.rmtree(ready, ignore_errors=True)
            (ready / "state").mkdir(parents=True)
            (ready / "new").mkdir()
            config = ready / "sidecar.toml"
            write_config(config, info, ready / "state", tree, ready / "new")
            say("full mirror", run(code, config, "sync"))
            say("first scan", run(code, config, "scan"))
            pipeline_steps.copy_prints(ready / "state" / "inventory.db", prints)
            say("first analysis", run(code, config, "analyze"))
            (ready / "done").write_text("")
        for i in range(args.runs):
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(ready / "state", work / "state")
            new = ready / "new"  # the root the ready state knows (another is a new root)
            shutil.rmtree(new, ignore_errors=True)
            config = work / "sidecar.toml"
            write_config(config, info, work / "state", tree, new)
            write_new_photos(new, NEW_PHOTOS)
            say(f"scan, {NEW_PHOTOS:,} new photos", run(code, config, "scan"))
            out = work / "analyze.json"
            profile = WORK / f"analyze-{n}-{code.name}.prof" if args.profile else None
            r = run(code, config, "analyze", "--json", out=out, profile=profile)
            report = json.loads(out.read_text())
            note = (
                f"(fingerprinted {report['fingerprinted']}, regrouped {report['regrouped']},"
                f" remote pending {report['remote_pending']})"
            )
            say(f"analysis after {NEW_PHOTOS:,} new #{i + 1}", r, note)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(ready / "new", ignore_errors=True)
        (ready / "new").mkdir()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
