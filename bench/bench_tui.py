"""TUI benchmark: open the app and the duplicate groups screen on an inventory with --groups
groups (default 10,000, two members each, i.e. 20,000 of a 100k-asset library), headless
(Textual's test driver, 80x24). Naive baseline in the same run: reading every group at once,
as a screen that loads everything would.

Target (issue 7): the app opens in under a second; no screen loads everything at once.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual.widgets import DataTable  # noqa: E402

from sidecar.engine.store.analysis import Member  # noqa: E402
from sidecar.runtime import open_runtime  # noqa: E402
from sidecar.settings import Settings  # noqa: E402
from sidecar.tui.app import SidecarApp  # noqa: E402


async def run(groups: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.model_validate({"storage": {"state_dir": tmp}})
        async with open_runtime(settings) as rt:
            rows = [("exact" if n % 3 else "near", "owner", f"a{n}-0", ["same content"], n % 7,
                     1000 + n, [Member(f"a{n}-{k}", f"/photos/{n // 100}/IMG_{n}-{k}.JPG",
                                       f"a{n}-{k}", 2_000_000, 4000, 3000, None)
                                for k in (0, 1)]) for n in range(groups)]  # fmt: skip
            await rt.analysis.replace_results(0, rows, [])
            t = time.perf_counter()
            every = await rt.analysis.groups()
            read_all = time.perf_counter() - t
            app = SidecarApp(rt)
            t = time.perf_counter()
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                await app.workers.wait_for_complete()
                opened = time.perf_counter() - t
                t = time.perf_counter()
                await pilot.press("g")
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                shown = time.perf_counter() - t
                table = app.screen.query_one(DataTable)
                loaded = table.row_count
                t = time.perf_counter()
                table.move_cursor(row=loaded - 1)  # to the end of what is loaded: next page
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                paged = time.perf_counter() - t
                more = table.row_count
                t = time.perf_counter()  # naive: a table of every group, built at once
                naive_table = DataTable()
                await app.screen.mount(naive_table)
                naive_table.add_columns("tier", "n", "reclaim", "dist", "keeper")
                for g in await rt.analysis.groups():
                    naive_table.add_row(g.tier, str(len(g.members)), str(g.reclaim),
                                        str(g.distance), g.keeper)  # fmt: skip
                await pilot.pause()
                naive = time.perf_counter() - t
            print(f"{groups:,} groups (reading them all: {read_all:.2f} s)")
            print(f"app open with the dashboard: {opened:.2f} s (target < 1 s)")
            print(f"duplicate groups screen: {shown:.2f} s, {loaded} rows loaded (a page)")
            print(f"cursor to row {loaded}: the next page in {paged:.2f} s, {more} rows loaded")
            print(f"naive: a table of all {len(every):,} groups built at once: {naive:.2f} s "
                  f"({naive / shown:.1f}x the paged screen)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--groups", type=int, default=10_000)
    asyncio.run(run(parser.parse_args().groups))


if __name__ == "__main__":
    main()
