"""Groups list benchmark: --groups duplicate groups (default 10,000) of --files member files in
all (default 100,000) in a real SQLite inventory, a third of the groups decided (their copies
in the trash queue); the groups are written straight into the analysis tables.

Measured through the review service, as the groups list reads it: opening (the view, its
total, the first page and what was decided about it), filtering (undecided only; a path
text), paging (the next page; the last page, as End reads it). Then the same in the real app,
headless (80x24): `g`, `f`, `end`, `home`, `/` + text + enter, each from the key to the
frame that shows its result. Naive baseline in the same run: every group read with its
members and its verdict, then
filtered, counted and sliced in Python.

Targets (issue 15): filter < 0.3 s, open < 1 s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402
from textual.css.query import NoMatches  # noqa: E402

from sidecar.engine.core.models import Member  # noqa: E402
from sidecar.engine.services.review import ReviewService, Shown  # noqa: E402
from sidecar.runtime import open_runtime  # noqa: E402
from sidecar.settings import Settings  # noqa: E402
from sidecar.tui.app import SidecarApp  # noqa: E402
from sidecar.tui.screens.paged import PAGE  # noqa: E402

TEXT = "2019/07"  # the path filter measured


def groups_of(groups: int, files: int) -> list[Any]:
    per = max(files // groups, 2)
    rows = []
    for n in range(groups):
        year, month = 2010 + n % 12, 1 + (n // 12) % 12
        members = [
            Member(
                f"a{n}-{k}",
                f"/photos/{year}/{month:02}/{n}/IMG_{k:04}.jpg",
                f"a{n}-{k}",
                1_000_000 + k,
                4000,
                3000,
                f"{year}-{month:02}-01T10:00:00",
            )
            for k in range(per)
        ]
        rows.append(("exact", "me", f"a{n}-0", ["same content"], 0, (per - 1) * 1_000_000, members))
    return rows


async def timed(what: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = await what()
    return time.perf_counter() - t, out


async def first_page(review: ReviewService, shown: Shown, text: str = "") -> tuple[int, int]:
    """What the list does to show a view: the view, its total, a page and its states."""
    query = await review.group_query("reclaim", None, shown, text)
    total = await review.group_total(query)
    page = await review.group_page(query, 0, PAGE)
    await review.group_verdicts(page)
    return total, len(page)


async def naive(review: ReviewService, shown: Shown, text: str = "") -> tuple[int, int]:
    every = await review.analysis.groups(1 << 62, 0, "reclaim")
    verdicts = await review.group_verdicts(every)
    kept = [
        g
        for g in every
        if (shown is Shown.ALL or (shown is Shown.DECIDED) == bool(verdicts[g.id].state))
        and (not text or any(text.lower() in (m.path or "").lower() for m in g.members))
    ]
    return len(kept), len(kept[:PAGE])


async def in_the_app(rt: Any) -> dict[str, float]:
    """The real app, headless at 80x24: each key from the moment it is sent (as a terminal
    sends it) to the frame that shows its result painted (the title names the new view, every
    worker the key started has ended, the screen's pending repaint done): wall time, and the
    process's CPU time (every thread: the SQL runs in the store's). Textual's pilot waits for
    the process to look idle after each key; that wait is not counted."""
    out: dict[str, float] = {}
    app = SidecarApp(rt)
    async with app.run_test(size=(80, 24)) as pilot:

        def title() -> str:
            try:
                return str(app.screen.query_one("#groups-title").render())
            except NoMatches:
                return ""

        async def shown(before: str) -> None:
            while title() == before or any(w.is_running for w in app.workers):
                await asyncio.sleep(0.001)
            app.screen._on_timer_update()  # the repaint the screen's timer would do next

        await pilot.pause()
        for name, before, keys in (
            ("open (g)", [], ["g"]),
            ("undecided (f)", [], ["f"]),
            ("end", [], ["end"]),
            ("home", [], ["home"]),
            (f'path "{TEXT}" (enter after / and the text)', ["f", "f", "slash", *TEXT], ["enter"]),
        ):
            await pilot.press(*before)
            await pilot.pause()
            was = title()
            t, cpu = time.perf_counter(), time.process_time()
            for key in keys:
                event = events.Key(key, key if len(key) == 1 else None)
                event.set_sender(app)
                app._driver.send_message(event)  # type: ignore[union-attr]
            await shown(was)
            out[name] = time.perf_counter() - t
            out[f"{name}, CPU"] = time.process_time() - cpu
            await pilot.pause()
        out[title()] = 0.0
    return out


async def run(groups: int, files: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.model_validate({"storage": {"state_dir": tmp}})
        async with open_runtime(settings) as rt:
            rows = groups_of(groups, files)
            await rt.analysis.replace_results(1, rows, [])
            decided = [m.asset_id for r in rows[::3] for m in r[6][1:]]
            await rt.review.journal.decide_trash(decided, "benchmark")
            review = rt.review
            results = {}
            for name, shown, text in (
                ("open (all)", Shown.ALL, ""),
                ("filter: undecided", Shown.UNDECIDED, ""),
                (f'filter: path "{TEXT}"', Shown.ALL, TEXT),
            ):
                ours, (total, _) = await timed(lambda s=shown, x=text: first_page(review, s, x))
                base, (n_total, _) = await timed(lambda s=shown, x=text: naive(review, s, x))
                assert n_total == total, (name, n_total, total)
                results[name] = (ours, base, total)
            query = await review.group_query("reclaim", None, Shown.UNDECIDED)
            total = await review.group_total(query)

            async def page_at(offset: int) -> None:
                await review.group_verdicts(await review.group_page(query, offset, PAGE))

            next_page, _ = await timed(lambda: page_at(PAGE))
            last_page, _ = await timed(lambda: page_at(max(total - PAGE, 0)))
            app = await in_the_app(rt)
    members = sum(len(r[6]) for r in rows)
    print(f"inventory: {groups:,} groups of {members:,} member files, {len(decided):,} queued")
    for name, (ours, base, count) in results.items():
        print(f"{name}: {ours:.3f} s ({count:,} groups); naive {base:.2f} s, {base / ours:.0f}x")
    print(f"next page: {next_page:.3f} s; last page (end): {last_page:.3f} s")
    print("in the app (headless, 80x24):")
    for name, seconds in app.items():
        print(f"  {name}: {seconds:.3f} s" if seconds else f"  title: {name}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=100_000)
    args = parser.parse_args()
    asyncio.run(run(args.groups, args.files))


if __name__ == "__main__":
    main()
