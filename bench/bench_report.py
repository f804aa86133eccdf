"""`report --json` benchmark: the real command in its own process at each --sizes library size
(default 100,000 and 1,000,000 photos: as many files and Immich assets, 1% exact and 1% near
copies as groups of two, 0.5% RAW+JPEG pairs), written straight into SQLite and cached under
--work. Timed to the last byte on a pipe, with the process's peak RSS; beside it, in the same
run, what the command did before: with --before DIR (a copy of the code before streaming), that
code's own `report --json`; without it, the whole document built in memory, then written.

Target (issue 16): the report streams (written as it is read), its peak RSS flat: the same at
both sizes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_tui import fill_inventory, group_rows  # noqa: E402
from sidecar.engine.core.models import Member  # noqa: E402
from sidecar.runtime import open_runtime  # noqa: E402
from sidecar.settings import Settings  # noqa: E402

WHOLE = (
    "import asyncio, sys\n"
    "from sidecar.cli.output import print_json\n"
    "from sidecar.engine.services.report import analysis_report\n"
    "from sidecar.runtime import open_runtime\n"
    "from sidecar.settings import Settings\n"
    "async def main():\n"
    "    settings = Settings.model_validate({'storage': {'state_dir': sys.argv[1]}})\n"
    "    async with open_runtime(settings) as rt:\n"
    "        print_json(await analysis_report(rt.analysis))\n"
    "asyncio.run(main())\n"
)


def pair_rows(pairs: int, base: int) -> list[object]:
    def member(n: int, ext: str) -> Member:
        return Member(
            f"a{n}{ext}",
            f"/photos/{n // 1000}/IMG_{n:07d}.{ext}",
            f"a{n}",
            2_000_000,
            4000,
            3000,
            None,
        )

    return [
        (
            "raw+jpeg",
            "owner",
            f"a{base + n}JPG",
            ["raw and jpeg"],
            [member(base + n, "JPG"), member(base + n, "DNG")],
        )
        for n in range(pairs)
    ]


async def build(state: Path, photos: int) -> None:
    settings = Settings.model_validate({"storage": {"state_dir": str(state)}})
    async with open_runtime(settings):
        pass  # migrations
    fill_inventory(settings.storage.db_path, photos)
    groups = photos // 50  # 1% exact + 1% near copies, in groups of two
    async with open_runtime(settings) as rt:
        await rt.analysis.replace_results(
            1, group_rows(groups), pair_rows(photos // 200, 2 * groups)
        )
    (state / ".complete").write_text(str(photos))


def timed(argv: list[str], code: Path = ROOT) -> tuple[float, float, int]:
    """Wall time, peak RSS (MB) and bytes written of a command run with the sidecar at `code`,
    its output read from a pipe."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, cwd=code, env={**os.environ, "PYTHONPATH": str(code)}
    )
    assert proc.stdout is not None
    size = 0
    while chunk := proc.stdout.read(1 << 16):
        size += len(chunk)
    _, status, usage = os.wait4(proc.pid, 0)
    assert status == 0, f"{argv} failed"
    return time.perf_counter() - t, usage.ru_maxrss / 1024, size


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", type=Path, help="the code before, to run its report")
    parser.add_argument("--work", type=Path, default=Path(__file__).resolve().parent / ".work")
    args = parser.parse_args()
    for photos in (int(s) for s in args.sizes.split(",")):
        state = args.work / f"report-{photos}"
        if not (state / ".complete").exists():
            t = time.perf_counter()
            asyncio.run(build(state, photos))
            print(f"{photos:,} photos: inventory built in {time.perf_counter() - t:.1f} s")
        config = state / "bench.toml"
        config.write_text(f'[storage]\nstate_dir = "{state}"\n')
        command = [sys.executable, "-m", "sidecar", "--config", str(config), "report", "--json"]
        ours, whole = [], []
        for _ in range(args.runs):  # interleaved: the machine's load falls on both alike
            ours.append(timed(command))
            if args.before:
                whole.append(timed(command, args.before.resolve()))
            else:
                whole.append(timed([sys.executable, "-c", WHOLE, str(state)]))
        db = sum(p.stat().st_size for p in state.glob("*.db*"))
        print(
            f"{photos:,} photos ({db / 1e6:,.0f} MB inventory, {ours[0][2] / 1e6:,.1f} MB of JSON):"
        )
        for label, runs in (
            ("streamed (report --json)", ours),
            ("before" if args.before else "whole document, then written", whole),
        ):
            secs = ", ".join(f"{r[0]:.2f}" for r in runs)
            rss = ", ".join(f"{r[1]:.0f}" for r in runs)
            print(f"  {label:<30} {secs} s; peak RSS {rss} MB")


if __name__ == "__main__":
    main()
