"""TUI benchmark on a 100k-asset inventory (--assets, default 100,000 files on disk and as many
Immich assets) with --groups duplicate groups (default 10,000, two members each) among them,
headless (Textual's test driver, 80x24). The inventory rows are written straight into the
database (scanning and mirroring 100k items are the other benchmarks' business).

Measured, in order, the way a person uses it: the app opening on the dashboard (counts over
the whole inventory), the duplicate groups screen (its first page), the next page, opening a
group, deciding it (keep one, the other to the trash queue, then the next group opens), and
back to the list (its decision column refreshed).

Naive baselines in the same run: a table of every group built at once (a screen that loads
everything), and checking a trash decision against every group (what deciding did before the
groups were found by asset id).

Also, from the command line as a person starts it: the real `immich-sidecar tui` in a
pseudo-terminal (a plain one, which answers no graphics query), timed until the dashboard shows
the inventory's counts: Python's imports, textual-image's terminal queries, opening the
inventory and the first screen.

Target (issue 7): opens in under a second on a 100k-asset inventory with thousands of groups.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual.widgets import DataTable  # noqa: E402

from sidecar.engine.core.models import Member  # noqa: E402
from sidecar.runtime import open_runtime  # noqa: E402
from sidecar.settings import Settings  # noqa: E402
from sidecar.tui.app import GroupView, SidecarApp  # noqa: E402
from tests.helpers.terminal import Terminal  # noqa: E402

NOW = "2026-01-01T00:00:00Z"


def fill_inventory(db: Path, assets: int) -> None:
    """`assets` files under one root and as many mirrored Immich assets (one user)."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "INSERT INTO operations (kind, status, started_at) VALUES ('scan', 'ok', ?)", (NOW,)
        )
        conn.execute("INSERT INTO roots (id, path, created_at) VALUES (1, '/photos', ?)", (NOW,))
        conn.executemany(
            "INSERT INTO files (root_id, rel_dir, name, kind, size, mtime_ns, content_hash,"
            " hash_algo, first_seen, first_gen, seen_gen) VALUES (1, ?, ?, 'image', 2000000,"
            " 0, ?, 'blake2b', ?, 1, 1)",
            ((f"{n // 1000}", f"IMG_{n:07d}.JPG", f"{n:064x}", NOW) for n in range(assets)),
        )
        conn.executemany(
            "INSERT INTO assets (id, owner_id, type, original_path, original_file_name,"
            " checksum, updated_at, sync_key, first_seen_op, seen_op, file_size)"
            " VALUES (?, 'owner', 'IMAGE', ?, ?, ?, ?, 'default', 1, 1, 2000000)",
            (
                (f"a{n}", f"/photos/{n // 1000}/IMG_{n:07d}.JPG", f"IMG_{n:07d}.JPG", f"c{n}", NOW)
                for n in range(assets)
            ),
        )
    conn.close()


def group_rows(groups: int) -> list[Any]:
    return [
        (
            "exact" if n % 3 else "near",
            "owner",
            f"a{2 * n}",
            ["same content"],
            n % 7,
            2_000_000 + n,
            [
                Member(
                    f"a{2 * n + k}",
                    f"/photos/{(2 * n + k) // 1000}/IMG_{2 * n + k:07d}.JPG",
                    f"a{2 * n + k}",
                    2_000_000,
                    4000,
                    3000,
                    None,
                )
                for k in (0, 1)
            ],
        )
        for n in range(groups)
    ]


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def timed(pilot: Any, *keys: str) -> float:
    t = time.perf_counter()
    if keys:
        await pilot.press(*keys)
    await settle(pilot)
    return time.perf_counter() - t


async def build(state_dir: Path, assets: int, groups: int) -> None:
    settings = Settings.model_validate({"storage": {"state_dir": str(state_dir)}})
    async with open_runtime(settings):
        pass  # migrations
    fill_inventory(settings.storage.db_path, assets)
    async with open_runtime(settings) as rt:
        await rt.analysis.replace_results(0, group_rows(groups), [])


async def run(assets: int, groups: int, work: Path | None) -> None:
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        settings = Settings.model_validate({"storage": {"state_dir": tmp}})
        t = time.perf_counter()
        cached = work / f"tui-{assets}-{groups}" if work else Path(tmp)
        if not (cached / ".complete").exists():
            await build(cached, assets, groups)
            (cached / ".complete").write_text("")
        if work:  # a copy: the run decides groups
            for db in cached.glob("*.db"):
                shutil.copyfile(db, Path(tmp) / db.name)
        async with open_runtime(settings) as rt:
            print(
                f"inventory: {assets:,} files, {assets:,} assets, {groups:,} groups "
                f"({time.perf_counter() - t:.1f} s to build or copy)"
            )
            t = time.perf_counter()
            every = await rt.analysis.groups()
            read_all = time.perf_counter() - t
            app = SidecarApp(rt)
            t = time.perf_counter()
            async with app.run_test(size=(80, 24)) as pilot:
                opened = await timed(pilot)
                opened_total = time.perf_counter() - t
                shown = await timed(pilot, "g")
                table = app.screen.query_one(DataTable)
                loaded = table.row_count
                t = time.perf_counter()
                table.move_cursor(row=loaded - 1)  # to the end of what is loaded: next page
                paged = await timed(pilot) + time.perf_counter() - t
                more = table.row_count
                table.move_cursor(row=0)
                group = await timed(pilot, "enter")
                assert isinstance(app.screen, GroupView)
                decided = await timed(pilot, "a")  # keep the keeper; then the next group opens
                assert isinstance(app.screen, GroupView)
                assert app.screen.index == 1
                back = await timed(pilot, "escape")
                assert str(table.get_row_at(0)[-1]) == "trash 1"
                t = time.perf_counter()  # naive: a table of every group, built at once
                naive_table: DataTable[Any] = DataTable()
                await app.screen.mount(naive_table)
                naive_table.add_columns("tier", "n", "reclaim", "dist", "keeper")
                for g in await rt.analysis.groups():
                    naive_table.add_row(
                        g.tier, str(len(g.members)), str(g.reclaim), str(g.distance), g.keeper
                    )
                await pilot.pause()
                naive = time.perf_counter() - t
            t = time.perf_counter()
            await rt.writeback.decide_trash(["a7"], "bench")
            decide_call = time.perf_counter() - t
            t = time.perf_counter()  # naive: a trash decision checked against every group
            doomed = set(await rt.writeback.journal.trash_decided()) | {"a9"}
            for g in await rt.analysis.groups():
                ids = {m.asset_id for m in g.members if m.asset_id}
                _ = ids & {"a9"} and ids <= doomed
            naive_decide = time.perf_counter() - t
            starts = from_the_command(settings.storage.state_dir, assets, 3)
        print(f"reading every group: {read_all:.2f} s ({len(every):,})")
        print(
            f"app open with the dashboard: {opened:.2f} s after start, {opened_total:.2f} s "
            "in all (target < 1 s)"
        )
        print(
            f"from the command (`tui` in a pseudo-terminal) to the dashboard's counts: "
            f"median {statistics.median(starts):.2f} s, best {min(starts):.2f} s "
            f"({len(starts)} runs)"
        )
        print(f"duplicate groups screen: {shown:.2f} s, {loaded} rows loaded (a page)")
        print(f"cursor to row {loaded}: the next page in {paged:.2f} s, {more} rows loaded")
        print(
            f"open a group: {group:.2f} s; decide it (+ next group opens): {decided:.2f} s; "
            f"back to the list: {back:.2f} s"
        )
        print(
            f"naive: a table of all {len(every):,} groups built at once: {naive:.2f} s "
            f"({naive / shown:.1f}x the paged screen)"
        )
        print(
            f"a trash decision (the service call): {decide_call * 1000:.0f} ms; naive, checked "
            f"against every group: {naive_decide * 1000:.0f} ms "
            f"({naive_decide / decide_call:.0f}x)"
        )


def from_the_command(state_dir: Path, assets: int, runs: int) -> list[float]:
    config = state_dir / "bench.toml"
    config.write_text(f'[storage]\nstate_dir = "{state_dir}"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMMICH", "TEXTUAL"))}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", LANG="C.UTF-8")
    counts = f"files {assets:,} (".encode()
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        term = Terminal(
            [sys.executable, "-m", "sidecar", "--config", str(config), "tui"], env, "plain"
        )
        if not term.wait_for(counts, 60):
            raise SystemExit(f"tui did not show the dashboard: {term.output[-500:]!r}")
        out.append(time.perf_counter() - t)
        term.send(b"q")
        term.pump(1.0)
        term.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--work", type=Path, help="cache the inventory here (built once)")
    args = parser.parse_args()
    asyncio.run(run(args.assets, args.groups, args.work))


if __name__ == "__main__":
    main()
